import { wrap } from 'idb';
import { LRUCache } from 'lru-cache';
import { parseCacheKey } from '../engine/cache-key.ts';
import { systemClock, type Clock } from '../engine/ports.ts';
import type { TileExtent } from '../engine/spatial-index.ts';
import { inTileRange, type TileRange } from '../engine/tile-ranges.ts';
import {
  isIntactTileMeta,
  isIntactTileRecord,
  recordCost,
  type TileRecord,
  type TileStore,
  type TileStoreStats,
  type TileStoreStatus,
} from '../engine/tile-store.ts';
import { checkStore, type CheckOutcome } from './idb-store-check.ts';
import { evictLeastRecent, type LruWalkRules } from './idb-lru-walk.ts';
import { tilesInRanges } from './idb-region-query.ts';
import { countRecord, emptyTotals, readTotals, totalsRecord, TOTALS_KEY, type StoreTotals } from './store-totals.ts';
import { SCHEMA_VERSION, upgradeSchema, type KestrelDB } from './tile-db-schema.ts';

export type { KestrelDB, KestrelSchema } from './tile-db-schema.ts';

export interface IdbTileStoreOptions {
  // undefined: the global `indexedDB`; null: there is none (tests of the memory-only path)
  factory?: IDBFactory | null;
  name?: string;
  budgetBytes?: number;
  // timers (batching, degrade period, reopen window)
  clock?: Clock;
  // wall-clock epoch ms for lastAccess/storedAt, which outlive the session
  now?: () => number;
  estimate?: () => Promise<{ quota?: number; usage?: number }>;
  writeDelayMs?: number;
  maxBatchRecords?: number;
  maxBatchBytes?: number;
  touchIntervalMs?: number;
  maxTouchKeys?: number;
  degradeMs?: number;
  maxReopens?: number;
  openTimeoutMs?: number;
  // the background check (orphans, totals) starts this long after the database opened: after the first view
  checkDelayMs?: number;
  // records per chunk of the check, and the pause between chunks
  checkChunk?: number;
  checkPauseMs?: number;
}

export const DEFAULT_IDB_BUDGET_BYTES = 256 * 1024 * 1024;

// Pause before trying again when a reopen itself failed.
const REOPEN_RETRY_MS = 500;

const DEFAULTS = {
  name: 'kestrel',
  // Long enough to gather the burst of tiles one camera move brings, short enough that a closing tab
  // loses little.
  writeDelayMs: 75,
  maxBatchRecords: 64,
  maxBatchBytes: 4 * 1024 * 1024,
  // LRU order only needs to be roughly right; one small transaction every 2 s instead of one per hit.
  touchIntervalMs: 2000,
  maxTouchKeys: 256,
  degradeMs: 60_000,
  maxReopens: 3,
  openTimeoutMs: 10_000,
  // A first view settles in a few seconds; the check (a few hundred ms of reads per 10,000 records) waits well past it.
  checkDelayMs: 20_000,
  // ~100 kB of metadata per chunk: each readonly transaction stays a few ms, so tile reads never queue behind one.
  checkChunk: 500,
  checkPauseMs: 50,
};

// What a tab waiting on an upgrade that another tab holds back says (stats().detail, shown as a notice).
const BLOCKED_DETAIL =
  'the offline cache is being upgraded to a new format, but another tab of this site still has the old one open: close or reload that tab';
// Keys per readonly transaction when asking which of many keys are stored (a saved area's tiles).
const HOLDING_CHUNK = 1000;
// Read transactions out at once. Reads that arrive meanwhile wait and go together in the next one: a burst of asks
// (a camera move, a reload) costs a few transactions instead of one each, and a lone ask waits for nothing.
const READ_TRANSACTIONS = 2;
// Keys a read found absent, remembered so that asking again costs no read: bounded in number (memory stays flat
// whatever the store holds) and in time, as another tab may store the tile meanwhile (this tab's own writes
// forget the key at once).
const ABSENT_KEYS = 4096;
const ABSENT_TTL_MS = 30_000;

// Leave a fifth of the origin's quota to everything else the origin stores (and to the browser's slack).
const QUOTA_SHARE = 0.8;
// Budget eviction goes a little below the budget so the next batch does not start a cursor walk of its own: by a
// tenth of a small budget, and never by more than 256 KiB (about a hundred tiles), so that an eviction, whose
// readwrite transaction holds back tile reads while it runs, stays short and costs the same at any budget and any
// store size (a tenth of the default 256 MiB would be a 25 MiB walk of ~10,000 records).
const EVICT_HEADROOM = 0.1;
const EVICT_HEADROOM_MAX_BYTES = 256 * 1024;

/** Where budget eviction stops: a little below the budget (see EVICT_HEADROOM, EVICT_HEADROOM_MAX_BYTES). */
export function evictionTarget(budget: number): number {
  return Math.floor(budget - Math.min(budget * EVICT_HEADROOM, EVICT_HEADROOM_MAX_BYTES));
}
// After QuotaExceededError the real ceiling is lower than we thought: free 40 % of what we hold.
const QUOTA_EVICT_RATIO = 0.6;
// After a quota refusal the budget is capped at this share of what was stored when the browser refused.
const QUOTA_CAP_MARGIN = 0.9;
// Reopens are counted over this window; more than `maxReopens` in it means something keeps killing the
// connection, and fighting it would only burn CPU.
const REOPEN_WINDOW_MS = 60_000;
// Writes queued while the database is not open are capped so a long outage cannot hold tiles twice.
const MAX_QUEUED_BATCHES = 4;

// A record's metadata and bytes as read (either may be missing or damaged).
type StoredParts = [unknown, unknown];

// Pending writes by key; null is a queued delete.
type WriteBatch = Map<string, TileRecord | null>;

// The persistent tile tier on IndexedDB. Every failure mode ends in "miss" or "not written", never an
// exception into the pipeline; `stats()` says which state the store is in and why.
export class IdbTileStore implements TileStore {
  readonly ready: Promise<void>;
  private readonly factory: IDBFactory | null;
  private readonly options: typeof DEFAULTS;
  private readonly clock: Clock;
  private readonly now: () => number;
  private readonly estimate?: () => Promise<{ quota?: number }>;
  private db?: KestrelDB;
  private opening?: Promise<void>;
  // a reopen asked for while an open was still running, done once it settles
  private pendingReopen?: string;
  private closed = false;
  private status: TileStoreStatus = 'opening';
  private detail?: string;
  private configuredBudget: number;
  private quotaCap = Infinity;
  // learned from the browser's refusals (writeBatch); forgotten when a degraded period ends, to try again
  private refusalCap = Infinity;
  // The totals record as last read or written by this tab (another tab's writes show at its next transaction).
  private totals: StoreTotals = emptyTotals();
  private checkTimer?: unknown;
  // the check of the current connection is running
  private checking = false;
  private queue: WriteBatch = new Map();
  private queueBytes = 0;
  private inFlight: WriteBatch = new Map();
  private readonly touches = new Set<string>();
  private writeTimer?: unknown;
  private touchTimer?: unknown;
  private chain: Promise<unknown> = Promise.resolve();
  private degradedUntil = 0;
  private reopenTimes: number[] = [];
  private readonly listeners: ((keys: string[]) => void)[] = [];
  private readonly attachListeners: (() => void)[] = [];
  // the first open has settled (attached, failed or timed out): later attaches are news to other stores
  private firstOpenSettled = false;
  private sharedPins?: () => Promise<ReadonlySet<string>>;
  private evictions = 0;
  private lastEviction?: { ms: number; records: number; waitMs?: number; walkMs?: number; commitMs?: number };
  // the phases of the eviction under way (evictWithTotals), for lastEviction
  private evictionPhases: { waitMs?: number; walkMs?: number; commitMs?: number } = {};
  private quotaErrors = 0;
  private corruptDropped = 0;
  // tiles of saved offline areas: eviction walks past them
  private pinned: ReadonlySet<string> = new Set();
  private evictionHold: Promise<unknown> = Promise.resolve();
  // reads in progress per key: a write queued meanwhile marks them superseded (see get)
  private readonly reads = new Map<string, Set<{ superseded: boolean }>>();
  // reads waiting for a transaction (readTogether), by key; several asks of one key share one read
  private readWaiting = new Map<string, ((result: StoredParts | Error) => void)[]>();
  private readTransactionsOut = 0;
  private readonly absent = new LRUCache<string, true>({ max: ABSENT_KEYS, ttl: ABSENT_TTL_MS });
  private readCounts = { transactions: 0, records: 0, absentSkipped: 0 };
  private openTimes?: { openMs: number; quotaMs?: number; totalsMs: number };
  private openStartedAt = 0;
  // settles once the quota of the current connection is known (writes and evictions go by the budget it caps)
  private quotaRead: Promise<void> = Promise.resolve();

  constructor(options: IdbTileStoreOptions = {}) {
    this.factory = options.factory === undefined ? (globalThis.indexedDB ?? null) : options.factory;
    this.options = { ...DEFAULTS, ...definedOnly(options) };
    this.clock = options.clock ?? systemClock;
    this.now = options.now ?? Date.now;
    this.estimate = options.estimate ?? defaultEstimate();
    this.configuredBudget = options.budgetBytes ?? DEFAULT_IDB_BUDGET_BYTES;
    this.ready = this.startOpen().finally(() => {
      this.firstOpenSettled = true;
    });
  }

  async get(key: string): Promise<TileRecord | undefined> {
    const pending = this.pendingWrite(key);
    if (pending !== undefined) return pending ?? undefined;
    if (this.absent.has(key)) {
      this.readCounts.absentSkipped++;
      return undefined;
    }
    const read = { superseded: false };
    const reads = this.reads.get(key) ?? new Set();
    this.reads.set(key, reads.add(read));
    const db = await this.readableDb().catch(() => undefined);
    if (!db) {
      this.endRead(key, read);
      return undefined;
    }
    try {
      const [meta, bytes] = await this.readTogether(db, key);
      if (meta === undefined && bytes === undefined) {
        if (!read.superseded) this.absent.set(key, true);
        return undefined;
      }
      const record: unknown = { ...(meta as object), bytes };
      if (isIntactTileRecord(record) && record.key === key) return record;
      this.corruptDropped++;
      // A write for this key queued while the corrupt copy was being read replaces it: deleting now would cancel
      // the newer write (or remove it, once committed).
      if (!read.superseded) {
        this.delete([key]);
        this.emit([key]);
      }
      return undefined;
    } catch (error) {
      this.failed(db, error);
      return undefined;
    } finally {
      this.endRead(key, read);
    }
  }

  // One key's two parts, read in a transaction shared with the other reads waiting (READ_TRANSACTIONS).
  private readTogether(db: KestrelDB, key: string): Promise<StoredParts> {
    return new Promise((resolve, reject) => {
      const settle = (result: StoredParts | Error) => (result instanceof Error ? reject(result) : resolve(result));
      const waiting = this.readWaiting.get(key);
      if (waiting) waiting.push(settle);
      else this.readWaiting.set(key, [settle]);
      if (this.readTransactionsOut < READ_TRANSACTIONS) void this.readWaitingKeys(db);
    });
  }

  private async readWaitingKeys(db: KestrelDB): Promise<void> {
    this.readTransactionsOut++;
    try {
      while (this.readWaiting.size > 0) {
        const batch = this.readWaiting;
        this.readWaiting = new Map();
        const keys = [...batch.keys()];
        this.readCounts.transactions++;
        this.readCounts.records += keys.length;
        let results: StoredParts[] | Error;
        try {
          const tx = settled(db.transaction(['tiles', 'tileBytes'], 'readonly'));
          const tiles = tx.objectStore('tiles');
          const bytes = tx.objectStore('tileBytes');
          results = await Promise.all(keys.map((key) => Promise.all([tiles.get(key), bytes.get(key)]) as Promise<StoredParts>));
        } catch (error) {
          results = error instanceof Error ? error : new Error(String(error));
        }
        keys.forEach((key, i) => {
          for (const settle of batch.get(key) ?? []) settle(results instanceof Error ? results : results[i]);
        });
      }
    } finally {
      this.readTransactionsOut--;
    }
  }

  private endRead(key: string, read: { superseded: boolean }): void {
    const reads = this.reads.get(key);
    reads?.delete(read);
    if (reads?.size === 0) this.reads.delete(key);
  }

  putMany(records: TileRecord[]): void {
    this.refreshStatus();
    const refused: string[] = [];
    for (const record of records) {
      const fits = recordCost(record.size) <= this.budget() && this.queueBytes < this.options.maxBatchBytes * MAX_QUEUED_BATCHES;
      if (this.acceptsWrites() && fits) this.enqueue(record.key, record);
      else if (!this.pendingWrite(record.key)) refused.push(record.key);
    }
    this.emit(refused);
    this.scheduleWrite();
  }

  touch(keys: string[]): void {
    if (!this.acceptsWrites()) return;
    const at = this.now();
    for (const key of keys) {
      const queued = this.queue.get(key);
      if (queued) queued.lastAccess = at;
      else this.touches.add(key);
    }
    if (this.touches.size >= this.options.maxTouchKeys) {
      this.cancelTouchTimer();
      void this.run(() => this.writeTouches(), undefined);
    } else if (this.touches.size > 0 && this.touchTimer === undefined) {
      this.touchTimer = this.clock.setTimeout(() => {
        this.touchTimer = undefined;
        void this.run(() => this.writeTouches(), undefined);
      }, this.options.touchIntervalMs);
    }
  }

  delete(keys: string[]): void {
    if (this.status === 'unavailable') return;
    for (const key of keys) {
      this.touches.delete(key);
      this.enqueue(key, null);
    }
    this.scheduleWrite();
  }

  clear(): Promise<void> {
    this.queue = new Map();
    this.queueBytes = 0;
    this.touches.clear();
    return this.run(async () => {
      const db = await this.readableDb();
      if (db) {
        const tx = settled(db.transaction(['tiles', 'tileBytes', 'meta'], 'readwrite'));
        ignore(tx.objectStore('tiles').clear());
        ignore(tx.objectStore('tileBytes').clear());
        const totals = { ...emptyTotals(), seq: this.totals.seq + 1 };
        ignore(tx.objectStore('meta').put(totalsRecord(totals)));
        await tx.done;
        this.totals = totals;
      }
    }, undefined);
  }

  evictTo(bytes: number): Promise<number> {
    return this.run(async () => {
      const db = await this.readableDb();
      return db ? this.evict(db, bytes, new Set()) : 0;
    }, 0);
  }

  /**
   * Which of the keys the store holds: queued writes count, queued deletes do not, the rest is asked of the database
   * (a key lookup each, in chunks of short readonly transactions).
   */
  async holding(keys: readonly string[]): Promise<Set<string>> {
    const held = new Set<string>();
    const ask = keys.filter((key) => this.pendingWrite(key) === undefined);
    const db = ask.length > 0 ? await this.readableDb().catch(() => undefined) : undefined;
    try {
      for (let i = 0; db && i < ask.length; i += HOLDING_CHUNK) {
        const chunk = ask.slice(i, i + HOLDING_CHUNK);
        const tiles = settled(db.transaction('tiles', 'readonly')).store;
        const counts = await Promise.all(chunk.map((key) => tiles.count(key)));
        chunk.forEach((key, j) => counts[j] > 0 && held.add(key));
      }
    } catch (error) {
      if (db) this.failed(db, error);
    }
    // writes queued meanwhile are newer than what was read
    for (const key of keys) {
      const pending = this.pendingWrite(key);
      if (pending) held.add(key);
      else if (pending === null) held.delete(key);
    }
    return held;
  }

  /** Stored tiles in the ranges (queued writes count), from the database's [z, x, y] index. */
  async tilesIn(ranges: readonly TileRange[]): Promise<TileExtent[]> {
    const found = new Map<string, TileExtent>();
    const db = ranges.length > 0 ? await this.readableDb().catch(() => undefined) : undefined;
    if (db) {
      try {
        const tx = settled(db.transaction('tiles', 'readonly'));
        for (const { key, coord } of await tilesInRanges(tx.store.index('tile'), ranges)) {
          found.set(key, { key, source: parseCacheKey(key)?.source ?? '', coord });
        }
      } catch (error) {
        this.failed(db, error);
      }
    }
    for (const [key, record] of [...this.inFlight, ...this.queue]) {
      if (record === null) found.delete(key);
      else if (record.coord && ranges.some((range) => inTileRange(range, record.coord!))) found.set(key, { key, source: record.source, coord: record.coord });
    }
    return [...found.values()];
  }

  onRemoved(listener: (keys: string[]) => void): void {
    this.listeners.push(listener);
  }

  setBudget(bytes: number): void {
    this.configuredBudget = bytes;
    if (this.totals.bytes > this.budget()) void this.evictTo(evictionTarget(this.budget()));
  }

  stats(): TileStoreStats {
    this.refreshStatus();
    return {
      status: this.status,
      detail: this.detail,
      bytes: this.totals.bytes,
      entries: this.totals.count,
      budget: this.budget(),
      evictions: this.evictions,
      quotaErrors: this.quotaErrors,
      corruptDropped: this.corruptDropped,
      ...(this.lastEviction ? { lastEviction: { ...this.lastEviction } } : {}),
      reads: { ...this.readCounts },
      ...(this.openTimes ? { opening: { ...this.openTimes } } : {}),
    };
  }

  setPinned(keys: ReadonlySet<string>): void {
    this.pinned = keys;
  }

  // Eviction waits for this (the saved areas loading their pins at start-up), so a write burst in the first
  // moments cannot evict a saved tile before the store knows it is pinned.
  holdEviction(until: Promise<unknown>): void {
    const previous = this.evictionHold;
    this.evictionHold = Promise.all([previous, until.catch(() => undefined)]);
  }

  // From the totals record: committed tiles only (the next write adds what is queued).
  sizesByZoom(): Map<number, { count: number; bytes: number }> {
    return new Map(Object.entries(this.totals.byZoom).map(([z, row]) => [Number(z), { ...row }]));
  }

  /**
   * One pass of the background check (idb-store-check.ts), now. It runs by itself `checkDelayMs` after each open;
   * tests and tools call it directly. Resolves undefined when there is no database or a pass is already running.
   */
  async check(): Promise<CheckOutcome | undefined> {
    const db = await this.readableDb().catch(() => undefined);
    if (!db || this.checking) return undefined;
    this.checking = true;
    try {
      const outcome = await checkStore(db, { chunk: this.options.checkChunk, between: () => this.betweenChunks(db) });
      if (this.db !== db || !outcome.totals) return outcome;
      // Queued through the store's one-at-a-time chain, so no write's own totals update is overwritten.
      await this.run(async () => {
        const fresh = await this.readStoredTotals(db);
        if (fresh) this.totals = fresh;
      }, undefined);
      this.corruptDropped += outcome.dropped.length;
      this.emit(outcome.dropped);
      return outcome;
    } catch (error) {
      this.failed(db, error);
      return undefined;
    } finally {
      this.checking = false;
    }
  }

  // Yields between chunks, and waits while tiles are being read: the check never competes with a tile.
  private async betweenChunks(db: KestrelDB): Promise<boolean> {
    do {
      await new Promise<void>((resolve) => this.clock.setTimeout(resolve, this.options.checkPauseMs));
      if (this.closed || this.db !== db) return false;
    } while (this.reads.size > 0);
    return true;
  }

  private scheduleCheck(): void {
    if (this.checkTimer !== undefined) this.clock.clearTimeout(this.checkTimer);
    this.checkTimer = this.clock.setTimeout(() => {
      this.checkTimer = undefined;
      void this.check();
    }, this.options.checkDelayMs);
  }

  private async readStoredTotals(db: KestrelDB): Promise<StoreTotals | undefined> {
    const tx = settled(db.transaction('meta', 'readonly'));
    return readTotals(await tx.store.get(TOTALS_KEY));
  }

  // The open connection (after the first open settles), for the other stores of this database; undefined while
  // IndexedDB is unavailable.
  database(): Promise<KestrelDB | undefined> {
    return this.readableDb();
  }

  async flush(): Promise<void> {
    this.cancelWriteTimer();
    this.cancelTouchTimer();
    void this.run(() => this.writeQueued(), undefined);
    await this.run(() => this.writeTouches(), undefined);
  }

  close(): void {
    this.closed = true;
    if (this.checkTimer !== undefined) this.clock.clearTimeout(this.checkTimer);
    this.cancelWriteTimer();
    this.cancelTouchTimer();
    this.db?.close();
    this.db = undefined;
  }

  private async open(): Promise<void> {
    if (!this.factory) return this.unavailable('IndexedDB is not available in this context');
    let request: IDBOpenDBRequest;
    this.openStartedAt = this.clock.now();
    try {
      request = this.factory.open(this.options.name, SCHEMA_VERSION);
    } catch (error) {
      if (this.status === 'reopening') return this.retryReopen(`indexedDB.open threw ${describe(error)}`);
      return this.unavailable(`indexedDB.open threw ${describe(error)}`);
    }
    request.addEventListener('upgradeneeded', (event) => upgradeSchema(request.result, request.transaction!, event.oldVersion));
    const opened = (wrap(request) as unknown as Promise<KestrelDB>).then(
      (db) => this.attach(db),
      (error: unknown) => {
        // A reopen can race the very thing that closed us (site data being cleared still holds the database):
        // try again shortly; repeated failures end in 'degraded' through reopen()'s own limit.
        // A newer schema from another tab is final: this version of the app cannot use it.
        const final = (error as { name?: string } | null)?.name === 'VersionError';
        if (this.status === 'reopening' && !final) this.retryReopen(`could not reopen the database: ${describe(error)}`);
        else this.unavailable(`could not open the database: ${describe(error)}`);
      },
    );
    let timer: unknown;
    const timedOut = new Promise<void>((resolve) => {
      timer = this.clock.setTimeout(() => {
        if (this.status === 'opening' || this.status === 'reopening') this.unavailable('opening the database timed out (blocked by another tab?)');
        resolve();
      }, this.options.openTimeoutMs);
      // An upgrade another tab holds back (it has the old version open and does not close it) may wait for as long as
      // that tab lives: memory-only now, with a notice saying why; the open goes on, and attaches when the tab lets go.
      request.addEventListener('blocked', () => {
        if (this.status === 'opening' || this.status === 'reopening') this.unavailable(BLOCKED_DETAIL);
        resolve();
      });
    });
    await Promise.race([opened, timedOut]);
    this.clock.clearTimeout(timer);
  }

  private async attach(db: KestrelDB): Promise<void> {
    if (this.closed) return db.close();
    // Another tab wants to upgrade or delete the database: step aside at once, then come back.
    db.addEventListener('versionchange', () => this.reopen(db, 'another tab changed the database'));
    // Fired when the browser closes the connection itself, e.g. when the user clears site data.
    db.addEventListener('close', () => this.reopen(db, 'the browser closed the database'));
    this.db = db;
    const openedAt = this.clock.now();
    // The quota only caps the budget, which only writes need: it is read beside the totals, not before them, since
    // navigator.storage.estimate() may measure the origin's files on disk and take longer the more they hold.
    const quotaRead = this.readQuota().then(() => this.clock.now() - openedAt);
    try {
      // One record, not a scan: opening costs the same whatever the store holds.
      const totals = await this.readStoredTotals(db);
      const totalsMs = this.clock.now() - openedAt;
      this.openTimes = { openMs: openedAt - this.openStartedAt, totalsMs };
      // Writes, and the eviction below, go by the budget: they wait for the quota.
      this.quotaRead = quotaRead.then((quotaMs) => {
        if (this.openTimes) this.openTimes.quotaMs = quotaMs;
      });
      this.totals = totals ?? { ...emptyTotals(), seq: -1 };
      // No totals (another program's database, a record damaged): the check counts them now rather than later.
      if (!totals && this.db === db) void this.check();
    } catch (error) {
      if (this.db === db) this.unavailable(`could not read the database: ${describe(error)}`);
      return;
    }
    // A versionchange or close during the scan has already let go of this connection.
    if (this.db !== db) return;
    this.status = 'ok';
    this.detail = this.reopenTimes.length > 0 ? this.detail && `reopened after: ${this.detail}` : undefined;
    // Before any write (and its eviction) runs: listeners may hold eviction until they have re-read what they pin.
    // The first open is what everyone awaits at start-up (`ready`, `database()`): only later attaches are told.
    if (this.firstOpenSettled) for (const listener of this.attachListeners) listener();
    this.scheduleWrite();
    this.scheduleCheck();
    // a budget lowered while the store was closed (or opening) applies now, not at the next write
    void this.quotaRead.then(() => {
      if (this.db === db && this.totals.bytes > this.budget()) void this.evictTo(evictionTarget(this.budget()));
    });
  }

  /** Where eviction learns the tiles pinned by saved areas in the database (any tab's), beyond `setPinned`. */
  setSharedPins(source: () => Promise<ReadonlySet<string>>): void {
    this.sharedPins = source;
  }

  /**
   * Called each time a connection is ready after the first open has settled (an open that timed out and attached
   * later, a reopen): what other stores of this database read at start-up may have been missed.
   */
  onAttached(listener: () => void): void {
    this.attachListeners.push(listener);
  }

  private async readQuota(): Promise<void> {
    try {
      const quota = (await this.estimate?.())?.quota;
      if (quota && quota > 0) this.quotaCap = Math.floor(quota * QUOTA_SHARE);
    } catch {
      // no estimate: the configured budget stands
    }
  }

  private startOpen(): Promise<void> {
    const opening = this.open().finally(() => {
      this.opening = undefined;
      const reason = this.pendingReopen;
      this.pendingReopen = undefined;
      if (reason) this.reopen(undefined, reason);
    });
    this.opening = opening;
    return opening;
  }

  private reopen(from: KestrelDB | undefined, reason: string): void {
    if (this.closed || (from && this.db !== from)) return;
    if (from) {
      this.db = undefined;
      try {
        from.close();
      } catch {
        // already closed
      }
    }
    if (this.opening) {
      // Still opening: the connection is released now (another tab may be waiting on it), the new open
      // starts when this one settles.
      if (from) this.pendingReopen = reason;
      return;
    }
    const now = this.clock.now();
    this.reopenTimes = this.reopenTimes.filter((at) => now - at < REOPEN_WINDOW_MS);
    if (this.reopenTimes.length >= this.options.maxReopens) {
      this.degrade(`${reason}; gave up after ${this.reopenTimes.length} reopens within a minute`);
      return;
    }
    this.reopenTimes.push(now);
    this.status = 'reopening';
    this.detail = reason;
    void this.startOpen();
  }

  private retryReopen(reason: string): void {
    this.db = undefined;
    this.detail = reason;
    this.clock.setTimeout(() => this.reopen(undefined, reason), REOPEN_RETRY_MS);
  }

  private unavailable(detail: string): void {
    this.db = undefined;
    this.status = 'unavailable';
    this.detail = detail;
    this.abandon(this.queue);
    this.queue = new Map();
    this.queueBytes = 0;
    this.totals = emptyTotals();
  }

  // Memory-only for a while. With the database still open (quota) reads go on; without it (repeated
  // reopens) the next use after the period tries to open it again.
  private degrade(detail: string): void {
    this.status = 'degraded';
    this.detail = `${detail}; memory-only for ${Math.round(this.options.degradeMs / 1000)} s`;
    this.degradedUntil = this.clock.now() + this.options.degradeMs;
    const puts = new Map([...this.queue].filter(([, record]) => record !== null));
    for (const key of puts.keys()) this.dequeue(key);
    this.abandon(puts);
    this.touches.clear();
  }

  // Called from reads, writes and stats(), so the degraded period ends without a timer of its own.
  private refreshStatus(): void {
    if (this.status !== 'degraded' || this.clock.now() < this.degradedUntil) return;
    // the quota may have changed meanwhile (space freed, site data cleared): the learned cap starts over
    this.refusalCap = Infinity;
    if (this.db) {
      this.status = 'ok';
      this.detail = undefined;
    } else {
      this.reopenTimes = [];
      this.reopen(undefined, 'retrying after the degraded period');
    }
  }

  private acceptsWrites(): boolean {
    return this.status === 'ok' || this.status === 'opening' || this.status === 'reopening';
  }

  private async readableDb(): Promise<KestrelDB | undefined> {
    this.refreshStatus();
    if (this.opening) await this.opening;
    return this.db;
  }

  private budget(): number {
    return Math.min(this.configuredBudget, this.quotaCap, this.refusalCap);
  }

  // A write not yet committed, newest first: a record, null for a queued delete, undefined for none.
  private pendingWrite(key: string): TileRecord | null | undefined {
    if (this.queue.has(key)) return this.queue.get(key);
    if (this.inFlight.has(key)) return this.inFlight.get(key);
    return undefined;
  }

  private enqueue(key: string, record: TileRecord | null): void {
    this.absent.delete(key);
    for (const read of this.reads.get(key) ?? []) read.superseded = true;
    this.dequeue(key);
    this.queue.set(key, record);
    this.queueBytes += record?.size ?? 0;
  }

  private dequeue(key: string): void {
    if (!this.queue.has(key)) return;
    this.queueBytes -= this.queue.get(key)?.size ?? 0;
    this.queue.delete(key);
  }

  private scheduleWrite(): void {
    if (this.queue.size === 0 || !this.db) return;
    if (this.queue.size >= this.options.maxBatchRecords || this.queueBytes >= this.options.maxBatchBytes) {
      this.cancelWriteTimer();
      void this.run(() => this.writeQueued(), undefined);
    } else if (this.writeTimer === undefined) {
      this.writeTimer = this.clock.setTimeout(() => {
        this.writeTimer = undefined;
        void this.run(() => this.writeQueued(), undefined);
      }, this.options.writeDelayMs);
    }
  }

  // Store operations run one at a time, so the totals this tab holds always match what it committed.
  private run<T>(op: () => Promise<T>, fallback: T): Promise<T> {
    const result = this.chain.then(op).catch((error: unknown) => {
      this.detail = `unexpected store error: ${describe(error)}`;
      return fallback;
    });
    this.chain = result;
    return result;
  }

  private async writeQueued(): Promise<void> {
    await this.quotaRead;
    const db = await this.readableDb();
    if (this.queue.size === 0 || !db) return;
    const batch = this.queue;
    this.queue = new Map();
    this.queueBytes = 0;
    this.inFlight = batch;
    try {
      await this.writeBatch(db, batch, false);
    } finally {
      this.inFlight = new Map();
    }
  }

  // Every step of a batch, evictions included, is inside its error handling: a connection that goes away during
  // an eviction (another tab's versionchange) keeps the batch for the reopened database like one lost in the commit.
  private async writeBatch(db: KestrelDB, batch: WriteBatch, retried: boolean): Promise<void> {
    const keys = new Set(batch.keys());
    try {
      let incoming = 0;
      // Replaced records are not subtracted (that needs a read): eviction may start a little early, never late.
      for (const record of batch.values()) incoming += record ? recordCost(record.size) : 0;
      if (incoming > 0 && this.totals.bytes + incoming > this.budget()) {
        await this.evict(db, evictionTarget(this.budget()) - incoming, keys);
      }
      await this.commit(db, batch);
    } catch (error) {
      if (!isQuotaError(error)) return this.writeFailed(db, batch, error);
      this.quotaErrors++;
      // The browser refused to grow past what was stored: the budget learns that (with a margin), or the store
      // would fill to the same size again and cycle refuse → evict → refuse.
      const refusedAt = this.totals.bytes;
      const evictTarget = Math.floor(QUOTA_EVICT_RATIO * Math.min(this.budget(), refusedAt));
      if (refusedAt > 0) this.refusalCap = Math.min(this.refusalCap, Math.floor(QUOTA_CAP_MARGIN * refusedAt));
      if (retried) {
        this.abandon(batch);
        return this.degrade('storage quota exceeded even after evicting');
      }
      try {
        await this.evict(db, evictTarget, keys);
      } catch (evictError) {
        return this.writeFailed(db, batch, evictError);
      }
      return this.writeBatch(db, batch, true);
    }
  }

  private writeFailed(db: KestrelDB, batch: WriteBatch, error: unknown): void {
    if ((this.db !== db || isInvalidState(error)) && this.status !== 'unavailable') {
      // The connection went away under the write: keep the batch for the reopened database.
      for (const [key, record] of batch) if (!this.queue.has(key)) this.enqueue(key, record);
      return this.failed(db, error);
    }
    this.abandon(batch);
    this.detail = `a write failed: ${describe(error)}`;
  }

  // The records and the totals record change in one transaction: the totals are right after any crash or abort.
  private async commit(db: KestrelDB, batch: WriteBatch): Promise<void> {
    const tx = settled(db.transaction(['tiles', 'tileBytes', 'meta'], 'readwrite'));
    const tiles = tx.objectStore('tiles');
    const bytes = tx.objectStore('tileBytes');
    const keys = [...batch.keys()];
    // Each key's old record is read just before it is replaced (requests run in order), all issued at once: the writes
    // do not wait for a round trip, and the totals learn what each write replaced (metadata only, a few hundred bytes).
    const totalsRead = tx.objectStore('meta').get(TOTALS_KEY);
    const replaced = keys.map((key) => {
      const old = tiles.get(key);
      const record = batch.get(key);
      if (record) {
        const { bytes: body, ...meta } = record;
        ignore(tiles.put(meta));
        ignore(bytes.put(body, key));
      } else {
        ignore(tiles.delete(key));
        ignore(bytes.delete(key));
      }
      return old;
    });
    let reads: [unknown, unknown[]];
    try {
      reads = await Promise.all([totalsRead, Promise.all(replaced)]);
    } catch (error) {
      // an aborted transaction fails its reads too: the transaction's own error (quota, closing) is the one to act on
      await tx.done;
      throw error;
    }
    const totals = this.baseTotals(reads[0]);
    keys.forEach((key, i) => {
      const old = reads[1][i];
      if (isIntactTileMeta(old)) countRecord(totals, old, -1);
      const record = batch.get(key);
      if (record) countRecord(totals, record, 1);
    });
    ignore(tx.objectStore('meta').put(totalsRecord(totals)));
    // The outcome is the transaction's: Chromium lets each put succeed and aborts the commit on quota.
    await tx.done;
    this.totals = totals;
  }

  // The totals to update inside a write transaction: the stored record (other tabs write it too), one seq further.
  private baseTotals(raw: unknown): StoreTotals {
    const stored = readTotals(raw) ?? { ...this.totals, byZoom: structuredClone(this.totals.byZoom) };
    return { ...stored, seq: stored.seq + 1 };
  }

  // Least recently used first (idb-lru-walk.ts): a batch costs the same whatever the store holds. The totals change in
  // the same transaction as the deletions.
  private async evict(db: KestrelDB, target: number, keep: Set<string>): Promise<number> {
    if (this.totals.bytes <= target) return 0;
    await this.evictionHold;
    // Other tabs share this database: the tiles their saved areas pin are read from it at each eviction, as this
    // tab's own pins know only the areas it has loaded.
    const shared = (await this.sharedPins?.().catch(() => undefined)) ?? new Set<string>();
    const started = this.clock.now();
    const rules = {
      target,
      keep,
      pinned: (key: string) => this.pinned.has(key) || shared.has(key),
      recentlyUsed: (key: string) => this.touches.has(key),
      now: this.now(),
    };
    let victims: string[];
    this.evictionPhases = {};
    try {
      victims = await this.evictWithTotals(db, rules);
    } catch (error) {
      if (!isQuotaError(error)) throw error;
      // At the quota, Chromium refuses any transaction that writes, even one that frees far more than it writes (the
      // totals record): the deletions then go alone, and the totals follow once there is room (if that fails too, the
      // background check recounts them: the sequence number did not move).
      victims = await this.evictDeletesOnly(db, rules);
    }
    for (const key of victims) this.touches.delete(key);
    this.evictions += victims.length;
    this.lastEviction = { ms: tenths(this.clock.now() - started), records: victims.length, ...this.evictionPhases };
    this.emit(victims);
    return victims.length;
  }

  private async evictWithTotals(db: KestrelDB, rules: LruWalkRules): Promise<string[]> {
    const t0 = this.clock.now();
    const tx = settled(db.transaction(['tiles', 'tileBytes', 'meta'], 'readwrite'));
    const totals = this.baseTotals(await tx.objectStore('meta').get(TOTALS_KEY));
    const t1 = this.clock.now();
    const victims = await evictLeastRecent(tx, totals, rules);
    const t2 = this.clock.now();
    ignore(tx.objectStore('meta').put(totalsRecord(totals)));
    await tx.done;
    this.evictionPhases = { waitMs: tenths(t1 - t0), walkMs: tenths(t2 - t1), commitMs: tenths(this.clock.now() - t2) };
    this.totals = totals;
    return victims;
  }

  private async evictDeletesOnly(db: KestrelDB, rules: LruWalkRules): Promise<string[]> {
    const tx = settled(db.transaction(['tiles', 'tileBytes', 'meta'], 'readwrite'));
    const totals = this.baseTotals(await tx.objectStore('meta').get(TOTALS_KEY));
    const victims = await evictLeastRecent(tx, totals, { ...rules, movePinned: false });
    await tx.done;
    this.totals = totals;
    try {
      const after = settled(db.transaction('meta', 'readwrite'));
      await Promise.all([after.store.put(totalsRecord(totals)), after.done]);
    } catch (error) {
      if (!isQuotaError(error)) this.failed(db, error);
    }
    return victims;
  }

  // One transaction for all access times gathered since the last flush.
  private async writeTouches(): Promise<void> {
    const keys = [...this.touches];
    this.touches.clear();
    const db = await this.readableDb();
    if (keys.length === 0 || !db || !this.acceptsWrites()) return;
    const at = this.now();
    try {
      const tx = settled(db.transaction('tiles', 'readwrite'));
      const tiles = tx.objectStore('tiles');
      for (const key of keys) {
        ignore(
          tiles.get(key).then((meta) => {
            if (isIntactTileMeta(meta)) return tiles.put({ ...meta, lastAccess: at });
          }),
        );
      }
      await tx.done;
    } catch (error) {
      // Lost access times only blur the LRU order; quota still counts, a dead connection still reopens.
      if (isQuotaError(error)) this.quotaErrors++;
      else this.failed(db, error);
    }
  }

  private failed(db: KestrelDB, error: unknown): void {
    if (isInvalidState(error)) this.reopen(db, `the connection was closed (${describe(error)})`);
  }

  private abandon(batch: WriteBatch): void {
    this.emit([...batch].filter(([, record]) => record !== null).map(([key]) => key));
  }

  private emit(keys: string[]): void {
    if (keys.length === 0) return;
    for (const listener of this.listeners) {
      try {
        listener(keys);
      } catch {
        // a listener's bug must not break the store
      }
    }
  }

  private cancelWriteTimer(): void {
    if (this.writeTimer !== undefined) this.clock.clearTimeout(this.writeTimer);
    this.writeTimer = undefined;
  }

  private cancelTouchTimer(): void {
    if (this.touchTimer !== undefined) this.clock.clearTimeout(this.touchTimer);
    this.touchTimer = undefined;
  }
}

function defaultEstimate(): (() => Promise<{ quota?: number }>) | undefined {
  const storage = typeof navigator === 'undefined' ? undefined : navigator.storage;
  return storage?.estimate ? () => storage.estimate() : undefined;
}

function definedOnly(options: IdbTileStoreOptions): Partial<typeof DEFAULTS> {
  return Object.fromEntries(Object.entries(options).filter(([name, value]) => value !== undefined && name in DEFAULTS));
}

function isQuotaError(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED';
}

function isInvalidState(error: unknown): boolean {
  return (error as { name?: unknown } | null)?.name === 'InvalidStateError';
}

function describe(error: unknown): string {
  if (error instanceof Error || error instanceof DOMException) return `${error.name}: ${error.message}`;
  return String(error);
}

// idb keeps a `done` promise for every transaction it wraps. Where the store does not await it (reads), or stops
// before it (a request failed first), a transaction the browser aborts (site data cleared, the connection closing)
// would reject it unhandled: an uncaught error in the worker. Every transaction is made through this.
export function settled<T extends { done: Promise<unknown> }>(tx: T): T {
  ignore(tx.done);
  return tx;
}

// Request outcomes are decided by the transaction; a request's own rejection must not go unhandled.
function ignore(request: Promise<unknown>): void {
  request.catch(() => undefined);
}

function tenths(ms: number): number {
  return Math.round(ms * 10) / 10;
}
