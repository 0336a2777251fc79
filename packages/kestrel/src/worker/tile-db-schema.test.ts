import { wrap, type IDBPDatabase } from 'idb';
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
import { SCHEMA_VERSION } from './tile-db-schema.ts';

const source: SourceDescriptor = { id: 'v', kind: 'vector', tiles: ['https://t.test/v/{z}/{x}/{y}.pbf'], minzoom: 0, maxzoom: 14, tileSize: 512 };
const area = { name: 'Paris', bbox: [2.2, 48.8, 2.45, 48.92] as [number, number, number, number], minZoom: 8, maxZoom: 10 };

// The schema of version 1 as it shipped (frozen here: a migration is tested against what is on people's disks).
function openVersion1(harness: CacheIdbHarness): Promise<IDBPDatabase> {
  const request = harness.origin.open('kestrel', 1);
  request.addEventListener('upgradeneeded', () => {
    const db = request.result;
    const tiles = db.createObjectStore('tiles', { keyPath: 'key' });
    tiles.createIndex('lastAccess', 'lastAccess');
    tiles.createIndex('source', 'source');
    db.createObjectStore('tileBytes');
    db.createObjectStore('meta', { keyPath: 'key' });
    db.createObjectStore('savedAreas', { keyPath: 'id' });
  });
  return wrap(request) as Promise<IDBPDatabase>;
}

// A page load as the worker wires it: tile store, two-tier cache, saved areas on the same database.
function boot(harness: CacheIdbHarness) {
  const clock = new FakeClock();
  const store = new IdbTileStore({ factory: harness.factory, clock, now: () => EPOCH + clock.now() });
  const cache = new TileCache({ store, now: () => EPOCH });
  const request = async (req: TileRequest): Promise<TileResponse> => {
    cache.put(cache.keyFor(withTileAddress(req)), okAnswer(tileBytes(700)));
    return { status: 'ok', data: new ArrayBuffer(700), tier: 'network', stale: false };
  };
  const areas = new OfflineAreas({ clock: new FakeClock(), now: () => EPOCH, request, cache, store: new IdbAreaStore(() => store.database()) });
  store.holdEviction(areas.ready);
  areas.setSources([source]);
  return { store, cache, areas };
}

interface Contents {
  tiles: unknown[];
  bytes: [IDBValidKey, unknown][];
  areas: unknown[];
}

async function contents(db: IDBPDatabase): Promise<Contents> {
  const byteKeys = await db.getAllKeys('tileBytes');
  const byteValues = await db.getAll('tileBytes');
  return { tiles: await db.getAll('tiles'), bytes: byteKeys.map((k, i) => [k, byteValues[i]]), areas: await db.getAll('savedAreas') };
}

// What a person upgrading brings along: a saved area (its tiles pinned), browsing tiles, a resource with no address.
async function version1Store(): Promise<{ harness: CacheIdbHarness; before: Contents; areaTiles: string[] }> {
  const maker = new CacheIdbHarness();
  const made = boot(maker);
  await made.areas.ready;
  await made.areas.save(area);
  for (let i = 0; i < 200 && made.areas.list().some((a) => a.status !== 'done'); i++) await new Promise((resolve) => setImmediate(resolve));
  await made.areas.flush();
  await made.store.flush();
  const rawMade = await maker.rawDb();
  const saved = await contents(rawMade);
  rawMade.close();
  made.store.close();

  const harness = new CacheIdbHarness();
  const v1 = await openVersion1(harness);
  const browsing = [tileRecord('osm|5/16/10|https://t.test/o/5/16/10.pbf', 900, { coord: { z: 5, x: 16, y: 10 } }), tileRecord('style|-|https://t.test/style.json', 300)];
  const tx = v1.transaction(['tiles', 'tileBytes', 'savedAreas'], 'readwrite');
  for (const meta of saved.tiles) void tx.objectStore('tiles').put(meta);
  for (const [key, value] of saved.bytes) void tx.objectStore('tileBytes').put(value, key);
  for (const record of saved.areas) void tx.objectStore('savedAreas').put(record);
  for (const { bytes, ...meta } of browsing) {
    void tx.objectStore('tiles').put({ ...meta, lastAccess: EPOCH - 1000 });
    void tx.objectStore('tileBytes').put(bytes, meta.key);
  }
  await tx.done;
  const before = await contents(v1);
  v1.close();
  return { harness, before, areaTiles: saved.tiles.map((t) => (t as { key: string }).key) };
}

describe('tile database schema', () => {
  it('upgrades a version-1 store in place: no tile, saved area or pin lost, totals counted once, tiles found by place', async () => {
    const { harness, before, areaTiles } = await version1Store();
    expect(areaTiles.length).toBeGreaterThan(2);

    const { store, cache, areas } = boot(harness);
    await areas.ready;
    expect(store.stats().status).toBe('ok');
    const raw = await harness.rawDb();
    expect(raw.version).toBe(SCHEMA_VERSION);
    const after = await contents(raw);
    const totals = ((await raw.get('meta', 'totals')) as { value: { count: number; bytes: number } }).value;
    raw.close();
    expect(after, 'every record as it was').toEqual(before);
    const sizes = (before.tiles as { size: number }[]).map((t) => recordCost(t.size));
    expect(totals).toMatchObject({ count: before.tiles.length, bytes: sizes.reduce((a, b) => a + b, 0) });
    expect(store.stats()).toMatchObject({ entries: before.tiles.length });

    expect(areas.list()).toMatchObject([{ name: 'Paris', status: 'done', failed: 0 }]);
    expect(await cache.coverage([-180, -85, 180, 85], 5), 'the new index holds the old records').toMatchObject([{ coord: { z: 5, x: 16, y: 10 } }]);
    // every unpinned tile may go; the saved area's stay
    await store.evictTo(0);
    const held = await store.holding(areaTiles);
    expect(areaTiles.filter((key) => !held.has(key)), 'saved tiles evicted after the upgrade').toEqual([]);
    expect(await store.get('osm|5/16/10|https://t.test/o/5/16/10.pbf')).toBeUndefined();
  });

  it('says so when another tab holds the upgrade back, and attaches once that tab lets go', async () => {
    const harness = new CacheIdbHarness();
    const old = await openVersion1(harness);
    // an old tab: it neither closes on versionchange nor reloads
    const { store } = boot(harness);
    await store.ready;
    expect(store.stats().status).toBe('unavailable');
    expect(store.stats().detail).toMatch(/another tab of this site still has the old one open/);
    old.close();
    for (let i = 0; i < 200 && store.stats().status !== 'ok'; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(store.stats()).toMatchObject({ status: 'ok', entries: 0 });
    store.putMany([tileRecord('a', 10)]);
    await store.flush();
    expect(await store.get('a')).toBeDefined();
  });
});
