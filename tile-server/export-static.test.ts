import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { BASE_TOKEN, ExportStaticError, exportStatic, fillBase, type ExportStaticResult } from './export-static.ts';
import { startTileServer, type TileServer } from './tile-server.ts';
import { createTiler, type Tiler } from './tiler.ts';
import { rawGet } from './raw-get.ts';

type Json = Record<string, any>;

const readJson = (path: string): Json => JSON.parse(readFileSync(path, 'utf8')) as Json;

function pbfFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(join(d, entry.name));
      else out.push(relative(dir, join(d, entry.name)).split(sep).join('/'));
    }
  };
  if (existsSync(dir)) walk(dir);
  return out.sort();
}


describe('exportStatic z0–2 (Natural Earth tiler)', () => {
  let dir: string;
  let result: ExportStaticResult;
  // A second tiler, built independently of the export's, as the server builds its own.
  const reference = createTiler();
  let server: TileServer;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kestrel-export-'));
    result = exportStatic({ outDir: dir, minZoom: 0, maxZoom: 2 });
    server = await startTileServer({ port: 0, preload: false, log: () => {} });
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('writes one .pbf per non-empty tile, byte for byte what the in-process tiler cuts', () => {
    const files = pbfFiles(join(dir, 'tiles'));
    expect(files.length).toBe(result.tiles);
    expect(result.tiles + result.empty).toBe(1 + 4 + 16);
    for (let z = 0; z <= 2; z++) {
      for (let x = 0; x < 2 ** z; x++) {
        for (let y = 0; y < 2 ** z; y++) {
          const expected = reference.getTile(z, x, y);
          const path = join(dir, 'tiles', String(z), String(x), `${y}.pbf`);
          if (!expected) {
            expect(existsSync(path), `${z}/${x}/${y} is empty and must not be written`).toBe(false);
            continue;
          }
          expect(Buffer.compare(readFileSync(path), Buffer.from(expected)), `${z}/${x}/${y}`).toBe(0);
        }
      }
    }
    expect(result.bytes).toBe(files.reduce((sum, f) => sum + readFileSync(join(dir, 'tiles', f)).length, 0));
  });

  test('tiles equal the tile server’s identity responses', async () => {
    for (const key of ['0/0/0', '1/0/0', '2/1/1', '2/3/2']) {
      const reply = await rawGet(`${server.url}/tiles/${key}.pbf`);
      expect(reply.status, key).toBe(200);
      expect(Buffer.compare(readFileSync(join(dir, 'tiles', `${key}.pbf`)), reply.body), key).toBe(0);
    }
  });

  test('tiles.json is TileJSON 3.0.0 for the exported zooms and layers, with the __BASE__ token', () => {
    const tileJson = readJson(join(dir, 'tiles.json'));
    expect(tileJson.tilejson).toBe('3.0.0');
    expect(tileJson.tiles).toEqual([`${BASE_TOKEN}/tiles/{z}/{x}/{y}.pbf`]);
    expect(tileJson).toMatchObject({ minzoom: 0, maxzoom: 2, scheme: 'xyz' });
    expect(tileJson.center[2]).toBe(2);
    // No US states before z3: only layers that occur in the written tiles are listed.
    expect(tileJson.vector_layers.map((l: Json) => l.id)).toEqual(['land', 'countries', 'boundaries', 'places', 'country_labels']);
    expect(result.layers).toEqual(['land', 'countries', 'boundaries', 'places', 'country_labels']);
    for (const layer of tileJson.vector_layers) expect(layer).toMatchObject({ minzoom: 0, maxzoom: 2 });
  });

  test('style.json is the server’s style with its source pointing at tiles.json and its glyphs at the export’s fonts/ (no inline tiles, no sprite)', async () => {
    const style = readJson(join(dir, 'style.json'));
    expect(style.sources).toEqual({ kestrel: { type: 'vector', url: `${BASE_TOKEN}/tiles.json` } });
    expect(style.glyphs).toBe(`${BASE_TOKEN}/fonts/{fontstack}/{range}.pbf`);
    expect(style.sprite).toBeUndefined();
    expect(JSON.stringify(style)).not.toContain('/tiles/{z}');
    const served = JSON.parse((await rawGet(`${server.url}/style.json`)).body.toString()) as Json;
    expect(style.layers).toEqual(served.layers);
    expect(style.version).toBe(8);
  });

  test('writes all 256 glyph ranges under fonts/, byte for byte what the server answers', async () => {
    const files = pbfFiles(join(dir, 'fonts'));
    expect(files).toHaveLength(256);
    expect(result.glyphRanges).toBe(256);
    for (const range of ['0-255', '1024-1279', '19968-20223']) {
      const served = await rawGet(`${server.url}/fonts/Noto%20Sans%20Regular/${range}.pbf`);
      expect(Buffer.compare(readFileSync(join(dir, 'fonts', 'Noto Sans Regular', `${range}.pbf`)), served.body), range).toBe(0);
    }
  });

  test('fillBase points both files at a base, and can re-point them', () => {
    const copy = mkdtempSync(join(tmpdir(), 'kestrel-export-fill-'));
    try {
      for (const f of ['tiles.json', 'style.json']) writeFileSync(join(copy, f), readFileSync(join(dir, f)));
      fillBase(copy, 'http://127.0.0.1:4321/');
      expect(readJson(join(copy, 'tiles.json')).tiles).toEqual(['http://127.0.0.1:4321/tiles/{z}/{x}/{y}.pbf']);
      expect(readJson(join(copy, 'style.json')).sources.kestrel.url).toBe('http://127.0.0.1:4321/tiles.json');
      expect(readJson(join(copy, 'style.json')).glyphs).toBe('http://127.0.0.1:4321/fonts/{fontstack}/{range}.pbf');
      fillBase(copy, 'https://cdn.example.com/maps/tiles');
      expect(readJson(join(copy, 'style.json')).glyphs).toBe('https://cdn.example.com/maps/tiles/fonts/{fontstack}/{range}.pbf');
      expect(readJson(join(copy, 'tiles.json')).tiles).toEqual(['https://cdn.example.com/maps/tiles/tiles/{z}/{x}/{y}.pbf']);
      expect(readJson(join(copy, 'style.json')).sources.kestrel.url).toBe('https://cdn.example.com/maps/tiles/tiles.json');
      const { tiles: _a, ...restFilled } = readJson(join(copy, 'tiles.json'));
      const { tiles: _b, ...restOriginal } = readJson(join(dir, 'tiles.json'));
      expect(restFilled).toEqual(restOriginal);
      expect(() => fillBase(copy, 'not a url')).toThrow(ExportStaticError);
      expect(() => fillBase(copy, 'file:///tmp')).toThrow(ExportStaticError);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});

describe('exportStatic with a fake tiler', () => {
  // Non-empty only on the diagonal, so half of z1 is "204".
  const fake: Tiler = {
    maxZoom: 14,
    preload() {},
    getTile: (z, x, y) => (x === y ? new Uint8Array([0x1a, 0x02, 0x78, z]) : null),
  };
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'kestrel-export-fake-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('skips empty tiles, exports only minZoom–maxZoom and replaces an earlier tiles/ directory', () => {
    mkdirSync(join(dir, 'tiles', '9', '9'), { recursive: true });
    writeFileSync(join(dir, 'tiles', '9', '9', '9.pbf'), 'stale');
    writeFileSync(join(dir, 'keep.txt'), 'not ours');
    const result = exportStatic({ outDir: dir, minZoom: 1, maxZoom: 2, baseUrl: 'http://example.test:8080', tiler: fake });
    expect(pbfFiles(join(dir, 'tiles'))).toEqual(['1/0/0.pbf', '1/1/1.pbf', '2/0/0.pbf', '2/1/1.pbf', '2/2/2.pbf', '2/3/3.pbf']);
    expect(result).toMatchObject({ tiles: 6, empty: 2 + 12, bytes: 24 });
    expect(readFileSync(join(dir, 'keep.txt'), 'utf8')).toBe('not ours');
    // baseUrl given: no token left.
    expect(readJson(join(dir, 'tiles.json')).tiles).toEqual(['http://example.test:8080/tiles/{z}/{x}/{y}.pbf']);
    expect(readJson(join(dir, 'style.json')).sources.kestrel.url).toBe('http://example.test:8080/tiles.json');
  });

  test('rejects bad zooms', () => {
    expect(() => exportStatic({ outDir: dir, minZoom: 3, maxZoom: 2, tiler: fake })).toThrow(ExportStaticError);
    expect(() => exportStatic({ outDir: dir, minZoom: 0, maxZoom: 15, tiler: fake })).toThrow(ExportStaticError);
    expect(() => exportStatic({ outDir: dir, minZoom: 0.5, maxZoom: 2, tiler: fake })).toThrow(ExportStaticError);
  });
});

describe('export-static CLI', () => {
  test('exports z0 with --base-url, and exits 2 on bad arguments', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kestrel-export-cli-'));
    const cli = ['node_modules/tsx/dist/cli.mjs', 'tile-server/export-static.ts'];
    try {
      const out = execFileSync(process.execPath, [...cli, '--out', dir, '--maxzoom', '0', '--base-url', 'http://127.0.0.1:9/'], { encoding: 'utf8' });
      expect(out).toMatch(/exported z0–0 .*: 1 tiles/);
      expect(pbfFiles(join(dir, 'tiles'))).toEqual(['0/0/0.pbf']);
      expect(readJson(join(dir, 'style.json')).sources.kestrel.url).toBe('http://127.0.0.1:9/tiles.json');
      expect(() => execFileSync(process.execPath, [...cli, '--out', dir, '--maxzoom', 'x'], { stdio: 'pipe' })).toThrow(/status 2|Command failed/);
      expect(() => execFileSync(process.execPath, [...cli, '--nope'], { stdio: 'pipe' })).toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
