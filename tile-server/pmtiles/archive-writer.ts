// Builds a clustered PMTiles v3 archive (spec §2) from tiles given by tile ID, in any order:
//
//   header (127 B) | root directory | JSON metadata | leaf directories | tile data
//
// - Tile data is in tile-ID order (clustered = true), each tile gzipped (tile compression gzip).
// - Identical tiles are stored once: a later tile with the same bytes points back at the first copy's offset,
//   and a run of consecutive tile IDs with the same bytes is one entry with run length > 1.
// - Directories and metadata are gzipped (internal compression gzip); the root moves into leaf directories
//   when it would not fit the first 16 KiB (see root-and-leaves.ts).
//
// The gzipped blobs are held in memory until finish(): fine for the pyramids this server exports (z0–6 is a
// few MB), not meant for planet-sized archives.
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { DirectoryEntry } from './directory.ts';
import { Compression, HEADER_BYTES, serialiseHeader, TileType, type PmtilesHeader, type TileTypeCode } from './header.ts';
import { layoutDirectories } from './root-and-leaves.ts';
import { tileIdZoom } from './tile-id.ts';

export interface ArchiveOptions {
  tileType: TileTypeCode;
  minZoom: number;
  maxZoom: number;
  // [west, south, east, north], degrees.
  bounds: [number, number, number, number];
  // [lon, lat, zoom].
  center: [number, number, number];
  // Passed to layoutDirectories (tests force leaf directories with a small maxRootBytes).
  maxRootBytes?: number;
  leafEntries?: number;
}

export interface ArchiveStats {
  // Tiles addressed (sum of run lengths), tile entries, distinct stored tiles.
  addressedTiles: number;
  tileEntries: number;
  tileContents: number;
  // Tile entries with run length > 1.
  runLengthEntries: number;
  leafDirectories: number;
  rootDirectoryBytes: number;
  metadataBytes: number;
  leafDirectoryBytes: number;
  tileDataBytes: number;
  totalBytes: number;
}

export interface BuiltArchive {
  header: PmtilesHeader;
  // The archive, in order; write them one after the other.
  chunks: Uint8Array[];
  stats: ArchiveStats;
}

export class ArchiveError extends Error {
  override name = 'ArchiveError';
}

export const gzip = (bytes: Uint8Array): Uint8Array => gzipSync(bytes);

export class ArchiveWriter {
  // sha256 of the uncompressed tile → its gzipped bytes.
  private readonly blobs = new Map<string, Uint8Array>();
  private readonly tiles = new Map<number, string>();

  constructor(private readonly options: ArchiveOptions) {
    if (options.minZoom > options.maxZoom) throw new ArchiveError(`minZoom (${options.minZoom}) is above maxZoom (${options.maxZoom})`);
  }

  // `data` is the uncompressed tile; an empty tile is not added (a reader reports a missing tile as absent).
  addTile(tileId: number, data: Uint8Array): void {
    if (data.length === 0) throw new ArchiveError(`tile ID ${tileId} is empty: leave empty tiles out`);
    const z = tileIdZoom(tileId);
    if (z < this.options.minZoom || z > this.options.maxZoom) {
      throw new ArchiveError(`tile ID ${tileId} is at zoom ${z}, outside ${this.options.minZoom}–${this.options.maxZoom}`);
    }
    if (this.tiles.has(tileId)) throw new ArchiveError(`tile ID ${tileId} added twice`);
    const hash = createHash('sha256').update(data).digest('hex');
    if (!this.blobs.has(hash)) this.blobs.set(hash, gzip(data));
    this.tiles.set(tileId, hash);
  }

  get tileCount(): number {
    return this.tiles.size;
  }

  // `metadata` is written as the JSON metadata section; an MVT tileset's must list `vector_layers` (spec §5).
  finish(metadata: Record<string, unknown>): BuiltArchive {
    if (this.tiles.size === 0) throw new ArchiveError('an archive needs at least one tile (a directory cannot be empty)');
    if (this.options.tileType === TileType.mvt && !Array.isArray(metadata.vector_layers)) {
      throw new ArchiveError('the metadata of an MVT archive must have a vector_layers array');
    }
    const ids = [...this.tiles.keys()].sort((a, b) => a - b);

    // Walk the tiles in ID order: a blob's first use places it at the end of the tile data (clustered); later
    // uses point back at it, and a use right after the same blob's run extends that run.
    const placed = new Map<string, { offset: number; length: number }>();
    const data: Uint8Array[] = [];
    let tileDataBytes = 0;
    const entries: DirectoryEntry[] = [];
    let lastHash: string | undefined;
    for (const tileId of ids) {
      const hash = this.tiles.get(tileId)!;
      const last = entries[entries.length - 1];
      if (last && hash === lastHash && last.tileId + last.runLength === tileId) {
        last.runLength++;
        continue;
      }
      let where = placed.get(hash);
      if (!where) {
        const blob = this.blobs.get(hash)!;
        where = { offset: tileDataBytes, length: blob.length };
        placed.set(hash, where);
        data.push(blob);
        tileDataBytes += blob.length;
      }
      entries.push({ tileId, offset: where.offset, length: where.length, runLength: 1 });
      lastHash = hash;
    }

    const layout = layoutDirectories(entries, { compress: gzip, maxRootBytes: this.options.maxRootBytes, leafEntries: this.options.leafEntries });
    const metadataBytes = gzip(new TextEncoder().encode(JSON.stringify(metadata)));
    const rootDirectoryOffset = HEADER_BYTES;
    const metadataOffset = rootDirectoryOffset + layout.root.length;
    const leafDirectoriesOffset = metadataOffset + metadataBytes.length;
    const tileDataOffset = leafDirectoriesOffset + layout.leaves.length;
    const { bounds, center } = this.options;
    const header: PmtilesHeader = {
      rootDirectoryOffset,
      rootDirectoryLength: layout.root.length,
      metadataOffset,
      metadataLength: metadataBytes.length,
      leafDirectoriesOffset,
      leafDirectoriesLength: layout.leaves.length,
      tileDataOffset,
      tileDataLength: tileDataBytes,
      addressedTiles: ids.length,
      tileEntries: entries.length,
      tileContents: data.length,
      clustered: true,
      internalCompression: Compression.gzip,
      tileCompression: Compression.gzip,
      tileType: this.options.tileType,
      minZoom: this.options.minZoom,
      maxZoom: this.options.maxZoom,
      bounds,
      centerZoom: center[2],
      center: [center[0], center[1]],
    };
    return {
      header,
      chunks: [serialiseHeader(header), layout.root, metadataBytes, layout.leaves, ...data],
      stats: {
        addressedTiles: ids.length,
        tileEntries: entries.length,
        tileContents: data.length,
        runLengthEntries: entries.filter((e) => e.runLength > 1).length,
        leafDirectories: layout.leafCount,
        rootDirectoryBytes: layout.root.length,
        metadataBytes: metadataBytes.length,
        leafDirectoryBytes: layout.leaves.length,
        tileDataBytes,
        totalBytes: tileDataOffset + tileDataBytes,
      },
    };
  }
}
