import { describe, expect, it } from 'vitest';
import { archiveTileTemplate, parseArchiveUrl } from './archive-url.ts';

describe('pmtiles:// URLs, as the PMTiles MapLibre Protocol writes them', () => {
  it('names the archive itself (the source URL, answered with a TileJSON)', () => {
    expect(parseArchiveUrl('pmtiles://https://cdn.example.com/world.pmtiles')).toEqual({ archive: 'https://cdn.example.com/world.pmtiles' });
  });

  it('names a tile of the archive by the z/x/y the TileJSON template appends', () => {
    const template = archiveTileTemplate('https://cdn.example.com/world.pmtiles?key=abc');
    expect(template).toBe('pmtiles://https://cdn.example.com/world.pmtiles?key=abc/{z}/{x}/{y}');
    expect(parseArchiveUrl('pmtiles://https://h/a.pmtiles/3/4/2.mvt')).toEqual({ archive: 'https://h/a.pmtiles', coord: { z: 3, x: 4, y: 2 } });
    expect(parseArchiveUrl('pmtiles://http://127.0.0.1:8080/a.pmtiles/3/4/2')).toEqual({ archive: 'http://127.0.0.1:8080/a.pmtiles', coord: { z: 3, x: 4, y: 2 } });
  });

  it('refuses what is not an http(s) archive, or an address off the tile grid', () => {
    expect(parseArchiveUrl('https://cdn.example.com/world.pmtiles')).toBeUndefined();
    expect(parseArchiveUrl('pmtiles://file:///etc/passwd')).toBeUndefined();
    expect(parseArchiveUrl('pmtiles://https://h/a.pmtiles/2/4/0')).toBeUndefined();
  });
});
