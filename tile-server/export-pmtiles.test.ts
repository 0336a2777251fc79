import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Compression, TileType, type PMTiles } from 'pmtiles';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { exportPmtiles, ExportPmtilesError, type ExportPmtilesResult } from './export-pmtiles.ts';
import { inspectArchive, openArchive, readTile, type ArchiveLayout } from './pmtiles/read-back.ts';
import { tileIdToZxy } from './pmtiles/tile-id.ts';
import { startTileServer, type TileServer } from './tile-server.ts';
import { createTiler, type Tiler } from './tiler.ts';
import { rawGet } from './raw-get.ts';

type Json = Record<string, any>;

const getJson = async (url: string): Promise<Json> => JSON.parse((await rawGet(url)).body.toString()) as Json;
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

// Every z/x/y of z0–maxZoom.
function* pyramid(maxZoom: number): Generator<[number, number, number]> {
  for (let z = 0; z <= maxZoom; z++) for (let x = 0; x < 2 ** z; x++) for (let y = 0; y < 2 ** z; y++) yield [z, x, y];
}

// The server's own witness: every tile of z0–maxZoom read from the archive hashes to what /__tilehash reports
// for the body GET /tiles/{z}/{x}/{y}.pbf sends; the server's 204s are absent from the archive.
async function expectArchiveMatchesServer(archive: PMTiles, server: TileServer, maxZoom: number): Promise<number> {
  let compared = 0;
  for (const [z, x, y] of pyramid(maxZoom)) {
    const served = await getJson(`${server.url}/__tilehash/${z}/${x}/${y}`);
    const tile = await readTile(archive, z, x, y);
    if (served.status === 204) {
      expect(tile, `${z}/${x}/${y} is empty on the server`).toBeUndefined();
      continue;
    }
    expect(served.status).toBe(200);
    expect(tile, `${z}/${x}/${y}`).toBeDefined();
    expect({ tile: `${z}/${x}/${y}`, sha256: sha256(tile!), bytes: tile!.length }).toEqual({ tile: `${z}/${x}/${y}`, sha256: served.sha256, bytes: served.bytes });
    compared++;
  }
  return compared;
}

describe('exportPmtiles z0–3 (Natural Earth tiler), read back with the pmtiles package', () => {
  let dir: string;
  let server: TileServer;
  let result: ExportPmtilesResult;
  let bytes: Buffer;
  let layout: ArchiveLayout;
  const tiler: Tiler = createTiler();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kestrel-pmtiles-'));
    result = exportPmtiles({ outFile: join(dir, 'world.pmtiles'), minZoom: 0, maxZoom: 3, tiler });
    bytes = readFileSync(join(dir, 'world.pmtiles'));
    layout = inspectArchive(bytes);
    server = await startTileServer({ port: 0, preload: false, log: () => {} });
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('every tile equals what the tile server serves (its /__tilehash), and its 204s are absent', async () => {
    const compared = await expectArchiveMatchesServer(openArchive(bytes), server, 3);
    expect(compared).toBe(result.tiles);
    expect(result.tiles + result.empty).toBe(1 + 4 + 16 + 64);
    // And the body itself, for a few tiles, against an identity GET.
    const archive = openArchive(bytes);
    for (const key of ['0/0/0', '2/1/1', '3/2/3']) {
      const [z, x, y] = key.split('/').map(Number);
      const reply = await rawGet(`${server.url}/tiles/${key}.pbf`);
      expect(reply.status).toBe(200);
      expect(Buffer.from((await readTile(archive, z, x, y))!).equals(reply.body), key).toBe(true);
    }
  });

  test('the header says PMTiles v3, clustered, gzip tiles and directories, MVT, z0–3, the world and its middle', async () => {
    expect(bytes.subarray(0, 7).toString()).toBe('PMTiles');
    const header = await openArchive(bytes).getHeader();
    expect(header).toMatchObject({
      specVersion: 3,
      clustered: true,
      internalCompression: Compression.Gzip,
      tileCompression: Compression.Gzip,
      tileType: TileType.Mvt,
      minZoom: 0,
      maxZoom: 3,
      minLon: -180,
      maxLon: 180,
      centerLon: 0,
      centerLat: 0,
      centerZoom: 0,
      numAddressedTiles: result.tiles,
      numTileEntries: result.stats.tileEntries,
      numTileContents: result.stats.tileContents,
    });
    expect(header.minLat).toBeCloseTo(-85.0511, 4);
    expect(header.maxLat).toBeCloseTo(85.0511, 4);
    expect(header.tileDataOffset + header.tileDataLength!).toBe(bytes.length);
    expect(result.stats.totalBytes).toBe(bytes.length);
  });

  test('repeated tiles are stored once, and consecutive ones are a single run-length entry that reads back', async () => {
    expect(result.stats.tileContents).toBeLessThan(result.tiles);
    const runs = layout.tileEntries.filter((e) => e.runLength > 1);
    expect(runs.length).toBeGreaterThan(0);
    expect(runs.length).toBe(result.stats.runLengthEntries);
    const archive = openArchive(bytes);
    for (const run of runs) {
      const first = await readTile(archive, ...tileIdToZxy(run.tileId));
      for (let id = run.tileId; id < run.tileId + run.runLength; id++) {
        const [z, x, y] = tileIdToZxy(id);
        // The run's tiles are identical on the server too.
        expect(sha256(tiler.getTile(z, x, y)!), `${z}/${x}/${y}`).toBe(sha256(first!));
        expect(sha256((await readTile(archive, z, x, y))!)).toBe(sha256(first!));
      }
    }
  });

  test('metadata: the server’s TileJSON name, attribution and vector_layers (layers present, zooms clamped to z0–3)', async () => {
    const served = await getJson(`${server.url}/tiles.json`);
    const metadata = (await openArchive(bytes).getMetadata()) as Json;
    expect(metadata).toMatchObject({ name: served.name, attribution: served.attribution });
    expect(metadata.vector_layers.map((l: Json) => l.id)).toEqual(['land', 'countries', 'boundaries', 'states', 'places', 'country_labels', 'state_labels']);
    for (const layer of metadata.vector_layers) {
      const original = served.vector_layers.find((l: Json) => l.id === layer.id);
      expect(layer).toEqual({ ...original, minzoom: Math.max(original.minzoom, 0), maxzoom: Math.min(original.maxzoom, 3) });
    }
    expect(result.layers).toEqual(metadata.vector_layers.map((l: Json) => l.id));
  });

  test('with a small root limit the directory moves into leaves, and every tile still reads back', async () => {
    const file = join(dir, 'leaves.pmtiles');
    const leafy = exportPmtiles({ outFile: file, minZoom: 0, maxZoom: 3, tiler, maxRootBytes: 64, leafEntries: 8 });
    expect(leafy.stats.leafDirectories).toBeGreaterThan(1);
    const leafBytes = readFileSync(file);
    const leafLayout = inspectArchive(leafBytes);
    expect(leafLayout.root.every((e) => e.runLength === 0)).toBe(true);
    expect(leafLayout.header.rootDirectoryLength).toBeLessThanOrEqual(64);
    expect(leafLayout.tileEntries).toEqual(layout.tileEntries);
    expect(await expectArchiveMatchesServer(openArchive(leafBytes), server, 3)).toBe(result.tiles);
  });

  test('a bbox limits the tiles and sets bounds and center', async () => {
    const file = join(dir, 'us.pmtiles');
    const us = exportPmtiles({ outFile: file, minZoom: 2, maxZoom: 3, bbox: [-125, 24, -66.5, 49.5], tiler });
    const archive = openArchive(readFileSync(file));
    const header = await archive.getHeader();
    expect(header).toMatchObject({ minZoom: 2, maxZoom: 3, minLon: -125, minLat: 24, maxLon: -66.5, maxLat: 49.5, centerZoom: 2 });
    expect(header.centerLon).toBeCloseTo(-95.75, 5);
    // z2: x 0–1, y 1; z3: x 1–2, y 2–3.
    expect(us.tiles + us.empty).toBe(2 + 4);
    const ids = inspectArchive(readFileSync(file)).tileEntries.flatMap((e) => Array.from({ length: e.runLength }, (_, i) => tileIdToZxy(e.tileId + i).join('/')));
    expect(ids.sort()).toEqual(['2/0/1', '2/1/1', '3/1/2', '3/1/3', '3/2/2', '3/2/3']);
    expect(await readTile(archive, 2, 3, 1)).toBeUndefined();
    expect(Buffer.from((await readTile(archive, 3, 2, 3))!).equals(Buffer.from(tiler.getTile(3, 2, 3)!))).toBe(true);
    expect(await readTile(archive, 1, 0, 0)).toBeUndefined();
  });

  test('refuses bad zooms and a box with no data', () => {
    expect(() => exportPmtiles({ outFile: join(dir, 'x.pmtiles'), minZoom: 3, maxZoom: 2, tiler })).toThrow(ExportPmtilesError);
    expect(() => exportPmtiles({ outFile: join(dir, 'x.pmtiles'), minZoom: 0, maxZoom: 15, tiler })).toThrow(ExportPmtilesError);
    const empty: Tiler = { maxZoom: 14, preload() {}, getTile: () => null };
    expect(() => exportPmtiles({ outFile: join(dir, 'x.pmtiles'), minZoom: 0, maxZoom: 1, tiler: empty })).toThrow(/has data/);
    expect(existsSync(join(dir, 'x.pmtiles'))).toBe(false);
  });
});

describe('tiles:export CLI with a .pmtiles --out', () => {
  const cli = ['node_modules/tsx/dist/cli.mjs', 'tile-server/export-static.ts'];

  test('writes an archive for z0–1 and a --bbox, with the glyph ranges beside it; refuses --bbox for a directory and --base-url for an archive (exit 2)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kestrel-pmtiles-cli-'));
    try {
      const file = join(dir, 'new-folder', 'out.pmtiles');
      const out = execFileSync(process.execPath, [...cli, '--out', file, '--maxzoom', '1', '--bbox', '-180,-85,180,85'], { encoding: 'utf8' });
      expect(out).toMatch(/exported z0–1 to .*out\.pmtiles: \d+ tiles .* bytes/);
      const header = await openArchive(readFileSync(file)).getHeader();
      expect(header).toMatchObject({ specVersion: 3, minZoom: 0, maxZoom: 1, minLat: -85, maxLat: 85 });
      expect(existsSync(join(dir, 'tiles'))).toBe(false);
      // the style's glyph ranges beside the archive, for a style that points its glyphs there
      expect(existsSync(join(dir, 'new-folder', 'fonts', 'Noto Sans Regular', '0-255.pbf'))).toBe(true);
      expect(out).toMatch(/256 glyph ranges/);
      const fails = (args: string[]) => {
        try {
          execFileSync(process.execPath, [...cli, ...args], { stdio: 'pipe' });
          return 0;
        } catch (error) {
          return (error as { status: number }).status;
        }
      };
      expect(fails(['--out', dir, '--maxzoom', '0', '--bbox', '0,0,1,1'])).toBe(2);
      expect(fails(['--out', file, '--maxzoom', '0', '--base-url', 'http://127.0.0.1:9/'])).toBe(2);
      expect(fails(['--out', file, '--maxzoom', '0', '--bbox', '10,0,-10,5'])).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
