import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { LRUCache } from 'lru-cache';
import type { Tiler } from './tiler.ts';

export interface TileEntry {
  status: 200 | 204;
  // Uncompressed MVT (empty for 204).
  body: Buffer;
  // Precomputed so gzip costs nothing per request; null for 204.
  gzip: Buffer | null;
  sha256: string;
}

export interface TileStoreStats {
  entries: number;
  bytes: number;
  hits: number;
  misses: number;
  generateMs: number;
}

export interface TileStore {
  get(z: number, x: number, y: number): TileEntry;
  stats(): TileStoreStats;
}

// Covers per-entry bookkeeping (key, object, hash string) so thousands of empty tiles still count.
const ENTRY_OVERHEAD_BYTES = 200;

export function createTileStore(tiler: Tiler, maxBytes: number): TileStore {
  const cache = new LRUCache<string, TileEntry>({
    maxSize: maxBytes,
    sizeCalculation: (e) => e.body.length + (e.gzip?.length ?? 0) + ENTRY_OVERHEAD_BYTES,
  });
  let hits = 0;
  let misses = 0;
  let generateMs = 0;

  function generate(z: number, x: number, y: number): TileEntry {
    const started = performance.now();
    const mvt = tiler.getTile(z, x, y);
    const body = mvt ? Buffer.from(mvt.buffer, mvt.byteOffset, mvt.byteLength) : Buffer.alloc(0);
    const entry: TileEntry = {
      status: mvt ? 200 : 204,
      body,
      gzip: mvt ? gzipSync(body) : null,
      sha256: createHash('sha256').update(body).digest('hex'),
    };
    generateMs += performance.now() - started;
    return entry;
  }

  return {
    get(z, x, y) {
      const key = `${z}/${x}/${y}`;
      const cached = cache.get(key);
      if (cached) {
        hits++;
        return cached;
      }
      misses++;
      const entry = generate(z, x, y);
      cache.set(key, entry);
      return entry;
    },
    stats() {
      return { entries: cache.size, bytes: cache.calculatedSize, hits, misses, generateMs: Math.round(generateMs) };
    },
  };
}
