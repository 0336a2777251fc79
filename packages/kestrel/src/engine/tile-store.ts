import type { CacheStats, TileCoord } from '../contract/engine-api.ts';
import type { StoredPolicy } from './freshness.ts';
import type { TileExtent } from './spatial-index.ts';
import type { TileRange } from './tile-ranges.ts';

// One cached tile as the persistent store keeps it. Wall-clock epoch ms for times: records outlive the
// session, so the engine's monotonic clock would not order them.
export interface TileRecord {
  key: string;
  source: string;
  coord?: TileCoord;
  // null: a cached "no tile here" answer
  bytes: ArrayBuffer | null;
  // byte length of `bytes` (0 for null), checked on read to catch truncated records
  size: number;
  policy: StoredPolicy;
  etag?: string;
  storedAt: number;
  lastAccess: number;
  prefetched: boolean;
  // names of the URL's credential parameters whose values the stored bytes hold as placeholders (body-secrets.ts)
  secretNames?: string[];
}

export type TileStoreStats = CacheStats['idb'];
export type TileStoreStatus = TileStoreStats['status'];

// The persistent tier as the tile cache sees it. Implementations never throw or reject into the caller:
// a failing store degrades to "miss" and "not written" and says so in `stats()`.
export interface TileStore {
  // Resolves once the first open attempt has settled (opened, or given up and memory-only).
  readonly ready: Promise<void>;
  // A corrupt record is deleted and reported as a miss.
  get(key: string): Promise<TileRecord | undefined>;
  // Queued and written in batches; returns at once.
  putMany(records: TileRecord[]): void;
  // Records that the tiles were used now; batched, so a hit costs no transaction.
  touch(keys: string[]): void;
  // Queued with the writes; reads see the deletion at once.
  delete(keys: string[]): void;
  clear(): Promise<void>;
  // Evict least-recently-used records until at most `bytes` are kept; resolves with how many went.
  evictTo(bytes: number): Promise<number>;
  // Which of the keys the store holds (queued writes count, queued deletes do not). Asked of the store itself: the
  // worker keeps no per-record list, so memory does not grow with what is stored.
  holding(keys: readonly string[]): Promise<Set<string>>;
  // Stored tiles (with a coordinate) in the ranges, queued writes included: region coverage and invalidation.
  tilesIn(ranges: readonly TileRange[]): Promise<TileExtent[]>;
  // Keys that left the store without the cache asking (LRU eviction, a write that failed or was refused, a damaged
  // record removed).
  onRemoved(listener: (keys: string[]) => void): void;
  setBudget(bytes: number): void;
  stats(): TileStoreStats;
  // Write everything queued now and wait for it: for tests, shutdown and "save for offline".
  flush(): Promise<void>;
  close(): void;
  // Tiles of saved offline areas: LRU eviction skips them (replaces the previous set). Optional so fakes stay small.
  setPinned?(keys: ReadonlySet<string>): void;
  // Stored tiles per zoom (count and payload bytes), for estimating what saving an area will take; from the running
  // totals, not a scan.
  sizesByZoom?(): Map<number, { count: number; bytes: number }>;
}

// Per-record cost besides the bytes (metadata, policy, index entries), so thousands of cached "no tile"
// answers still count against the budget.
export const RECORD_OVERHEAD_BYTES = 512;

export function recordCost(size: number): number {
  return size + RECORD_OVERHEAD_BYTES;
}

// Storage can hand back anything: a record from an older build, a truncated write, a value another
// program put there. Only a record that passes this check may be returned as a tile.
export function isIntactTileRecord(value: unknown): value is TileRecord {
  if (!isIntactTileMeta(value)) return false;
  const r = value as TileMeta & { bytes?: unknown };
  if (r.bytes === null) return r.size === 0;
  return r.bytes instanceof ArrayBuffer && r.bytes.byteLength === r.size;
}

export type TileMeta = Omit<TileRecord, 'bytes'>;

// Everything but the bytes: what a store can check without reading them (at start-up, for instance).
export function isIntactTileMeta(value: unknown): value is TileMeta {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Partial<TileRecord>;
  if (typeof r.key !== 'string' || typeof r.source !== 'string') return false;
  if (!isCount(r.size) || !isTime(r.storedAt) || !isTime(r.lastAccess) || typeof r.prefetched !== 'boolean') return false;
  if (r.coord !== undefined && !isCoord(r.coord)) return false;
  if (r.secretNames !== undefined && !(Array.isArray(r.secretNames) && r.secretNames.every((n) => typeof n === 'string'))) return false;
  return typeof r.policy === 'object' && r.policy !== null && (r.policy as { v?: unknown }).v === 1;
}

function isCount(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= 0;
}

function isTime(n: unknown): n is number {
  return typeof n === 'number' && Number.isFinite(n);
}

function isCoord(c: unknown): c is TileCoord {
  if (typeof c !== 'object' || c === null) return false;
  const { z, x, y } = c as Partial<TileCoord>;
  return isCount(z) && isCount(x) && isCount(y) && z <= 30 && x < 2 ** z && y < 2 ** z;
}
