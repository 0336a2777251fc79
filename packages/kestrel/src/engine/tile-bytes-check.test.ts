import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../test/seeded-random.ts';
import { mvtTile, pngTile, utf8 } from '../../test/tile-fixtures.ts';
import { checkTileBytes } from './tile-bytes-check.ts';

const html = utf8('\ufeff  <!DOCTYPE html><html><body>Please log in</body></html>');

describe('checkTileBytes', () => {
  it('accepts a real MVT (it decodes with @mapbox/vector-tile)', () => {
    const bytes = mvtTile([
      { name: 'places', points: [[1, 2]] },
      { name: 'roads', points: [[3, 4], [5, 6]] },
    ]);
    const decoded = new VectorTile(new PbfReader(bytes));
    expect(decoded.layers.roads.length).toBe(2);
    expect(checkTileBytes(bytes, 'vector')).toBeUndefined();
  });

  it('accepts an empty body as an empty tile', () => {
    expect(checkTileBytes(new Uint8Array(0), 'vector')).toBeUndefined();
    expect(checkTileBytes(new Uint8Array(0), 'raster')).toBeUndefined();
  });

  it('accepts gzipped vector tiles unread', () => {
    expect(checkTileBytes(new Uint8Array([0x1f, 0x8b, 0x08, 0, 1, 2, 3]), 'vector')).toBeUndefined();
  });

  it('accepts PNG, JPEG, WebP, GIF and AVIF rasters', () => {
    const riff = utf8('RIFF\0\0\0\0WEBPVP8 ');
    const avif = utf8('\0\0\0\x1cftypavif');
    for (const bytes of [pngTile(), new Uint8Array([0xff, 0xd8, 0xff, 0xe0]), riff, utf8('GIF89a'), avif]) {
      expect(checkTileBytes(bytes, 'raster')).toBeUndefined();
    }
  });

  it('rejects HTML for every kind, even behind a BOM and whitespace', () => {
    for (const kind of ['vector', 'raster', 'resource'] as const) expect(checkTileBytes(html, kind)?.reason).toBe('html-body');
    expect(checkTileBytes(utf8('<html>'), 'vector')?.reason).toBe('html-body');
  });

  it('rejects JSON where a tile was expected, but allows it for resources', () => {
    expect(checkTileBytes(utf8('{"error":"quota"}'), 'vector')?.reason).toBe('json-body');
    expect(checkTileBytes(utf8(' [1,2]'), 'raster')?.reason).toBe('json-body');
    expect(checkTileBytes(utf8('{"version":8}'), 'resource')).toBeUndefined();
  });

  it('rejects a resource whose JSON does not parse (cut short or mangled), but passes binary resources', () => {
    expect(checkTileBytes(utf8('{"version":8,"sources":{'), 'resource')).toMatchObject({ reason: 'garbage', message: /malformed JSON/ });
    expect(checkTileBytes(utf8('quota exceeded'), 'resource', 'application/json')?.reason).toBe('garbage');
    expect(checkTileBytes(pngTile(), 'resource', 'image/png')).toBeUndefined();
    expect(checkTileBytes(new Uint8Array([0x0a, 0x03, 0x61, 0x62, 0x63]), 'resource', 'application/x-protobuf')).toBeUndefined();
  });

  it('names the problem from Content-Type when the bytes are not a tile, but trusts real tile bytes', () => {
    expect(checkTileBytes(utf8('Service unavailable'), 'raster', 'text/html; charset=utf-8')?.reason).toBe('html-body');
    expect(checkTileBytes(utf8('oops'), 'vector', 'application/problem+json')?.reason).toBe('json-body');
    expect(checkTileBytes(mvtTile(), 'vector', 'text/html')).toBeUndefined();
    expect(checkTileBytes(utf8('x'), 'resource', 'text/html')?.reason).toBe('html-body');
  });

  it('rejects a raster without an image signature as garbage', () => {
    expect(checkTileBytes(utf8('not an image at all'), 'raster')?.reason).toBe('garbage');
  });

  it('reports a vector tile cut inside its last layer as truncated', () => {
    const bytes = mvtTile();
    expect(checkTileBytes(bytes.subarray(0, bytes.length - 3), 'vector')?.reason).toBe('truncated');
  });

  it('rejects random bytes as garbage for vector and raster kinds', () => {
    let garbage = 0;
    const runs = 2000;
    for (let seed = 1; seed <= runs; seed++) {
      const random = seededRandom(seed);
      const bytes = Uint8Array.from({ length: 1 + Math.floor(random() * 300) }, () => Math.floor(random() * 256));
      for (const kind of ['vector', 'raster'] as const) {
        const problem = checkTileBytes(bytes, kind);
        if (bytes.length > 3 && bytes[0] === 0x1f && bytes[1] === 0x8b && bytes[2] === 0x08) continue;
        expect(problem).toBeDefined();
        if (problem?.reason === 'garbage') garbage++;
      }
    }
    expect(garbage / (2 * runs)).toBeGreaterThan(0.97);
  });
});
