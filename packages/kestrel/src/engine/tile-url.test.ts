import { describe, expect, it } from 'vitest';
import { parseTileCoord, tileSourceOf, withTileAddress } from './tile-url.ts';

describe('parseTileCoord', () => {
  it('reads z/x/y from a vector tile URL with a query', () => {
    expect(parseTileCoord('http://127.0.0.1:8787/tiles/5/16/11.pbf?access_token=abc')).toEqual({ z: 5, x: 16, y: 11 });
  });
  it('reads retina raster URLs', () => {
    expect(parseTileCoord('https://t.test/a/3/4/2@2x.png')).toEqual({ z: 3, x: 4, y: 2 });
  });
  it('rejects coordinates outside the pyramid', () => {
    expect(parseTileCoord('https://t.test/2/4/1.pbf')).toBeUndefined();
  });
  it('gives up on URLs without a tile address', () => {
    expect(parseTileCoord('https://t.test/style.json')).toBeUndefined();
  });
});

describe('tileSourceOf', () => {
  it('names the source by host and path prefix, without the query', () => {
    expect(tileSourceOf('http://127.0.0.1:8787/tiles/5/16/11.pbf?key=s')).toBe('127.0.0.1:8787/tiles');
  });
});

describe('withTileAddress', () => {
  it('gives a tile its address and source from the URL', () => {
    expect(withTileAddress({ id: 'a', url: 'https://t.test/tiles/3/4/2.pbf', kind: 'vector' })).toMatchObject({
      coord: { z: 3, x: 4, y: 2 },
      source: 't.test/tiles',
    });
  });

  it('gives a resource no address, even when its path ends in three numbers', () => {
    const req = withTileAddress({ id: 'a', url: 'https://api.test/styles/v1/2/3.json', kind: 'resource' });
    expect(req.coord).toBeUndefined();
    expect(req.source).toBe('api.test/styles/v1/2/3.json');
  });
});
