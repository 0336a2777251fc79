import { describe, expect, it } from 'vitest';
import { EPOCH, okAnswer, tileBytes, tileRecord } from '../../test/cache-answers.ts';
import { CacheFakeStore } from '../../test/cache-fake-store.ts';
import { flushMicrotasks } from '../../test/fake-clock.ts';
import { TileCache } from './tile-cache.ts';

const coord = { z: 4, x: 8, y: 5 };

function setup(options: { store?: CacheFakeStore | null; memoryBytes?: number } = {}) {
  const clock = { t: EPOCH };
  const store = options.store === null ? undefined : (options.store ?? new CacheFakeStore());
  const cache = new TileCache({ store, now: () => clock.t, memoryBytes: options.memoryBytes });
  const key = (c = coord) => cache.keyFor({ url: `https://t.example/${c.z}/${c.x}/${c.y}.pbf?access_token=secret`, source: 'osm', coord: c });
  return { cache, store, clock, key };
}

// A record in the store under the key the cache would use, as if written in an earlier session.
function storedRecord(key: string, size = 100) {
  return { ...tileRecord(key, size, { coord }), key, source: 'osm', coord };
}

describe('TileCache', () => {
  it('stops using the store when the page reports IndexedDB unusable, and says why', async () => {
    const { cache, store, key } = setup();
    cache.storeUnavailable('SecurityError: denied');
    cache.put(key(), okAnswer(new Uint8Array([0x1a, 0])));
    expect(store!.records.size).toBe(0);
    expect(cache.stats().idb).toMatchObject({ status: 'unavailable', detail: 'SecurityError: denied' });
    expect(await cache.get(key())).toMatchObject({ tier: 'memory' });
  });

  it('makes keys without credentials', () => {
    const { key } = setup();
    expect(key()).not.toContain('secret');
  });

  it('serves a fresh put from memory at once', async () => {
    const { cache, key } = setup();
    const bytes = tileBytes(300);
    cache.put(key(), okAnswer(bytes));
    const hit = await cache.get(key());
    expect(hit).toMatchObject({ tier: 'memory', freshness: 'fresh', revalidationHeaders: {}, cacheControl: 'max-age=60', prefetched: false });
    expect(hit?.bytes).toEqual(bytes);
  });

  it('keeps its own copy, so the pipeline may transfer the answer buffer', async () => {
    const { cache, key } = setup();
    const bytes = tileBytes(300);
    cache.put(key(), okAnswer(bytes));
    structuredClone(bytes.buffer, { transfer: [bytes.buffer] });
    expect((await cache.get(key()))?.bytes?.byteLength).toBe(300);
  });

  it('queues the durable write without waiting for it', () => {
    const { cache, store, key } = setup();
    cache.put(key(), okAnswer(tileBytes(10)));
    expect(store?.records.get(key())).toMatchObject({ key: key(), source: 'osm', coord, size: 10, prefetched: false });
  });

  it('caches a 404 as "no tile"', async () => {
    const { cache, key } = setup();
    cache.put(key(), { url: 'u', status: 404, headers: { 'cache-control': 'max-age=60' }, bytes: tileBytes(20) });
    expect(await cache.get(key())).toMatchObject({ bytes: null, freshness: 'fresh' });
  });

  it('does not store a no-store answer and drops the copy it replaces', async () => {
    const { cache, store, key } = setup();
    cache.put(key(), okAnswer(tileBytes(10)));
    cache.put(key(), okAnswer(tileBytes(10), { 'cache-control': 'no-store' }));
    expect(await cache.get(key())).toBeUndefined();
    expect(store?.records.has(key())).toBe(false);
  });

  it('ignores an error answer and keeps the cached copy', async () => {
    const { cache, key } = setup();
    cache.put(key(), okAnswer(tileBytes(10)));
    cache.put(key(), { url: 'u', status: 503, headers: {}, bytes: null });
    expect(await cache.get(key())).toBeDefined();
  });

  it('reads the store on a memory miss and promotes the hit into memory', async () => {
    const { cache, store, key } = setup();
    store?.records.set(key(), storedRecord(key()));
    expect(await cache.get(key())).toMatchObject({ tier: 'idb', freshness: 'fresh' });
    expect(await cache.get(key())).toMatchObject({ tier: 'memory' });
  });

  it('reports stale entries with the headers for a conditional request', async () => {
    const { cache, clock, key } = setup();
    cache.put(key(), okAnswer(tileBytes(10), { 'cache-control': 'max-age=60', etag: '"v1"' }));
    clock.t += 61_000;
    expect(await cache.get(key())).toMatchObject({ freshness: 'stale', revalidationHeaders: { 'if-none-match': '"v1"' } });
  });

  it('refreshes both tiers after a 304', async () => {
    const { cache, store, clock, key } = setup();
    cache.put(key(), okAnswer(tileBytes(10), { 'cache-control': 'max-age=60', etag: '"v1"' }));
    clock.t += 61_000;
    cache.refreshed(key(), { 'cache-control': 'max-age=600', etag: '"v1"' });
    expect(await cache.get(key())).toMatchObject({ freshness: 'fresh', cacheControl: 'max-age=600' });
    expect(store?.records.get(key())?.policy.rescc).toEqual({ 'max-age': '600' });
  });

  it('refreshes the stored record after a 304 for a tile no longer in memory', async () => {
    const { cache, store, clock, key } = setup();
    store?.records.set(key(), storedRecord(key()));
    clock.t += 120_000;
    cache.refreshed(key(), { 'cache-control': 'max-age=600', etag: '"v1"' });
    await flushMicrotasks();
    expect(store?.records.get(key())?.policy.rescc).toEqual({ 'max-age': '600' });
    expect(await cache.get(key())).toMatchObject({ tier: 'idb', freshness: 'fresh' });
  });

  it('drops an entry from every tier', async () => {
    const { cache, store, key } = setup();
    cache.put(key(), okAnswer(tileBytes(10)));
    cache.drop(key());
    expect(await cache.get(key())).toBeUndefined();
    expect(store?.deleted).toEqual([key()]);
  });

  it('drops a stored record whose policy does not rebuild, and reports a miss', async () => {
    const { cache, store, key } = setup();
    store?.records.set(key(), { ...storedRecord(key()), policy: { v: 1 } as never });
    expect(await cache.get(key())).toBeUndefined();
    expect(store?.records.has(key())).toBe(false);
    expect(cache.stats().idb.corruptDropped).toBe(1);
  });

  it('lets a put that lands during a store read win over the older record', async () => {
    const { cache, store, key } = setup();
    store?.records.set(key(), storedRecord(key(), 100));
    store!.holdReads = true;
    const read = cache.get(key());
    cache.put(key(), okAnswer(tileBytes(7)));
    store?.releaseReads();
    expect((await read)?.bytes?.byteLength).toBe(7);
  });

  it('reports a miss when the entry was dropped during the store read', async () => {
    const { cache, store, key } = setup();
    store?.records.set(key(), storedRecord(key()));
    store!.holdReads = true;
    const read = cache.get(key());
    const recordBeforeDrop = store?.records.get(key());
    cache.drop(key());
    store?.records.set(key(), recordBeforeDrop!); // the read had already fetched it
    store?.releaseReads();
    expect(await read).toBeUndefined();
  });

  it('shares one store read between concurrent gets of a key', async () => {
    const { cache, store, key } = setup();
    store?.records.set(key(), storedRecord(key()));
    const [a, b] = await Promise.all([cache.get(key()), cache.get(key())]);
    expect(store?.reads).toBe(1);
    expect(a?.bytes).toEqual(b?.bytes);
  });

  it('turns a failing store read into a miss', async () => {
    const { cache, store, key } = setup();
    store!.failReads = true;
    await expect(cache.get(key())).resolves.toBeUndefined();
  });

  it('reports a prefetched tile once, to the first visible read', async () => {
    const { cache, key } = setup();
    cache.put(key(), okAnswer(tileBytes(10), undefined, 'prefetch'));
    expect((await cache.get(key(), { purpose: 'prefetch' }))?.prefetched).toBe(true);
    expect((await cache.get(key()))?.prefetched).toBe(true);
    expect((await cache.get(key()))?.prefetched).toBe(false);
  });

  it('touches the store on hits so its LRU order follows use', async () => {
    const { cache, store, key } = setup();
    cache.put(key(), okAnswer(tileBytes(10)));
    await cache.get(key());
    expect(store?.touched).toEqual([key()]);
  });

  it('works without a persistent store', async () => {
    const { cache, key } = setup({ store: null });
    cache.put(key(), okAnswer(tileBytes(10)));
    expect(await cache.get(key())).toMatchObject({ tier: 'memory' });
    expect(await cache.get(key({ z: 1, x: 0, y: 0 }))).toBeUndefined();
    expect(cache.stats().idb).toMatchObject({ status: 'disabled', bytes: 0, entries: 0 });
  });

  it('reports memory sizes and the store part of the stats', () => {
    const { cache, key } = setup({ memoryBytes: 1 << 20 });
    cache.put(key(), okAnswer(tileBytes(1000)));
    const stats = cache.stats();
    expect(stats.memory).toMatchObject({ entries: 1, budget: 1 << 20, evictions: 0 });
    expect(stats.memory.bytes).toBeGreaterThan(1000);
    expect(stats.idb).toMatchObject({ status: 'ok', entries: 1 });
  });

  it('invalidates a region in both tiers and leaves the rest', async () => {
    const { cache, store, key } = setup();
    const inside = { z: 4, x: 8, y: 5 }; // lng 0..22.5, lat 41.0..55.8
    const outside = { z: 4, x: 2, y: 5 };
    cache.put(key(inside), okAnswer(tileBytes(10)));
    cache.put(key(outside), okAnswer(tileBytes(10)));
    expect(await cache.invalidate([5, 45, 10, 50], { minZoom: 0, maxZoom: 22 })).toBe(1);
    expect(await cache.get(key(inside))).toBeUndefined();
    expect(store?.records.has(key(inside))).toBe(false);
    expect(await cache.get(key(outside))).toBeDefined();
  });

  it('lists which tiles are cached in a box at one zoom', async () => {
    const { cache, key } = setup();
    cache.put(key({ z: 4, x: 8, y: 5 }), okAnswer(tileBytes(10)));
    cache.put(key({ z: 5, x: 16, y: 11 }), okAnswer(tileBytes(10)));
    expect((await cache.coverage([0, 42, 20, 54], 4)).map((t) => t.coord)).toEqual([{ z: 4, x: 8, y: 5 }]);
  });

  it('knows at start-up which tiles the store holds', async () => {
    const store = new CacheFakeStore();
    const { key } = setup();
    store.records.set(key(), storedRecord(key()));
    const { cache } = setup({ store });
    await cache.ready;
    expect(await cache.coverage([0, 42, 20, 54], 4)).toHaveLength(1);
  });

  it('stops reporting a tile once neither tier holds it', async () => {
    const { cache, store, key } = setup({ memoryBytes: 16 * 1024 });
    cache.put(key(), okAnswer(tileBytes(100)));
    store?.lose([key()]);
    expect(await cache.coverage([0, 42, 20, 54], 4)).toHaveLength(1); // memory still has it
    for (let x = 0; x < 20; x++) cache.put(key({ z: 6, x, y: 0 }), okAnswer(tileBytes(100)));
    expect(await cache.coverage([0, 42, 20, 54], 4)).toHaveLength(0);
  });

  it('#inMemory answers for the memory tier only, and #onEvict hears the keys the LRU pushed out', async () => {
    const { cache, store, key } = setup({ memoryBytes: 16 * 1024 });
    const evicted: string[] = [];
    cache.onEvict((k) => evicted.push(k));
    cache.put(key(), okAnswer(tileBytes(100), undefined, 'prefetch'));
    expect(cache.inMemory(key())).toBe(true);
    for (let x = 0; x < 20; x++) cache.put(key({ z: 6, x, y: 0 }), okAnswer(tileBytes(100)));
    expect(evicted[0]).toBe(key());
    expect(cache.inMemory(key())).toBe(false);
    expect(store?.records.has(key())).toBe(true);
  });

  it('applies new memory budgets and credential names at runtime', async () => {
    const { cache, key } = setup({ memoryBytes: 1 << 20 });
    cache.put(key(), okAnswer(tileBytes(100)));
    cache.configure({ memoryBytes: 1 << 19, credentialParams: ['sig'], secretParams: [] });
    expect(cache.stats().memory).toMatchObject({ budget: 1 << 19, entries: 1 });
    expect(cache.keyFor({ url: 'https://t.example/a?sig=1&token=2' })).toContain('a?token=2');
  });

  it('clears both tiers', async () => {
    const { cache, store, key } = setup();
    cache.put(key(), okAnswer(tileBytes(10)));
    await cache.clear();
    expect(await cache.get(key())).toBeUndefined();
    expect(store?.records.size).toBe(0);
    expect(await cache.coverage([-180, -85, 180, 85], 4)).toEqual([]);
  });
});

describe('TileCache with resources (style, TileJSON, sprites, glyphs)', () => {
  it('stores a resource without an address in both tiers, and keeps it out of coverage and per-zoom sizes', async () => {
    const { cache, store, key } = setup();
    const styleKey = cache.keyFor({ url: 'https://t.example/style.json', source: 't.example/style.json' });
    cache.put(styleKey, okAnswer(new TextEncoder().encode('{"version":8}')));
    cache.put(key(), okAnswer(tileBytes(50)));
    expect(await cache.get(styleKey)).toMatchObject({ tier: 'memory', freshness: 'fresh' });
    expect(store?.records.get(styleKey)).toMatchObject({ key: styleKey, coord: undefined });
    expect((await cache.coverage([-180, -85, 180, 85], coord.z)).map((extent) => extent.key)).toEqual([key()]);
    expect([...cache.tileSizesByZoom().keys()]).toEqual([coord.z]);
    expect(await cache.invalidate([-180, -85, 180, 85], { minZoom: 0, maxZoom: 30 })).toBe(1);
    expect(await cache.get(styleKey), 'invalidating a region leaves resources alone').toBeDefined();
  });

  // A style or TileJSON fetched with a token repeats it in its tile URLs (the defect: tokens in stored bytes).
  const TOKEN = 'pk.SECRET-T0KEN';
  const styleUrl = (token: string) => `https://t.example/style.json?access_token=${token}&key=k-${token}`;
  const styleBody = (token: string) =>
    new TextEncoder().encode(JSON.stringify({ sources: { v: { tiles: [`https://t.example/{z}/{x}/{y}.pbf?access_token=${token}&key=k-${token}`] } } }));
  const text = (bytes: ArrayBuffer | Uint8Array | null | undefined) => new TextDecoder().decode(bytes ?? new Uint8Array(0));

  it('stores a resource without the tokens its URL carried, and serves it whole from memory', async () => {
    const { cache, store } = setup();
    const key = cache.keyFor({ url: styleUrl(TOKEN) });
    cache.put(key, { ...okAnswer(styleBody(TOKEN)), url: styleUrl(TOKEN) });
    await flushMicrotasks();
    const stored = store?.records.get(key);
    expect(stored?.secretNames?.sort()).toEqual(['access_token', 'key']);
    expect(text(stored?.bytes)).not.toContain('SECRET');
    expect(key).not.toContain('SECRET');
    expect(text((await cache.get(key, { url: styleUrl(TOKEN) }))?.bytes)).toBe(text(styleBody(TOKEN)));
  });

  it('completes a stored resource with the asking URL\'s token (rotated too), and misses without one', async () => {
    const store = new CacheFakeStore();
    const first = setup({ store });
    const key = first.cache.keyFor({ url: styleUrl(TOKEN) });
    first.cache.put(key, { ...okAnswer(styleBody(TOKEN)), url: styleUrl(TOKEN) });
    await flushMicrotasks();
    // the next session: memory is empty, the record comes from the store
    const next = setup({ store });
    expect(text((await next.cache.get(key, { url: styleUrl(TOKEN) }))?.bytes)).toBe(text(styleBody(TOKEN)));
    const rotated = setup({ store });
    const rotatedUrl = `https://t.example/style.json?access_token=pk.NEW&key=k-${TOKEN}`;
    expect(rotated.cache.keyFor({ url: rotatedUrl })).toBe(key);
    expect(text((await rotated.cache.get(key, { url: rotatedUrl }))?.bytes)).toContain('access_token=pk.NEW&');
    const without = setup({ store });
    expect(await without.cache.get(key, {}), 'no URL to take the token from: a miss, not a body with a hole').toBeUndefined();
  });

  it('leaves tiles as they are, even when their URL carries a token', async () => {
    const { cache, store, key } = setup();
    const bytes = new TextEncoder().encode('secret');
    cache.put(key(), { ...okAnswer(bytes), url: 'https://t.example/4/8/5.pbf?access_token=secret' });
    await flushMicrotasks();
    expect(store?.records.get(key())?.secretNames).toBeUndefined();
    expect(text(store?.records.get(key())?.bytes)).toBe('secret');
  });
});
