import { wrap } from 'idb';
import { describe, expect, it } from 'vitest';
import { EPOCH, okAnswer, tileBytes, tileRecord } from '../../test/cache-answers.ts';
import { CacheIdbHarness } from '../../test/cache-idb-harness.ts';
import { FakeClock, flushMicrotasks } from '../../test/fake-clock.ts';
import { TileCache } from '../engine/tile-cache.ts';
import { tileRangesInBBox } from '../engine/tile-ranges.ts';
import { recordCost } from '../engine/tile-store.ts';
import { IdbAreaStore } from './idb-area-store.ts';
import { IdbTileStore, evictionTarget, type IdbTileStoreOptions } from './idb-tile-store.ts';
import { SCHEMA_VERSION } from './tile-db-schema.ts';

const COST = recordCost(1000);

function setup(options: IdbTileStoreOptions = {}, harness = new CacheIdbHarness(), clock = new FakeClock()) {
  const store = new IdbTileStore({ factory: harness.factory, clock, now: () => EPOCH + clock.now(), ...options });
  const removed: string[] = [];
  store.onRemoved((keys) => removed.push(...keys));
  return { harness, clock, store, removed };
}

// fake-indexeddb works in real macrotasks; wait for the store to reach a state, without fixed sleeps.
async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 5000; i++) {
    if (check()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`timed out waiting for ${what}`);
}

// The check pauses on the store's clock between chunks and works in the fake database's macrotasks: both must move.
async function runClock(clock: FakeClock, done: () => boolean, what: string, stepMs = 50): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    if (done()) return;
    await clock.advance(stepMs);
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function macrotask(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
}

describe('IdbTileStore: reads and writes', () => {
  it('reads back what it wrote, bytes and metadata', async () => {
    const { store } = setup();
    const record = tileRecord('a', 1000, { coord: { z: 2, x: 1, y: 3 } });
    store.putMany([record]);
    await store.flush();
    const back = await store.get('a');
    expect(back).toMatchObject({ key: 'a', source: 'osm', size: 1000, coord: { z: 2, x: 1, y: 3 }, etag: '"v1"' });
    expect(new Uint8Array(back!.bytes!)).toEqual(new Uint8Array(record.bytes!));
  });

  it('keeps a cached "no tile" answer as null bytes', async () => {
    const { store } = setup();
    store.putMany([{ ...tileRecord('empty', 0), bytes: null }]);
    await store.flush();
    expect(await store.get('empty')).toMatchObject({ bytes: null, size: 0 });
  });

  it('answers reads from queued writes before they are committed', async () => {
    const { store, harness } = setup();
    await store.ready;
    store.putMany([tileRecord('a', 10)]);
    expect(await store.get('a')).toMatchObject({ key: 'a' });
    store.delete(['a']);
    expect(await store.get('a')).toBeUndefined();
    expect(await store.holding(['a'])).toEqual(new Set());
    expect(harness.tileWrites()).toHaveLength(0);
  });

  it('reads asks that arrive together in a shared transaction, not one each', async () => {
    const { store, harness } = setup();
    store.putMany([1, 2, 3, 4, 5, 6, 7, 8].map((i) => tileRecord(`r${i}`, 100)));
    await store.flush();
    const readsBefore = harness.transactions.filter((t) => t.mode === 'readonly' && t.stores.includes('tileBytes')).length;
    const got = await Promise.all([1, 2, 3, 4, 5, 6, 7, 8].map((i) => store.get(`r${i}`)));
    expect(got.map((r) => r?.key)).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map((i) => `r${i}`));
    const reads = harness.transactions.filter((t) => t.mode === 'readonly' && t.stores.includes('tileBytes')).length - readsBefore;
    // the first ask goes at once, a second transaction may start beside it, the rest wait and go together
    expect(reads).toBeLessThanOrEqual(3);
    expect(store.stats().reads).toMatchObject({ records: 8, transactions: reads });
  });

  it('answers a key found absent a moment ago without reading again, until this store writes it', async () => {
    const { store, harness } = setup();
    await store.ready;
    const readTransactions = () => harness.transactions.filter((t) => t.mode === 'readonly' && t.stores.includes('tileBytes')).length;
    expect(await store.get('nowhere')).toBeUndefined();
    const after = readTransactions();
    expect(await store.get('nowhere')).toBeUndefined();
    expect(readTransactions()).toBe(after);
    expect(store.stats().reads?.absentSkipped).toBe(1);
    store.putMany([tileRecord('nowhere', 100)]);
    await store.flush();
    expect((await store.get('nowhere'))?.key).toBe('nowhere');
  });

  it('writes a burst of puts in one transaction once the write delay has passed', async () => {
    const { store, harness, clock } = setup({ writeDelayMs: 75 });
    await store.ready;
    for (let i = 0; i < 10; i++) store.putMany([tileRecord(`k${i}`, 1000)]);
    await macrotask();
    expect(harness.tileWrites()).toHaveLength(0);
    await clock.advance(75);
    expect(harness.tileWrites()).toHaveLength(1);
    await store.flush();
    expect(harness.tileWrites()).toHaveLength(1);
    expect(store.stats()).toMatchObject({ entries: 10, bytes: 10 * COST });
  });

  it('writes at once when a batch is full', async () => {
    const { store, harness } = setup({ maxBatchRecords: 4 });
    await store.ready;
    store.putMany([1, 2, 3, 4].map((i) => tileRecord(`k${i}`, 10)));
    await flushMicrotasks();
    expect(harness.tileWrites()).toHaveLength(1);
  });

  it('gathers access-time updates and writes them in one transaction', async () => {
    const { store, harness, clock } = setup({ touchIntervalMs: 2000 });
    store.putMany(['a', 'b', 'c'].map((k) => tileRecord(k, 10)));
    await store.flush();
    await clock.advance(1000);
    store.touch(['a']);
    store.touch(['b']);
    store.touch(['a']);
    expect(harness.touchWrites()).toHaveLength(0);
    await clock.advance(2000);
    await store.flush();
    expect(harness.touchWrites()).toHaveLength(1);
    const raw = await harness.rawDb();
    expect((await raw.get('tiles', 'a')).lastAccess).toBe(EPOCH + 3000);
    expect((await raw.get('tiles', 'b')).lastAccess).toBe(EPOCH + 3000);
    expect((await raw.get('tiles', 'c')).lastAccess).toBe(EPOCH);
    raw.close();
  });

  it('writes access times early once enough keys are waiting', async () => {
    const { store, harness } = setup({ maxTouchKeys: 3 });
    store.putMany(['a', 'b', 'c'].map((k) => tileRecord(k, 10)));
    await store.flush();
    store.touch(['a', 'b', 'c']);
    await flushMicrotasks();
    expect(harness.touchWrites()).toHaveLength(1);
  });

  it('deletes queued with the writes', async () => {
    const { store, harness } = setup();
    store.putMany([tileRecord('a', 10), tileRecord('b', 10)]);
    await store.flush();
    store.delete(['a']);
    await store.flush();
    const raw = await harness.rawDb();
    expect(await raw.getAllKeys('tiles')).toEqual(['b']);
    expect(await raw.getAllKeys('tileBytes')).toEqual(['b']);
    raw.close();
    expect(store.stats()).toMatchObject({ entries: 1, bytes: recordCost(10) });
  });

  it('clears every tile', async () => {
    const { store } = setup();
    store.putMany([tileRecord('a', 10), tileRecord('b', 10)]);
    await store.flush();
    await store.clear();
    expect(await store.get('a')).toBeUndefined();
    expect(store.stats()).toMatchObject({ entries: 0, bytes: 0 });
  });

  it('opens a new session with its totals from one record, and finds its tiles by place through the [z, x, y] index', async () => {
    const harness = new CacheIdbHarness();
    const first = setup({}, harness).store;
    first.putMany([tileRecord('osm|1/1/0|u', 1000, { coord: { z: 1, x: 1, y: 0 } }), tileRecord('b', 1000)]);
    await first.flush();
    first.close();
    harness.transactions.length = 0;
    const second = setup({}, harness).store;
    await second.ready;
    expect(second.stats()).toMatchObject({ status: 'ok', entries: 2, bytes: 2 * COST });
    expect(harness.transactions, 'opening read the totals record and nothing else').toEqual([{ stores: ['meta'], mode: 'readonly' }]);
    expect(await second.tilesIn(tileRangesInBBox([0, 0, 180, 85], 1))).toEqual([{ key: 'osm|1/1/0|u', source: 'osm', coord: { z: 1, x: 1, y: 0 } }]);
    expect(await second.tilesIn(tileRangesInBBox([-180, 0, 0, 85], 1))).toEqual([]);
  });
});

// Five tiles stored, then a sixth whose write transaction the browser aborts with QuotaExceededError once.
async function refusedOnce() {
  const fixture = setup();
  const { store, harness } = fixture;
  store.putMany(['a', 'b', 'c', 'd', 'e'].map((k, i) => tileRecord(k, 1000, { lastAccess: EPOCH + i })));
  await store.flush();
  harness.failNextTileWrites(1);
  store.putMany([tileRecord('x', 1000, { lastAccess: EPOCH + 10 })]);
  await store.flush();
  return fixture;
}

describe('IdbTileStore: budget and quota', () => {
  it('keeps to its byte budget, evicting the least recently used tiles first', async () => {
    const { store, clock, removed } = setup({ budgetBytes: 5 * COST });
    store.putMany(['a', 'b', 'c', 'd', 'e'].map((k, i) => tileRecord(k, 1000, { lastAccess: EPOCH + i })));
    await store.flush();
    await clock.advance(100);
    store.touch(['a']);
    await store.flush();
    store.putMany([tileRecord('f', 1000, { lastAccess: EPOCH + 100 })]);
    await store.flush();
    expect(removed).toEqual(['b', 'c']);
    expect(await store.get('a')).toBeDefined();
    expect(await store.get('b')).toBeUndefined();
    const stats = store.stats();
    expect(stats.bytes).toBeLessThanOrEqual(stats.budget);
    expect(stats).toMatchObject({ entries: 4, evictions: 2, lastEviction: { records: 2 } });
  });

  it('walks past more records of one access time than it reads at once, taking each once, oldest times first', async () => {
    const { store, harness, removed } = setup({ budgetBytes: 2000 * COST, maxBatchRecords: 1000 });
    // 700 records of one access time (more than a page of the walk), then 100 newer ones
    store.putMany(Array.from({ length: 700 }, (_, i) => tileRecord(`same${String(i).padStart(3, '0')}`, 1000, { lastAccess: EPOCH })));
    store.putMany(Array.from({ length: 100 }, (_, i) => tileRecord(`newer${i}`, 1000, { lastAccess: EPOCH + 1 + i })));
    await store.flush();
    expect(await store.evictTo(50 * COST)).toBe(750);
    expect(new Set(removed).size).toBe(750);
    expect(removed.filter((k) => k.startsWith('same'))).toHaveLength(700);
    const raw = await harness.rawDb();
    const left = (await raw.getAllKeys('tiles')) as string[];
    raw.close();
    expect(left.sort()).toEqual(Array.from({ length: 50 }, (_, i) => `newer${50 + i}`).sort());
    expect(store.stats()).toMatchObject({ entries: 50, bytes: 50 * COST });
  });

  it('evicts to a tenth below the budget, but never more than 256 KiB below it, so a batch costs the same at any size', () => {
    expect(evictionTarget(1000)).toBe(900);
    expect(evictionTarget(256 * 2 ** 20)).toBe(256 * 2 ** 20 - 256 * 1024);
  });

  it('applies a budget lowered while it was closed as soon as it opens', async () => {
    const harness = new CacheIdbHarness();
    const first = setup({}, harness).store;
    first.putMany(['a', 'b', 'c', 'd'].map((k, i) => tileRecord(k, 1000, { lastAccess: EPOCH + i })));
    await first.flush();
    first.close();
    const { store, removed } = setup({ budgetBytes: 2 * COST }, harness);
    await store.ready;
    await until(() => removed.length > 0, 'the eviction');
    expect(removed).toEqual(['a', 'b', 'c']);
    expect(store.stats().bytes).toBeLessThanOrEqual(2 * COST);
  });

  it('treats tiles touched since the last flush as recently used when evicting', async () => {
    const { store, removed } = setup({ budgetBytes: 3 * COST });
    store.putMany(['a', 'b', 'c'].map((k, i) => tileRecord(k, 1000, { lastAccess: EPOCH + i })));
    await store.flush();
    store.touch(['a']);
    expect(await store.evictTo(2 * COST)).toBe(1);
    expect(removed).toEqual(['b']);
  });

  it('refuses a tile larger than the whole budget', async () => {
    const { store, removed } = setup({ budgetBytes: COST });
    store.putMany([tileRecord('big', 5000)]);
    await store.flush();
    expect(removed).toEqual(['big']);
    expect(store.stats().entries).toBe(0);
  });

  it('never budgets above 80 % of the storage quota', async () => {
    const { store } = setup({ budgetBytes: 1_000_000, estimate: async () => ({ quota: 100_000, usage: 0 }) });
    await store.ready;
    expect(store.stats().budget).toBe(80_000);
  });

  it('answers reads before the storage estimate comes back, and holds writes until it does', async () => {
    const harness = new CacheIdbHarness();
    const first = setup({}, harness);
    first.store.putMany([tileRecord('a', 1000)]);
    await first.store.flush();
    first.store.close();
    // navigator.storage.estimate() may measure the origin's files: on a full store it is the slow part of opening
    let answerEstimate!: (estimate: StorageEstimate) => void;
    const { store } = setup({ budgetBytes: 1_000_000, estimate: () => new Promise((resolve) => (answerEstimate = resolve)) }, harness);
    await store.ready;
    expect(store.stats()).toMatchObject({ status: 'ok', entries: 1, opening: { openMs: expect.any(Number), totalsMs: expect.any(Number) } });
    expect(store.stats().opening?.quotaMs).toBeUndefined();
    expect(await store.get('a')).toBeDefined();
    // a write waits for the quota, which caps the budget it evicts to
    store.putMany([tileRecord('b', 1000)]);
    const flushed = store.flush();
    await macrotask();
    expect(store.stats().entries).toBe(1);
    answerEstimate({ quota: 100_000, usage: 0 });
    await flushed;
    expect(store.stats()).toMatchObject({ entries: 2, budget: 80_000, opening: { quotaMs: expect.any(Number) } });
  });

  it('evicts to a lower budget when reconfigured', async () => {
    const { store } = setup();
    store.putMany(['a', 'b', 'c', 'd'].map((k, i) => tileRecord(k, 1000, { lastAccess: EPOCH + i })));
    await store.flush();
    store.setBudget(2 * COST);
    await store.flush();
    expect(store.stats().bytes).toBeLessThanOrEqual(2 * COST);
    expect(await store.get('d')).toBeDefined();
  });

  it('evicts and retries once when the write transaction aborts with QuotaExceededError', async () => {
    const { store } = await refusedOnce();
    expect(store.stats()).toMatchObject({ status: 'ok', quotaErrors: 1, evictions: 2, entries: 4 });
    expect(await store.get('x')).toBeDefined();
    expect(await store.get('a')).toBeUndefined();
  });

  it('learns from a quota refusal: the budget drops below what was stored, so it does not fill up and fail again', async () => {
    const { store } = await refusedOnce();
    const refusedAt = 5 * COST;
    expect(store.stats().budget).toBeLessThanOrEqual(0.9 * refusedAt);
    // ten more tiles: the store stays under what the browser refused, evicting as it goes, with no new refusal
    for (let i = 0; i < 10; i++) {
      store.putMany([tileRecord(`n${i}`, 1000, { lastAccess: EPOCH + 20 + i })]);
      await store.flush();
    }
    expect(store.stats()).toMatchObject({ status: 'ok', quotaErrors: 1 });
    expect(store.stats().bytes).toBeLessThan(refusedAt);
  });

  it('frees space at the quota, where the browser refuses any transaction that writes: the deletions go alone, the totals follow', async () => {
    const { store, harness, removed } = setup();
    store.putMany(['a', 'b', 'c', 'd'].map((k, i) => tileRecord(k, 1000, { lastAccess: EPOCH + i })));
    await store.flush();
    harness.atQuota = true;
    expect(await store.evictTo(2 * COST)).toBe(2);
    expect(removed).toEqual(['a', 'b']);
    const raw = await harness.rawDb();
    expect(await raw.getAllKeys('tiles'), 'the database itself').toEqual(['c', 'd']);
    const stale = ((await raw.get('meta', 'totals')) as { value: { count: number } }).value;
    raw.close();
    expect(stale.count, 'the totals could not be written at the quota').toBe(4);
    expect(store.stats()).toMatchObject({ entries: 2, bytes: 2 * COST });
    // room again: the background check finds the stale totals (nothing else changed them) and recounts
    harness.atQuota = false;
    expect(await store.check()).toMatchObject({ corrected: true });
    const after = await harness.rawDb();
    expect(((await after.get('meta', 'totals')) as { value: { count: number } }).value.count).toBe(2);
    after.close();
  });

  it('goes memory-only for a while when the retry hits the quota too, then recovers', async () => {
    const { store, harness, clock, removed } = setup({ degradeMs: 60_000 });
    store.putMany([tileRecord('a', 1000)]);
    await store.flush();
    harness.failNextTileWrites(2);
    store.putMany([tileRecord('x', 1000)]);
    await store.flush();
    expect(store.stats()).toMatchObject({ status: 'degraded', quotaErrors: 2 });
    expect(store.stats().detail).toContain('quota');
    expect(removed).toContain('x');

    const writesBefore = harness.tileWrites().length;
    store.putMany([tileRecord('y', 10)]);
    await store.flush();
    expect(harness.tileWrites()).toHaveLength(writesBefore);
    expect(removed).toContain('y');
    expect(await store.get('y')).toBeUndefined();

    await clock.advance(60_000);
    expect(store.stats().status).toBe('ok');
    store.putMany([tileRecord('z', 10)]);
    await store.flush();
    expect(await store.get('z')).toBeDefined();
  });
});

describe('IdbTileStore: damaged data', () => {
  it('deletes a record whose bytes are truncated and reports a miss', async () => {
    const { store, harness, removed } = setup();
    store.putMany([tileRecord('a', 1000)]);
    await store.flush();
    const raw = await harness.rawDb();
    await raw.put('tileBytes', new ArrayBuffer(10), 'a');
    raw.close();
    expect(await store.get('a')).toBeUndefined();
    expect(removed).toEqual(['a']);
    await store.flush();
    expect(store.stats()).toMatchObject({ corruptDropped: 1, entries: 0, bytes: 0 });
  });

  it('keeps a newer write made while a corrupt copy of the same tile was being read', async () => {
    const { store, harness } = setup();
    store.putMany([tileRecord('a', 1000)]);
    await store.flush();
    const raw = await harness.rawDb();
    await raw.put('tileBytes', new ArrayBuffer(10), 'a');
    raw.close();
    const reading = store.get('a');
    // the network answered meanwhile: a fresh copy is queued while the corrupt one is read
    store.putMany([tileRecord('a', 1000, { seed: 7 })]);
    expect(await reading).toBeUndefined();
    await store.flush();
    const back = await store.get('a');
    expect(back, 'the newer write survived the corrupt read').toBeDefined();
    expect(back?.size).toBe(1000);
  });

  it('deletes a record whose bytes are not an ArrayBuffer', async () => {
    const { store, harness } = setup();
    store.putMany([tileRecord('a', 3)]);
    await store.flush();
    const raw = await harness.rawDb();
    await raw.put('tileBytes', 'abc', 'a');
    raw.close();
    expect(await store.get('a')).toBeUndefined();
    expect(store.stats().corruptDropped).toBe(1);
  });

  it('drops half-written and malformed records in the background check after it opens, and keeps the totals right', async () => {
    const harness = new CacheIdbHarness();
    const first = setup({}, harness).store;
    first.putMany([tileRecord('good', 10)]);
    await first.flush();
    first.close();
    const raw = await harness.rawDb();
    const { bytes: _bytes, ...meta } = tileRecord('no-bytes', 10);
    await raw.put('tiles', meta);
    await raw.put('tileBytes', new ArrayBuffer(4), 'no-meta');
    await raw.put('tiles', { key: 'malformed', size: 'big' });
    await raw.put('tileBytes', null, 'malformed');
    raw.close();

    const clock = new FakeClock();
    const second = setup({ checkDelayMs: 20_000, checkChunk: 2 }, harness, clock).store;
    await second.ready;
    // the totals count what the store wrote; the records another program added are not in them
    expect(second.stats(), 'the open itself reads no record').toMatchObject({ entries: 1, corruptDropped: 0 });
    await clock.advance(19_000);
    expect(second.stats().corruptDropped, 'not before the delay').toBe(0);
    await runClock(clock, () => second.stats().corruptDropped > 0, 'the background check');
    expect(second.stats()).toMatchObject({ entries: 1, bytes: recordCost(10), corruptDropped: 3 });
    const after = await harness.rawDb();
    expect(await after.getAllKeys('tiles')).toEqual(['good']);
    expect(await after.getAllKeys('tileBytes')).toEqual(['good']);
    after.close();
  });
});

describe('IdbTileStore: tiles by place', () => {
  // a checkerboard at z8 (every other column, rows 100–103) and one tile at z9
  async function checkerboard() {
    const { store } = setup();
    const records = [];
    for (let x = 0; x < 256; x += 2) for (let y = 100; y < 104; y++) records.push(tileRecord(`s|8/${x}/${y}|u`, 10, { coord: { z: 8, x, y } }));
    records.push(tileRecord('s|9/10/201|u', 10, { coord: { z: 9, x: 10, y: 201 } }));
    for (let i = 0; i < records.length; i += 64) store.putMany(records.slice(i, i + 64));
    await store.flush();
    return store;
  }

  function sorted(found: { coord: { z: number; x: number; y: number } }[]): string[] {
    return found.map(({ coord: c }) => `${c.z}/${c.x}/${c.y}`).sort();
  }

  it('finds the tiles of a narrow range, column by column', async () => {
    const store = await checkerboard();
    const found = await store.tilesIn([{ z: 8, minX: 9, maxX: 12, minY: 101, maxY: 102 }]);
    expect(sorted(found)).toEqual(['8/10/101', '8/10/102', '8/12/101', '8/12/102']);
    expect(found[0].source).toBe('s');
  });

  it('finds the tiles of a range wider than it reads column by column, skipping the rows outside it', async () => {
    const store = await checkerboard();
    const found = await store.tilesIn([{ z: 8, minX: 0, maxX: 255, minY: 102, maxY: 102 }]);
    expect(found).toHaveLength(128);
    expect(sorted(found).slice(0, 2)).toEqual(['8/0/102', '8/10/102']);
    expect(await store.tilesIn([{ z: 9, minX: 0, maxX: 511, minY: 0, maxY: 511 }])).toMatchObject([{ key: 's|9/10/201|u' }]);
  });

  it('counts queued writes and deletes before they are committed', async () => {
    const store = await checkerboard();
    store.delete(['s|8/10/101|u']);
    store.putMany([tileRecord('s|8/11/101|u', 10, { coord: { z: 8, x: 11, y: 101 } })]);
    const found = await store.tilesIn([{ z: 8, minX: 10, maxX: 11, minY: 101, maxY: 101 }]);
    expect(sorted(found)).toEqual(['8/11/101']);
  });
});

describe('IdbTileStore: running totals', () => {
  it('keeps the totals record in step with writes, replacements, deletes and evictions, as the records themselves show', async () => {
    const { store, harness } = setup({ budgetBytes: 4 * COST });
    store.putMany(['a', 'b', 'c'].map((k, i) => tileRecord(k, 1000, { lastAccess: EPOCH + i, coord: { z: 3, x: i, y: 0 } })));
    await store.flush();
    store.putMany([tileRecord('a', 500, { lastAccess: EPOCH + 5, coord: { z: 3, x: 0, y: 0 } })]);
    store.delete(['b']);
    await store.flush();
    store.putMany(['d', 'e', 'f'].map((k, i) => tileRecord(k, 1000, { lastAccess: EPOCH + 10 + i })));
    await store.flush();
    const raw = await harness.rawDb();
    const metas = (await raw.getAll('tiles')) as { size: number }[];
    const totals = ((await raw.get('meta', 'totals')) as { value: { bytes: number; count: number } }).value;
    raw.close();
    expect(totals).toMatchObject({ count: metas.length, bytes: metas.reduce((sum, m) => sum + recordCost(m.size), 0) });
    expect(store.stats()).toMatchObject({ entries: totals.count, bytes: totals.bytes });
  });

  it('finds and corrects totals that disagree with the records, in the background check', async () => {
    const harness = new CacheIdbHarness();
    const first = setup({}, harness).store;
    first.putMany([tileRecord('a', 100, { coord: { z: 2, x: 1, y: 1 } }), tileRecord('b', 300)]);
    await first.flush();
    first.close();
    const raw = await harness.rawDb();
    await raw.put('meta', { key: 'totals', value: { bytes: 1, count: 7, byZoom: {}, seq: 3 } });
    raw.close();
    const second = setup({}, harness).store;
    await second.ready;
    expect(second.stats().entries, 'what the record says').toBe(7);
    const outcome = await second.check();
    expect(outcome).toMatchObject({ corrected: true, dropped: [] });
    expect(second.stats()).toMatchObject({ entries: 2, bytes: recordCost(100) + recordCost(300) });
    expect(second.sizesByZoom()).toEqual(new Map([[2, { count: 1, bytes: 100 }]]));
    expect(await second.check(), 'a second pass finds nothing to do').toMatchObject({ corrected: false, dropped: [] });
  });

  it('leaves the totals alone when a write lands while it counts, and still removes what is broken', async () => {
    const harness = new CacheIdbHarness();
    const clock = new FakeClock();
    const { store } = setup({ checkChunk: 1, checkPauseMs: 10 }, harness, clock);
    store.putMany([tileRecord('a', 100), tileRecord('b', 100), tileRecord('c', 100)]);
    await store.flush();
    const raw = await harness.rawDb();
    await raw.put('tileBytes', new ArrayBuffer(3), 'orphan');
    raw.close();
    const checking = store.check();
    await macrotask();
    // between two chunks, a new tile
    store.putMany([tileRecord('0-first', 100)]);
    await store.flush();
    let outcome: unknown;
    void checking.then((o) => (outcome = o));
    await runClock(clock, () => outcome !== undefined, 'the check', 10);
    expect(outcome).toMatchObject({ corrected: false, dropped: ['orphan'] });
    expect(store.stats()).toMatchObject({ entries: 4, bytes: 4 * recordCost(100) });
  });
});

describe('IdbTileStore: surviving the browser', () => {
  it('is unavailable, memory-only, when there is no IndexedDB', async () => {
    const { store, removed } = setup({ factory: null });
    await store.ready;
    expect(store.stats()).toMatchObject({ status: 'unavailable', entries: 0 });
    expect(store.stats().detail).toMatch(/not available/);
    store.putMany([tileRecord('a', 10)]);
    await store.flush();
    expect(removed).toEqual(['a']);
    expect(await store.get('a')).toBeUndefined();
    expect(await store.tilesIn(tileRangesInBBox([-180, -85, 180, 85], 0))).toEqual([]);
  });

  it('is unavailable when open throws (private mode)', async () => {
    const harness = new CacheIdbHarness();
    harness.openThrows = new DOMException('A mutation operation was attempted', 'InvalidStateError');
    const { store } = setup({}, harness);
    await store.ready;
    expect(store.stats().status).toBe('unavailable');
    expect(store.stats().detail).toContain('InvalidStateError');
  });

  it('is unavailable when the open request fails', async () => {
    const harness = new CacheIdbHarness();
    // A newer build's schema is already there: opening our version fails with VersionError.
    (await wrap(harness.origin.open('kestrel', 5)))?.close();
    const { store } = setup({}, harness);
    await store.ready;
    expect(store.stats().status).toBe('unavailable');
    expect(store.stats().detail).toContain('VersionError');
  });

  it('steps aside when another tab deletes the database, then reopens a fresh one', async () => {
    const { store, harness } = setup();
    store.putMany([tileRecord('a', 10)]);
    await store.flush();
    let statusDuringChange: string | undefined;
    harness.connections[0].addEventListener('versionchange', () => (statusDuringChange = store.stats().status));
    harness.origin.deleteDatabase('kestrel');
    await until(() => harness.connections.length === 2 && store.stats().status === 'ok', 'the reopen');
    expect(statusDuringChange).toBe('reopening');
    expect(store.stats(), 'the fresh database brings its own totals').toMatchObject({ entries: 0, bytes: 0 });
    store.putMany([tileRecord('b', 10)]);
    await store.flush();
    expect(await store.get('b')).toBeDefined();
  });

  it('lets another tab upgrade to a newer schema and then reports itself unavailable', async () => {
    const { store, harness } = setup();
    store.putMany([tileRecord('a', 10)]);
    await store.flush();
    const newer = wrap(harness.origin.open('kestrel', SCHEMA_VERSION + 1));
    await until(() => store.stats().status === 'unavailable', 'the failed reopen');
    expect(store.stats().detail).toContain('VersionError');
    (await newer)?.close();
  });

  it('reopens after the browser closes the connection (site data cleared)', async () => {
    const { store, harness } = setup();
    store.putMany([tileRecord('a', 10)]);
    await store.flush();
    harness.forceClose();
    expect(store.stats().status).toBe('reopening');
    await until(() => store.stats().status === 'ok', 'the reopen');
    expect(store.stats().detail).toContain('closed');
    expect(await store.get('a')).toBeDefined();
  });

  it('tries again when the reopen itself fails (the data is still being cleared), then recovers', async () => {
    const { store, harness, clock } = setup();
    store.putMany([tileRecord('a', 10)]);
    await store.flush();
    const realOpen = harness.origin.open.bind(harness.origin);
    let failures = 1;
    harness.origin.open = ((name: string, version?: number) => {
      if (failures-- > 0) throw new DOMException('The connection was closed.', 'AbortError');
      return realOpen(name, version);
    }) as IDBFactory['open'];
    harness.forceClose();
    await until(() => store.stats().detail?.includes('AbortError') ?? false, 'the failed reopen');
    expect(store.stats().status).toBe('reopening');
    await clock.advance(500);
    await until(() => store.stats().status === 'ok', 'the second reopen');
  });

  it('keeps a batch whose eviction meets a closed connection (another tab upgrading), and writes it after the reopen', async () => {
    const { store, harness, removed } = setup({ budgetBytes: 3 * COST });
    store.putMany(['a', 'b', 'c'].map((k, i) => tileRecord(k, 1000, { lastAccess: EPOCH + i })));
    await store.flush();
    // the connection closes with no event; the next batch must evict first, and its eviction is what fails
    harness.closeQuietly();
    store.putMany([tileRecord('d', 1000, { lastAccess: EPOCH + 10 })]);
    await store.flush();
    await until(() => harness.connections.length === 2 && store.stats().status === 'ok', 'the reopen');
    await store.flush();
    expect(await store.get('d'), 'the batch survived its failed eviction').toBeDefined();
    expect(removed).not.toContain('d');
    expect(store.stats().bytes).toBeLessThanOrEqual(3 * COST);
  });

  it('reopens when transaction() throws InvalidStateError, keeping queued writes', async () => {
    const { store, harness } = setup();
    store.putMany([tileRecord('a', 10)]);
    await store.flush();
    harness.closeQuietly();
    expect(await store.get('a')).toBeUndefined();
    store.putMany([tileRecord('b', 10)]);
    await until(() => store.stats().status === 'ok' && harness.connections.length === 2, 'the reopen');
    await store.flush();
    expect(await store.get('a')).toBeDefined();
    expect(await store.get('b')).toBeDefined();
  });

  it('gives up after a few reopens in a minute, then tries again after the degraded period', async () => {
    const { store, harness, clock } = setup({ maxReopens: 2, degradeMs: 60_000 });
    await store.ready;
    for (let i = 1; i <= 2; i++) {
      harness.forceClose();
      await until(() => store.stats().status === 'ok' && harness.connections.length === i + 1, `reopen ${i}`);
    }
    harness.forceClose();
    // The close waits for the reopen's own start-up transaction to finish, as in a browser.
    await until(() => store.stats().status !== 'ok', 'the third close');
    expect(store.stats().status).toBe('degraded');
    expect(store.stats().detail).toContain('gave up');
    await clock.advance(60_000);
    expect(store.stats().status).toBe('reopening');
    await until(() => store.stats().status === 'ok', 'the retry');
  });
});

describe('IdbTileStore behind TileCache', () => {
  it('serves a tile from memory before its write lands, and from IndexedDB in the next session', async () => {
    const harness = new CacheIdbHarness();
    const clock = new FakeClock();
    const now = () => EPOCH + clock.now();
    const coord = { z: 4, x: 8, y: 5 };
    const url = 'https://t.example/4/8/5.pbf?access_token=secret';

    const first = new TileCache({ store: setup({}, harness, clock).store, now });
    const key = first.keyFor({ url, source: 'osm', coord });
    first.put(key, okAnswer(tileBytes(2000)));
    expect(await first.get(key)).toMatchObject({ tier: 'memory' });
    expect(harness.tileWrites()).toHaveLength(0);
    await first.flush();

    const second = new TileCache({ store: setup({}, harness, clock).store, now });
    await second.ready;
    expect((await second.coverage([0, 42, 20, 54], 4)).map((t) => t.coord)).toEqual([coord]);
    const hit = await second.get(second.keyFor({ url: url.replace('secret', 'rotated'), source: 'osm', coord }));
    expect(hit).toMatchObject({ tier: 'idb', freshness: 'fresh' });
    expect(hit?.bytes).toEqual(tileBytes(2000));
    const raw = await harness.rawDb();
    expect(JSON.stringify(await raw.getAll('tiles'))).not.toContain('secret');
    raw.close();
  });

  it("warms memory with a view's stored tiles before they are asked for, in a few shared reads, up to its cap", async () => {
    const harness = new CacheIdbHarness();
    const clock = new FakeClock();
    const now = () => EPOCH + clock.now();
    const first = new TileCache({ store: setup({}, harness, clock).store, now });
    // a 2 × 2 block at z5 and its 16 children at z6 inside the view; one tile of z5 far away; one z9 tile in view
    const inView = [
      ...[0, 1].flatMap((dx) => [0, 1].map((dy) => ({ z: 5, x: 16 + dx, y: 11 + dy }))),
      ...[0, 1, 2, 3].flatMap((dx) => [0, 1, 2, 3].map((dy) => ({ z: 6, x: 32 + dx, y: 22 + dy }))),
    ];
    const others = [{ z: 5, x: 2, y: 2 }, { z: 9, x: 260, y: 180 }];
    const keyOf = (cache: TileCache, c: { z: number; x: number; y: number }) => cache.keyFor({ url: `https://t.example/${c.z}/${c.x}/${c.y}.pbf`, source: 'osm', coord: c });
    for (const c of [...inView, ...others]) first.put(keyOf(first, c), okAnswer(tileBytes(500)));
    await first.flush();

    const store = setup({}, harness, clock).store;
    const second = new TileCache({ store, now });
    await second.ready;
    const readsBefore = harness.transactions.filter((t) => t.mode === 'readonly' && t.stores.includes('tileBytes')).length;
    const view = [0.1, 32, 22.4, 48.9] as [number, number, number, number];
    expect(await second.warm(view, { minZoom: 5, maxZoom: 6 }, 256)).toBe(inView.length);
    const reads = harness.transactions.filter((t) => t.mode === 'readonly' && t.stores.includes('tileBytes')).length - readsBefore;
    expect(reads).toBeLessThanOrEqual(3);
    for (const c of inView) expect(second.inMemory(keyOf(second, c))).toBe(true);
    for (const c of others) expect(second.inMemory(keyOf(second, c))).toBe(false);
    expect(await second.get(keyOf(second, inView[0]))).toMatchObject({ tier: 'memory' });
    // capped: a second cache warms no more than it is allowed
    const third = new TileCache({ store: setup({}, harness, clock).store, now });
    await third.ready;
    expect(await third.warm(view, { minZoom: 5, maxZoom: 6 }, 5)).toBe(5);
  });
});

describe('IdbTileStore: no unhandled rejections', () => {
  // idb creates a `done` promise for every transaction; one the store never awaits rejects unhandled when the
  // browser aborts the transaction (site data cleared). In the browser that is an uncaught error in the worker.
  it('reads, writes, touches and evictions leave no unhandled rejection when the browser aborts their transaction', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const { store, harness } = setup();
      store.putMany(['a', 'b', 'c'].map((k) => tileRecord(k, 100)));
      await store.flush();
      harness.abortNextTransactions(3);
      expect(await Promise.all([store.get('a'), store.get('b'), store.get('c')])).toEqual([undefined, undefined, undefined]);
      harness.abortNextTransactions(1);
      store.putMany([tileRecord('d', 100)]);
      await store.flush();
      harness.abortNextTransactions(1);
      store.touch(['a']);
      await store.flush();
      harness.abortNextTransactions(1);
      await store.evictTo(0);
      const areas = new IdbAreaStore(() => store.database());
      harness.abortNextTransactions(2);
      await expect(areas.list()).rejects.toThrow();
      await expect(areas.delete('x')).rejects.toThrow();
      await macrotask();
      expect(unhandled.map(String)).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
