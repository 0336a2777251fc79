import { describe, expect, it } from 'vitest';
import type { SourceDescriptor, TileRequest, TileResponse } from '../contract/engine-api.ts';
import { OfflineAreas } from '../engine/offline-areas.ts';
import { TileCache } from '../engine/tile-cache.ts';
import { recordCost } from '../engine/tile-store.ts';
import { withTileAddress } from '../engine/tile-url.ts';
import { EPOCH, okAnswer, tileBytes, tileRecord } from '../../test/cache-answers.ts';
import { CacheIdbHarness } from '../../test/cache-idb-harness.ts';
import { FakeClock } from '../../test/fake-clock.ts';
import { IdbAreaStore } from './idb-area-store.ts';
import { IdbTileStore } from './idb-tile-store.ts';

const COST = recordCost(1000);
const source: SourceDescriptor = { id: 'v', kind: 'vector', tiles: ['https://t.test/v/{z}/{x}/{y}.pbf'], minzoom: 0, maxzoom: 14, tileSize: 512 };
const area = { name: 'Paris', bbox: [2.2, 48.8, 2.45, 48.92] as [number, number, number, number], minZoom: 8, maxZoom: 10 };

function tileStore(harness: CacheIdbHarness, budgetBytes = 1 << 30) {
  const clock = new FakeClock();
  return new IdbTileStore({ factory: harness.factory, clock, now: () => EPOCH + clock.now(), budgetBytes });
}

// A page load: the worker's wiring (tile store, two-tier cache, areas on the same database) over one fake origin.
function boot(harness: CacheIdbHarness) {
  const store = tileStore(harness);
  const cache = new TileCache({ store, now: () => EPOCH });
  const asked: string[] = [];
  // The engine's network path, reduced to what matters here: the answer is written to the cache under the key
  // MapLibre's request will use, then handed back.
  const request = async (req: TileRequest): Promise<TileResponse> => {
    asked.push(req.url);
    cache.put(cache.keyFor(withTileAddress(req)), okAnswer(tileBytes(700)));
    return { status: 'ok', data: new ArrayBuffer(700), tier: 'network', stale: false };
  };
  const clock = new FakeClock();
  const areas = new OfflineAreas({ clock, now: () => EPOCH, request, cache, store: new IdbAreaStore(() => store.database()) });
  store.holdEviction(areas.ready);
  areas.setSources([source]);
  return { store, cache, areas, asked };
}

async function settle(areas: OfflineAreas): Promise<void> {
  for (let i = 0; i < 200 && areas.list().some((a) => a.status === 'downloading' || a.status === 'queued'); i++) {
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('IdbTileStore: pinned tiles', () => {
  it('skips pinned tiles when evicting, even the least recently used', async () => {
    const store = tileStore(new CacheIdbHarness(), 3 * COST);
    store.putMany(['a', 'b', 'c'].map((k, i) => tileRecord(k, 1000, { lastAccess: EPOCH + i })));
    await store.flush();
    store.setPinned(new Set(['a']));
    store.putMany([tileRecord('d', 1000, { lastAccess: EPOCH + 10 })]);
    await store.flush();
    expect(await store.get('a')).toBeDefined();
    expect(await store.get('b')).toBeUndefined();
  });

  it('keeps pinned tiles over budget rather than evicting them', async () => {
    const store = tileStore(new CacheIdbHarness(), 3 * COST);
    store.putMany(['a', 'b', 'c'].map((k, i) => tileRecord(k, 1000, { lastAccess: EPOCH + i })));
    await store.flush();
    store.setPinned(new Set(['a', 'b', 'c']));
    expect(await store.evictTo(0)).toBe(0);
    expect(store.stats().entries).toBe(3);
  });

  it('moves the pinned tiles it walks past to the recent end, so the next eviction does not step over them again', async () => {
    const harness = new CacheIdbHarness();
    const store = tileStore(harness, 10 * COST);
    store.putMany(['p1', 'p2', 'a', 'b', 'c'].map((k, i) => tileRecord(k, 1000, { lastAccess: EPOCH - 100 + i })));
    await store.flush();
    store.setPinned(new Set(['p1', 'p2']));
    expect(await store.evictTo(4 * COST)).toBe(1);
    const raw = await harness.rawDb();
    const order = (await raw.getAllFromIndex('tiles', 'lastAccess')).map((m) => (m as { key: string }).key);
    raw.close();
    expect(order).toEqual(['b', 'c', 'p1', 'p2']);
  });

  it('holds eviction until the saved areas have said what is pinned', async () => {
    const store = tileStore(new CacheIdbHarness(), 3 * COST);
    store.putMany(['a', 'b', 'c'].map((k, i) => tileRecord(k, 1000, { lastAccess: EPOCH + i })));
    await store.flush();
    let release!: () => void;
    store.holdEviction(new Promise<void>((resolve) => (release = resolve)));
    const evicted = store.evictTo(COST);
    // long enough for an unheld eviction to walk the index and commit
    for (let i = 0; i < 50; i++) await new Promise((resolve) => setImmediate(resolve));
    store.setPinned(new Set(['a', 'b']));
    release();
    expect(await evicted).toBe(1);
    expect([...(await store.holding(['a', 'b', 'c']))].sort()).toEqual(['a', 'b']);
  });

  it('reports stored tiles per zoom for size estimates', async () => {
    const store = tileStore(new CacheIdbHarness());
    store.putMany([
      tileRecord('a', 1000, { coord: { z: 3, x: 1, y: 1 } }),
      tileRecord('b', 3000, { coord: { z: 3, x: 2, y: 1 } }),
      tileRecord('c', 500, { coord: { z: 4, x: 2, y: 1 } }),
    ]);
    await store.flush();
    expect(store.sizesByZoom()).toEqual(
      new Map([
        [3, { count: 2, bytes: 4000 }],
        [4, { count: 1, bytes: 500 }],
      ]),
    );
  });
});

describe('IdbAreaStore', () => {
  it('keeps area records in the savedAreas store of the tile database', async () => {
    const harness = new CacheIdbHarness();
    const store = tileStore(harness);
    const areas = new IdbAreaStore(() => store.database());
    const record = { v: 1, id: 'x', name: 'n' } as never;
    await areas.put(record);
    expect(await areas.list()).toEqual([record]);
    const raw = await harness.rawDb();
    expect(await raw.getAll('savedAreas')).toEqual([record]);
    raw.close();
    await areas.delete('x');
    expect(await areas.list()).toEqual([]);
  });

  it('lists nothing and writes nothing without a database', async () => {
    const store = new IdbTileStore({ factory: null });
    const areas = new IdbAreaStore(() => store.database());
    await areas.put({ id: 'x' } as never);
    expect(await areas.list()).toEqual([]);
  });
});

describe('saved areas over IndexedDB', () => {
  it('saves every tile into the persistent tier, and after a reload the area is listed as done and its tiles pinned', async () => {
    const harness = new CacheIdbHarness();
    const first = boot(harness);
    await first.areas.ready;
    await first.areas.save(area);
    await settle(first.areas);
    const [saved] = first.areas.list();
    expect(saved).toMatchObject({ status: 'done', failed: 0 });
    expect(saved.done).toBe(saved.total);
    await first.areas.flush();
    await first.store.flush();
    first.store.close();

    const second = boot(harness);
    await second.areas.ready;
    expect(second.areas.list()).toEqual([saved]);
    expect(second.asked).toEqual([]);
    expect(second.store.stats().entries).toBe(saved.total);
    // a budget of nothing evicts everything that is not pinned, and nothing that is
    expect(await second.store.evictTo(0)).toBe(0);
    expect(second.store.stats().entries).toBe(saved.total);
  });

  it('deleting an area drops its tiles from IndexedDB and forgets it', async () => {
    const harness = new CacheIdbHarness();
    const { areas, store } = boot(harness);
    await areas.ready;
    const id = await areas.save(area);
    await settle(areas);
    await store.flush();
    await areas.delete(id);
    await areas.flush();
    await store.flush();
    expect(store.stats().entries).toBe(0);
    const raw = await harness.rawDb();
    expect(await raw.count('tiles')).toBe(0);
    expect(await raw.count('savedAreas')).toBe(0);
    raw.close();
  });

  it('an open that times out and attaches later still pins the saved areas before anything is evicted', async () => {
    const harness = new CacheIdbHarness();
    const first = boot(harness);
    await first.areas.ready;
    await first.areas.save(area);
    await settle(first.areas);
    await first.areas.flush();
    await first.store.flush();
    first.store.close();
    const raw = await harness.rawDb();
    const savedKeys = (await raw.getAllKeys('tiles')).map(String);
    raw.close();
    expect(savedKeys.length).toBeGreaterThan(1);

    // The next page load: the open is slow (another tab holds the database), so it times out first.
    const clock = new FakeClock();
    const store = new IdbTileStore({ factory: harness.factory, clock, now: () => EPOCH + clock.now(), budgetBytes: COST, openTimeoutMs: 1 });
    const cache = new TileCache({ store, now: () => EPOCH });
    const request = async (): Promise<TileResponse> => ({ status: 'ok', data: new ArrayBuffer(1), tier: 'network', stale: false });
    const areas = new OfflineAreas({ clock: new FakeClock(), now: () => EPOCH, request, cache, store: new IdbAreaStore(() => store.database()) });
    store.holdEviction(areas.ready);
    store.onAttached(() => store.holdEviction(areas.reload()));
    await clock.advance(1);
    await areas.ready;
    expect(areas.list(), 'nothing listed while the database was not there').toEqual([]);
    // the open completes after all; a write over budget then asks for an eviction
    for (let i = 0; i < 50 && store.stats().status !== 'ok'; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(store.stats().status).toBe('ok');
    store.putMany([tileRecord('newcomer', 1000, { lastAccess: EPOCH + 1e6 })]);
    await store.flush();
    expect(areas.list().map((a) => a.name)).toEqual([area.name]);
    const held = await store.holding(savedKeys);
    expect(savedKeys.every((key) => held.has(key)), 'every saved tile survived the eviction').toBe(true);
  });

  it("one tab's eviction spares the tiles another tab's saved area pins (two tabs, one database)", async () => {
    const harness = new CacheIdbHarness();
    // tab A opens first and knows no area
    const clockA = new FakeClock();
    const storeA = new IdbTileStore({ factory: harness.factory, clock: clockA, now: () => EPOCH + clockA.now(), budgetBytes: 2 * COST });
    const cacheA = new TileCache({ store: storeA, now: () => EPOCH });
    const areasA = new OfflineAreas({ clock: new FakeClock(), now: () => EPOCH, request: async () => ({ status: 'ok', data: null, tier: 'network', stale: false }), cache: cacheA, store: new IdbAreaStore(() => storeA.database()) });
    storeA.holdEviction(areasA.ready);
    storeA.setSharedPins(() => areasA.storedPins());
    await areasA.ready;
    // tab B saves an area
    const b = boot(harness);
    await b.areas.ready;
    await b.areas.save(area);
    await settle(b.areas);
    await b.areas.flush();
    await b.store.flush();
    const raw = await harness.rawDb();
    const saved = (await raw.getAllKeys('tiles')).map(String);
    raw.close();
    expect(saved.length).toBeGreaterThan(2);
    // tab A writes over its budget and evicts
    for (let i = 0; i < 4; i++) storeA.putMany([tileRecord(`a${i}`, 1000, { lastAccess: EPOCH + 1e6 + i })]);
    await storeA.flush();
    await storeA.evictTo(0);
    const after = await harness.rawDb();
    const left = new Set((await after.getAllKeys('tiles')).map(String));
    after.close();
    expect(saved.filter((key) => !left.has(key)), "tab B's saved tiles deleted by tab A").toEqual([]);
  });
});
