import { Freshness } from '../src/engine/freshness.ts';
import type { NetworkAnswer } from '../src/engine/ports.ts';
import type { TileRecord } from '../src/engine/tile-store.ts';

// A fixed wall-clock origin, so Date/Expires headers in tests mean the same thing on every run.
export const EPOCH = Date.UTC(2026, 10, 1, 12, 0, 0);

export function httpDate(ms: number): string {
  return new Date(ms).toUTCString();
}

// Deterministic bytes, distinct per seed, so a test can tell tiles apart.
export function tileBytes(size: number, seed = 1): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (seed * 31 + i) & 0xff;
  return bytes;
}

export function okAnswer(bytes: Uint8Array, headers: Record<string, string> = { 'cache-control': 'max-age=60' }, purpose?: string): NetworkAnswer {
  return { url: 'https://tiles.example/t.pbf', status: 200, headers, bytes, purpose };
}

// A record as a TileStore would receive it, with a real policy built the way the tile cache builds one.
export function tileRecord(key: string, size: number, options: { lastAccess?: number; coord?: TileRecord['coord']; seed?: number } = {}): TileRecord {
  const decision = new Freshness(() => EPOCH).decide(200, { 'cache-control': 'max-age=60', etag: '"v1"' });
  if (!decision.store) throw new Error('test policy must be storable');
  const bytes = tileBytes(size, options.seed ?? size).buffer as ArrayBuffer;
  return {
    key,
    source: 'osm',
    coord: options.coord,
    bytes,
    size,
    policy: decision.policy.toObject(),
    etag: '"v1"',
    storedAt: EPOCH,
    lastAccess: options.lastAccess ?? EPOCH,
    prefetched: false,
  };
}
