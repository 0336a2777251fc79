import { gunzipSync } from 'node:zlib';
import { PMTiles, Compression as ReaderCompression, TileType as ReaderTileType } from 'pmtiles';
import { describe, expect, test } from 'vitest';
import { ArchiveError, ArchiveWriter, type ArchiveOptions, type BuiltArchive } from './archive-writer.ts';
import { TileType } from './header.ts';
import { BytesSource, inspectArchive, openArchive, readTile } from './read-back.ts';
import { zxyToTileId } from './tile-id.ts';

const OPTIONS: ArchiveOptions = { tileType: TileType.mvt, minZoom: 0, maxZoom: 3, bounds: [-180, -85, 180, 85], center: [10, 20, 1] };
const METADATA = { name: 'test', vector_layers: [{ id: 'land', fields: {} }] };

const concat = (chunks: Uint8Array[]) => Buffer.concat(chunks);
const bytesOf = (text: string) => new TextEncoder().encode(text);

// A z0–3 pyramid of fake tiles: "sea" for the left half of z3 (x < 4, a block of Hilbert-consecutive IDs),
// "land" repeated at scattered z2 tiles, every other tile unique; z1 1/0 is empty (absent).
function pyramid(): Map<string, Uint8Array> {
  const tiles = new Map<string, Uint8Array>();
  for (let z = 0; z <= 3; z++) {
    for (let x = 0; x < 2 ** z; x++) {
      for (let y = 0; y < 2 ** z; y++) {
        if (z === 1 && x === 1 && y === 0) continue;
        let body = `tile ${z}/${x}/${y} `.repeat(20);
        if (z === 3 && x < 4) body = 'sea '.repeat(50);
        if (z === 2 && (x + y) % 3 === 0) body = 'land '.repeat(40);
        tiles.set(`${z}/${x}/${y}`, bytesOf(body));
      }
    }
  }
  return tiles;
}

function build(tiles: Map<string, Uint8Array>, options: Partial<ArchiveOptions> = {}, order: 'shuffled' | 'sorted' = 'shuffled'): BuiltArchive {
  const writer = new ArchiveWriter({ ...OPTIONS, ...options });
  const keys = [...tiles.keys()];
  // Insertion order must not matter: the writer sorts by tile ID.
  if (order === 'shuffled') keys.reverse();
  for (const key of keys) {
    const [z, x, y] = key.split('/').map(Number);
    writer.addTile(zxyToTileId(z, x, y), tiles.get(key)!);
  }
  return writer.finish(METADATA);
}

async function expectEveryTileReadsBack(archive: PMTiles, tiles: Map<string, Uint8Array>): Promise<void> {
  for (let z = 0; z <= 3; z++) {
    for (let x = 0; x < 2 ** z; x++) {
      for (let y = 0; y < 2 ** z; y++) {
        const expected = tiles.get(`${z}/${x}/${y}`);
        const got = await readTile(archive, z, x, y);
        if (!expected) expect(got, `${z}/${x}/${y} is absent`).toBeUndefined();
        else expect(got && Buffer.from(got).equals(Buffer.from(expected)), `${z}/${x}/${y}`).toBe(true);
      }
    }
  }
}

describe('ArchiveWriter: a clustered PMTiles v3 archive', () => {
  const tiles = pyramid();
  const built = build(tiles);
  const bytes = concat(built.chunks);
  const layout = inspectArchive(bytes);

  test('the pmtiles reader reports the header: magic, version 3, clustered, gzip, MVT, zooms, bounds, center, counts', async () => {
    expect(bytes.subarray(0, 7).toString('utf8')).toBe('PMTiles');
    const header = await openArchive(bytes).getHeader();
    expect(header).toMatchObject({
      specVersion: 3,
      clustered: true,
      internalCompression: ReaderCompression.Gzip,
      tileCompression: ReaderCompression.Gzip,
      tileType: ReaderTileType.Mvt,
      minZoom: 0,
      maxZoom: 3,
      minLon: -180,
      minLat: -85,
      maxLon: 180,
      maxLat: 85,
      centerLon: 10,
      centerLat: 20,
      centerZoom: 1,
      numAddressedTiles: tiles.size,
      numTileEntries: built.stats.tileEntries,
      numTileContents: new Set([...tiles.values()].map((t) => Buffer.from(t).toString())).size,
    });
  });

  test('every tile reads back byte for byte through the reader; an empty tile is absent', async () => {
    await expectEveryTileReadsBack(openArchive(bytes), tiles);
  });

  test('the sections follow each other: header, root directory, metadata, leaf directories, tile data', () => {
    const h = layout.header;
    expect(h.rootDirectoryOffset).toBe(127);
    expect(h.jsonMetadataOffset).toBe(h.rootDirectoryOffset + h.rootDirectoryLength);
    expect(h.leafDirectoryOffset).toBe(h.jsonMetadataOffset + h.jsonMetadataLength);
    expect(h.leafDirectoryLength).toBe(0);
    expect(h.tileDataOffset).toBe(h.leafDirectoryOffset + h.leafDirectoryLength!);
    expect(h.tileDataOffset + h.tileDataLength!).toBe(bytes.length);
    expect(built.stats.totalBytes).toBe(bytes.length);
    expect(layout.leaves).toEqual([]);
  });

  test('tile data is in tile-ID order: each new blob starts where the last new one ended; repeats point back', () => {
    let end = 0;
    for (const e of layout.tileEntries) {
      if (e.offset === end) end += e.length;
      else expect(e.offset, `tile ID ${e.tileId} points back at an earlier blob`).toBeLessThan(end);
    }
    expect(layout.tileEntries[0].offset).toBe(0);
    expect(end).toBe(layout.header.tileDataLength);
  });

  test('a run of consecutive tile IDs with the same bytes is one entry with run length > 1', async () => {
    const runs = layout.tileEntries.filter((e) => e.runLength > 1);
    expect(runs.length).toBeGreaterThan(0);
    expect(built.stats.runLengthEntries).toBe(runs.length);
    // The left half of z3 is one Hilbert quadrant pair: IDs 21–52, all "sea", in one entry.
    const sea = runs.find((e) => e.tileId === zxyToTileId(3, 0, 0))!;
    expect(sea).toMatchObject({ runLength: 32 });
    const stored = gunzipSync(bytes.subarray(layout.header.tileDataOffset + sea.offset, layout.header.tileDataOffset + sea.offset + sea.length));
    expect(stored.toString()).toBe('sea '.repeat(50));
    expect(layout.tileEntries.reduce((n, e) => n + e.runLength, 0)).toBe(tiles.size);
  });

  test('identical tiles that are not consecutive are stored once and share an offset', () => {
    const land = bytesOf('land '.repeat(40));
    const landIds = [...tiles].filter(([, t]) => Buffer.from(t).equals(Buffer.from(land))).map(([k]) => zxyToTileId(...(k.split('/').map(Number) as [number, number, number])));
    const landEntries = layout.tileEntries.filter((e) => landIds.some((id) => id >= e.tileId && id < e.tileId + e.runLength));
    expect(landEntries.length).toBeGreaterThan(1);
    expect(new Set(landEntries.map((e) => e.offset)).size).toBe(1);
  });

  test('tiles are stored gzipped (tile compression gzip)', () => {
    const first = layout.tileEntries[0];
    const stored = bytes.subarray(layout.header.tileDataOffset + first.offset, layout.header.tileDataOffset + first.offset + first.length);
    expect([stored[0], stored[1]]).toEqual([0x1f, 0x8b]);
    expect(gunzipSync(stored).equals(Buffer.from(tiles.get('0/0/0')!))).toBe(true);
  });

  test('the JSON metadata reads back through the reader', async () => {
    expect(await openArchive(bytes).getMetadata()).toEqual(METADATA);
    expect(layout.metadata).toEqual(METADATA);
  });

  test('the same tiles give the same archive whatever order they were added in', () => {
    expect(concat(build(tiles, {}, 'sorted').chunks).equals(bytes)).toBe(true);
  });
});

describe('ArchiveWriter with leaf directories (root size limit forced small)', () => {
  const tiles = pyramid();
  const built = build(tiles, { maxRootBytes: 40, leafEntries: 8 });
  const bytes = concat(built.chunks);
  const layout = inspectArchive(bytes);

  test('the root holds only leaf entries, and the leaves hold every tile entry in ID order', () => {
    expect(built.stats.leafDirectories).toBeGreaterThan(1);
    expect(layout.leaves).toHaveLength(built.stats.leafDirectories);
    expect(layout.root.every((e) => e.runLength === 0)).toBe(true);
    expect(layout.header.leafDirectoryLength).toBeGreaterThan(0);
    expect(layout.header.rootDirectoryLength).toBeLessThanOrEqual(40);
    // The same entries as without leaves.
    expect(layout.tileEntries).toEqual(inspectArchive(concat(build(tiles).chunks)).tileEntries);
  });

  test('the reader still finds every tile, going through a leaf', async () => {
    const source = new BytesSource(bytes);
    await expectEveryTileReadsBack(new PMTiles(source), tiles);
    const leafReads = source.reads.filter((r) => r.offset >= layout.header.leafDirectoryOffset && r.offset < layout.header.tileDataOffset);
    expect(leafReads.length).toBeGreaterThan(0);
  });
});

describe('ArchiveWriter refuses', () => {
  test('empty, duplicate and out-of-range tiles, no tiles at all, and MVT metadata without vector_layers', () => {
    const writer = new ArchiveWriter(OPTIONS);
    expect(() => writer.addTile(0, new Uint8Array(0))).toThrow(/empty/);
    writer.addTile(0, bytesOf('x'));
    expect(() => writer.addTile(0, bytesOf('y'))).toThrow(/twice/);
    expect(() => writer.addTile(zxyToTileId(4, 0, 0), bytesOf('z'))).toThrow(/outside 0–3/);
    expect(() => writer.finish({ name: 'no layers' })).toThrow(ArchiveError);
    expect(() => new ArchiveWriter(OPTIONS).finish(METADATA)).toThrow(/at least one tile/);
    expect(() => new ArchiveWriter({ ...OPTIONS, minZoom: 4 })).toThrow(ArchiveError);
  });
});
