import type CachePolicy from 'http-cache-semantics';
import type { CacheStats, TileCoord } from '../contract/engine-api.ts';
import { withSecrets, withoutSecrets } from './body-secrets.ts';
import { CacheKey, parseCacheKey } from './cache-key.ts';
import { CredentialParams } from './credential-params.ts';
import { Freshness } from './freshness.ts';
import { MemoryTier, type MemoryEntry } from './memory-tier.ts';
import type { CachedTile, CacheUse, NetworkAnswer, TileCache as TileCachePort } from './ports.ts';
import { SpatialIndex, type TileExtent, type ZoomRange } from './spatial-index.ts';
import type { BBox } from './tile-math.ts';
import { tileRangesInBBox, type TileRange } from './tile-ranges.ts';
import type { TileRecord, TileStore, TileStoreStats } from './tile-store.ts';

export interface TileCacheOptions {
  // EngineOptions.memoryCacheBytes
  memoryBytes?: number;
  // The persistent tier; without one the cache is memory-only and reports idb status 'disabled'.
  store?: TileStore;
  // EngineOptions.credentialParams and secretParams; each replaces its defaults when given
  credentialParams?: readonly string[];
  secretParams?: readonly string[];
  // Wall-clock epoch ms, for HTTP freshness and record times (see freshness.ts for why not the engine clock).
  now?: () => number;
}

export type TileCacheStats = Pick<CacheStats, 'memory' | 'idb'>;

interface StoreRead {
  promise: Promise<TileRecord | undefined>;
  // a put, drop or clear happened while the read was in flight: its answer is out of date
  superseded: boolean;
}

// Deepest zoom a region query looks at (the contract's default maxZoom for invalidation).
const MAX_TILE_ZOOM = 30;

// Statuses whose body is the tile; other cacheable statuses (204/404/410) are a cached "no tile".
const BODY_STATUSES = new Set([200, 203]);

// Reads that are not a use of a prefetched tile: they leave its `prefetched` flag for the visible read.
const NON_CONSUMING_PURPOSES = new Set(['prefetch', 'revalidate', 'offline-save']);

// The two cache tiers behind the request pipeline: memory first, then the persistent store (a store hit
// is promoted into memory). Never throws into the pipeline; a broken store only costs hits.
export class TileCache implements TileCachePort {
  readonly ready: Promise<void>;
  private keys: CacheKey;
  private readonly freshness: Freshness;
  private readonly memory: MemoryTier;
  private store?: TileStore;
  private unavailable?: string;
  // Tiles the memory tier holds, by place: bounded by the memory budget. Stored tiles are found through the store's
  // own index (TileStore.tilesIn), never mirrored here.
  private readonly index = new SpatialIndex();
  private readonly reads = new Map<string, StoreRead>();
  private readonly now: () => number;
  private readonly evictListeners: ((key: string) => void)[] = [];
  private corruptDropped = 0;

  constructor(options: TileCacheOptions = {}) {
    this.now = options.now ?? Date.now;
    this.keys = new CacheKey(new CredentialParams(options.credentialParams, options.secretParams));
    this.freshness = new Freshness(this.now);
    this.store = options.store;
    // lru-cache calls dispose before the key leaves the map, so only the store is asked here.
    this.memory = new MemoryTier({
      maxBytes: options.memoryBytes,
      onEvict: (key) => {
        this.index.remove(key);
        for (const listener of this.evictListeners) listener(key);
      },
    });
    this.ready = this.store?.ready ?? Promise.resolve();
  }

  keyFor(req: { url: string; source?: string; coord?: TileCoord }): string {
    return this.keys.keyFor(req);
  }

  async get(key: string, use: CacheUse = {}): Promise<CachedTile | undefined> {
    const hit = this.memory.get(key);
    if (hit) return this.serve(key, hit, 'memory', use);
    if (!this.store) return undefined;
    const record = await this.readStore(key);
    // A put may have landed while the store was read; memory then holds the newer answer.
    const current = this.memory.get(key);
    if (current) return this.serve(key, current, record ? 'idb' : 'memory', use);
    if (!record) return undefined;
    const entry = this.promote(record, use);
    return entry && this.serve(key, entry, 'idb', use);
  }

  inMemory(key: string): boolean {
    return this.memory.has(key);
  }

  onEvict(listener: (key: string) => void): void {
    this.evictListeners.push(listener);
  }

  put(key: string, answer: NetworkAnswer): void {
    const decision = this.freshness.decide(answer.status, answer.headers);
    if (!decision.store) {
      if (decision.supersedes) this.drop(key);
      return;
    }
    const parts = parseCacheKey(key);
    const buffer = BODY_STATUSES.has(answer.status) && answer.bytes ? ownCopy(answer.bytes) : null;
    const entry: MemoryEntry = {
      bytes: buffer && new Uint8Array(buffer),
      policy: decision.policy,
      prefetched: answer.purpose === 'prefetch',
      source: parts?.source ?? '',
      coord: parts?.coord,
      storedAt: this.now(),
    };
    // A resource (no tile address) may repeat its URL's token in its body: remember which, for the stored copy.
    const secrets = !parts?.coord && buffer ? this.keys.params.secretsIn(answer.url) : [];
    if (secrets.length > 0) entry.secrets = secrets;
    this.supersede(key);
    const inMemory = this.memory.set(key, entry);
    if (entry.coord && inMemory) this.index.insert({ key, source: entry.source, coord: entry.coord });
    else this.index.remove(key);
    this.store?.putMany([this.recordOf(key, entry)]);
  }

  refreshed(key: string, headers: Record<string, string>): void {
    const entry = this.memory.peek(key);
    if (entry) {
      entry.policy = this.freshness.revalidated(entry.policy, headers);
      this.store?.putMany([this.recordOf(key, entry)]);
      return;
    }
    // Evicted from memory between the revalidation request and its answer: refresh the stored record.
    void this.readStore(key).then((record) => {
      const policy = record && this.freshness.revive(record.policy);
      if (!record || !policy) return;
      const next = this.freshness.revalidated(policy, headers);
      this.store?.putMany([{ ...record, policy: next.toObject(), etag: etagOf(next), lastAccess: this.now() }]);
    });
  }

  drop(key: string): void {
    this.forget([key]);
  }

  async clear(): Promise<void> {
    for (const read of this.reads.values()) read.superseded = true;
    this.memory.clear();
    this.index.clear();
    await this.store?.clear();
  }

  // Drops every cached tile overlapping the box within the zoom range from both tiers; returns how many.
  async invalidate(bbox: BBox, zoom: ZoomRange): Promise<number> {
    const found = await this.tilesIn(bbox, zoom);
    const keys = [...found.keys()];
    this.forget(keys);
    return keys.length;
  }

  /**
   * Warm start: reads the stored tiles overlapping the box within the zoom range into the memory tier before they
   * are asked for, at most `max` of them, so the first view is answered from memory. Nothing is counted as a hit
   * and no access time changes until a tile is asked for. A tile stored without the token its URL carries stays
   * where it is (only an ask brings the URL to complete it). Resolves with how many tiles memory gained.
   */
  async warm(bbox: BBox, zoom: ZoomRange, max: number): Promise<number> {
    if (!this.store) return 0;
    const found = await this.tilesIn(bbox, zoom);
    const keys = [...found.keys()].filter((key) => !this.memory.has(key)).slice(0, max);
    const records = await Promise.all(keys.map((key) => this.readStore(key)));
    let warmed = 0;
    for (const record of records) {
      if (!record || this.memory.has(record.key) || record.secretNames?.length) continue;
      if (this.promote(record, {})) warmed++;
    }
    return warmed;
  }

  // Cached tiles (in either tier) overlapping the box at one zoom level.
  async coverage(bbox: BBox, zoom: number): Promise<TileExtent[]> {
    return [...(await this.tilesIn(bbox, { minZoom: zoom, maxZoom: zoom })).values()];
  }

  // Both tiers, each key once: memory's own index, and the store's (asked, not mirrored).
  private async tilesIn(bbox: BBox, zoom: ZoomRange): Promise<Map<string, TileExtent>> {
    const found = new Map<string, TileExtent>();
    const ranges: TileRange[] = [];
    for (let z = Math.max(0, zoom.minZoom); z <= Math.min(MAX_TILE_ZOOM, zoom.maxZoom); z++) ranges.push(...tileRangesInBBox(bbox, z));
    const stored = (await this.store?.tilesIn(ranges).catch(() => [])) ?? [];
    for (const extent of stored) found.set(extent.key, extent);
    // after the store's answer: a tile put meanwhile is in memory now
    for (const extent of this.index.search(bbox, zoom)) found.set(extent.key, extent);
    return found;
  }

  configure(options: { memoryBytes?: number; idbBytes?: number; credentialParams?: readonly string[]; secretParams?: readonly string[] }): void {
    if (options.memoryBytes !== undefined) this.memory.resize(options.memoryBytes);
    if (options.idbBytes !== undefined) this.store?.setBudget(options.idbBytes);
    if (options.credentialParams || options.secretParams) {
      const current = this.keys.params;
      this.keys = new CacheKey(new CredentialParams(options.credentialParams ?? current.credentialParams, options.secretParams ?? current.secretParams));
    }
  }

  /** The rules for credentials in URLs that cache keys follow (saved areas' templates must follow the same). */
  get credentials(): CredentialParams {
    return this.keys.params;
  }

  // Hit counts belong to the pipeline; sizes, budgets, evictions and store health come from here.
  // The page found IndexedDB unusable (private mode, blocked by policy): the worker's copy would fail the same way,
  // so stop using it now and say why, rather than wait for each of its own failures.
  storeUnavailable(detail: string): void {
    this.store?.close();
    this.store = undefined;
    this.unavailable = detail;
  }

  stats(): TileCacheStats {
    const idb = this.store
      ? this.store.stats()
      : { ...disabledStore(), ...(this.unavailable ? { status: 'unavailable' as const, detail: this.unavailable } : {}) };
    return { memory: this.memory.stats(), idb: { ...idb, corruptDropped: idb.corruptDropped + this.corruptDropped } };
  }

  flush(): Promise<void> {
    return this.store?.flush() ?? Promise.resolve();
  }

  // For saved offline areas: the tile is in the persistent tier (queued writes count). A tile only memory holds
  // (the store evicted it, or refused it while degraded) is written there now.
  async ensureStored(key: string): Promise<boolean> {
    const store = this.store;
    if (!store) return false;
    if ((await store.holding([key])).has(key)) return true;
    const entry = this.memory.peek(key);
    if (!entry) return false;
    store.putMany([this.recordOf(key, entry)]);
    return (await store.holding([key])).has(key);
  }

  // Which of the keys the persistent tier holds (queued writes count).
  async stored(keys: readonly string[]): Promise<Set<string>> {
    return (await this.store?.holding(keys).catch(() => undefined)) ?? new Set();
  }

  dropMany(keys: string[]): void {
    this.forget(keys);
  }

  setPinned(keys: ReadonlySet<string>): void {
    this.store?.setPinned?.(keys);
  }

  // Cached tiles per zoom: the store's running totals, or while it has none (memory-only, nothing written yet) the
  // memory tier's. Only means are taken from them, so the store's lag behind memory (a write batch) does not matter.
  tileSizesByZoom(): Map<number, { count: number; bytes: number }> {
    const stored = this.store?.sizesByZoom?.();
    if (stored && stored.size > 0) return stored;
    const sizes = new Map<number, { count: number; bytes: number }>();
    for (const key of this.memory.keys()) {
      const entry = this.memory.peek(key);
      if (!entry?.coord) continue;
      const row = sizes.get(entry.coord.z) ?? { count: 0, bytes: 0 };
      row.count++;
      row.bytes += entry.bytes?.byteLength ?? 0;
      sizes.set(entry.coord.z, row);
    }
    return sizes;
  }

  private serve(key: string, entry: MemoryEntry, tier: CachedTile['tier'], use: CacheUse): CachedTile | undefined {
    if (entry.bytes && isDetached(entry.bytes)) {
      // Someone transferred a buffer the cache handed out: the entry is empty now, not a tile.
      this.corruptDropped++;
      this.forget([key]);
      return undefined;
    }
    const prefetched = entry.prefetched;
    if (prefetched && !NON_CONSUMING_PURPOSES.has(use.purpose ?? 'visible')) entry.prefetched = false;
    this.store?.touch([key]);
    return { bytes: entry.bytes, tier, ...this.freshness.verdict(entry.policy), prefetched };
  }

  private promote(record: TileRecord, use: CacheUse): MemoryEntry | undefined {
    const policy = this.freshness.revive(record.policy);
    if (!policy) {
      this.corruptDropped++;
      this.forget([record.key]);
      return undefined;
    }
    let bytes: Uint8Array | null = record.bytes && new Uint8Array(record.bytes);
    let secrets: MemoryEntry['secrets'];
    if (bytes && record.secretNames?.length) {
      // Stored without the token its URL carried: completed from the asking URL, or a miss if it has none.
      secrets = this.keys.params.secretsIn(use.url ?? '');
      bytes = withSecrets(bytes, record.secretNames, secrets) ?? null;
      if (!bytes) return undefined;
    }
    const entry: MemoryEntry = {
      bytes,
      ...(secrets ? { secrets } : {}),
      policy,
      prefetched: record.prefetched,
      source: record.source,
      coord: record.coord,
      storedAt: record.storedAt,
    };
    this.memory.set(record.key, entry);
    if (record.coord) this.index.insert({ key: record.key, source: record.source, coord: record.coord });
    return entry;
  }

  // Concurrent reads of one key share a single store read.
  private readStore(key: string): Promise<TileRecord | undefined> {
    const store = this.store;
    if (!store) return Promise.resolve(undefined);
    const pending = this.reads.get(key);
    if (pending) return pending.promise;
    const read: StoreRead = { superseded: false, promise: Promise.resolve(undefined) };
    read.promise = store.get(key).then(
      (record) => {
        this.reads.delete(key);
        return read.superseded ? undefined : record;
      },
      () => {
        this.reads.delete(key);
        return undefined;
      },
    );
    this.reads.set(key, read);
    return read.promise;
  }

  private supersede(key: string): void {
    const read = this.reads.get(key);
    if (read) read.superseded = true;
  }

  private forget(keys: string[]): void {
    if (keys.length === 0) return;
    for (const key of keys) {
      this.supersede(key);
      this.memory.delete(key);
      this.index.remove(key);
    }
    this.store?.delete(keys);
  }

  private recordOf(key: string, entry: MemoryEntry): TileRecord {
    const policy = entry.policy.toObject();
    const clean = entry.bytes && entry.secrets ? withoutSecrets(entry.bytes, entry.secrets) : undefined;
    const bytes = clean ? wholeBuffer(clean.bytes) : entry.bytes ? wholeBuffer(entry.bytes) : null;
    return {
      ...(clean?.names.length ? { secretNames: clean.names } : {}),
      key,
      source: entry.source,
      coord: entry.coord,
      bytes,
      size: bytes?.byteLength ?? 0,
      policy,
      etag: etagOf(entry.policy),
      storedAt: entry.storedAt,
      lastAccess: this.now(),
      prefetched: entry.prefetched,
    };
  }
}

// The cache keeps its own copy: the pipeline may transfer the answer's buffer to the main thread.
function ownCopy(bytes: Uint8Array): ArrayBuffer {
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return copy.buffer;
}

function wholeBuffer(bytes: Uint8Array): ArrayBuffer {
  const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer;
  return whole ? (bytes.buffer as ArrayBuffer) : ownCopy(bytes);
}

function isDetached(bytes: Uint8Array): boolean {
  return (bytes.buffer as { detached?: boolean }).detached === true;
}

function etagOf(policy: CachePolicy): string | undefined {
  const etag = policy.toObject().resh.etag;
  return typeof etag === 'string' ? etag : undefined;
}

function disabledStore(): TileStoreStats {
  return { status: 'disabled', bytes: 0, entries: 0, budget: 0, evictions: 0, quotaErrors: 0, corruptDropped: 0 };
}
