import { describe, expect, it } from 'vitest';
import { decodeResource, routeThroughEngine } from './resource-routing.ts';

const utf8 = (text: string) => new TextEncoder().encode(text).buffer as ArrayBuffer;

describe('routeThroughEngine', () => {
  it('sends tiles to kestrel://', () => {
    expect(routeThroughEngine('https://t.test/5/16/11.pbf', 'Tile', 'p1')).toEqual({ url: 'kestrel://p1/https://t.test/5/16/11.pbf' });
  });

  it('sends the style to kestrel-style://, its own scheme (untrusted input, no direct-load fallback)', () => {
    expect(routeThroughEngine('http://127.0.0.1:8787/style.json', 'Style')).toEqual({ url: 'kestrel-style://http://127.0.0.1:8787/style.json' });
  });

  it('sends TileJSON, sprites and glyphs to kestrel-resource://', () => {
    for (const type of ['Source', 'SpriteJSON', 'SpriteImage', 'Glyphs']) {
      expect(routeThroughEngine('http://127.0.0.1:8787/style.json', type)).toEqual({ url: 'kestrel-resource://http://127.0.0.1:8787/style.json' });
    }
  });

  it('takes pmtiles:// sources as the PMTiles Protocol names them: the archive as TileJSON, its tiles as tiles', () => {
    expect(routeThroughEngine('pmtiles://https://cdn.test/world.pmtiles', 'Source', 'p1')).toEqual({ url: 'kestrel-resource://pmtiles://https://cdn.test/world.pmtiles' });
    expect(routeThroughEngine('pmtiles://https://cdn.test/world.pmtiles/3/4/2.mvt', 'Tile', 'p1')).toEqual({ url: 'kestrel://p1/pmtiles://https://cdn.test/world.pmtiles/3/4/2.mvt' });
    expect(routeThroughEngine('pmtiles://file:///world.pmtiles', 'Source')).toBeUndefined();
  });

  it('leaves image sources, unknown resources and untyped requests to MapLibre', () => {
    expect(routeThroughEngine('https://t.test/picture.png', 'Image')).toBeUndefined();
    expect(routeThroughEngine('https://t.test/x', 'Unknown')).toBeUndefined();
    expect(routeThroughEngine('https://t.test/x')).toBeUndefined();
  });

  it('leaves data:, blob: and relative URLs alone', () => {
    for (const url of ['data:application/json,{}', 'blob:https://a.test/1234', '/style.json', 'kestrel://https://t.test/1/0/0.pbf']) {
      expect(routeThroughEngine(url, 'Style')).toBeUndefined();
      expect(routeThroughEngine(url, 'Tile')).toBeUndefined();
    }
  });
});

describe('decodeResource', () => {
  it('parses UTF-8 JSON for a json request, behind a BOM too', () => {
    expect(decodeResource(utf8('{"version":8,"name":"Zürich"}'), 'json')).toEqual({ version: 8, name: 'Zürich' });
    expect(decodeResource(utf8('\ufeff[1,2]'), 'json')).toEqual([1, 2]);
  });

  it('rejects a body that is not JSON when JSON was asked for', () => {
    expect(() => decodeResource(utf8('<!doctype html><p>sign in'), 'json')).toThrow(/not valid JSON/);
    expect(() => decodeResource(utf8('{"version":8,'), 'json')).toThrow(/not valid JSON/);
  });

  it('decodes text for a string request', () => {
    expect(decodeResource(utf8('hello'), 'string')).toBe('hello');
  });

  it('hands bytes through for arrayBuffer and image requests (MapLibre decodes them)', () => {
    const bytes = utf8('\x89PNG');
    expect(decodeResource(bytes, 'arrayBuffer')).toBe(bytes);
    expect(decodeResource(bytes, 'image')).toBe(bytes);
  });
});
