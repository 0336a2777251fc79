import { describe, expect, it } from 'vitest';
import type { AreaBBox, SourceDescriptor, TileRequest, TileResponse } from '../contract/engine-api.ts';
import { FakeClock, flushMicrotasks } from '../../test/fake-clock.ts';
import { EngineError } from './engine-error.ts';
import { areaTileUrl, listAreaTiles } from './offline-area.ts';
import type { AreaRecord, AreaStore } from './offline-area-record.ts';
import { type AreaCache, OfflineAreas, type OfflineAreasOptions } from './offline-areas.ts';

const source: SourceDescriptor = { id: 'v', kind: 'vector', tiles: ['https://t.test/v/{z}/{x}/{y}.pbf?key=SECRET'], minzoom: 0, maxzoom: 14, tileSize: 512 };
// 4 tiles at z8, 12 at z9, 36 at z10
const bbox: AreaBBox = [1.5, 48.3, 3.2, 49.4];
const small = { name: 'Paris', bbox, minZoom: 8, maxZoom: 10 };

interface Call {
  req: TileRequest;
  signal: AbortSignal;
  answer(bytes?: number): void;
  fail(reason?: EngineError['reason']): void;
}

// The engine's request path as the areas see it: each call waits for the test.
class FakeRequests {
  readonly calls: Call[] = [];
  readonly request = (req: TileRequest, signal: AbortSignal) =>
    new Promise<TileResponse>((resolve, reject) => {
      signal.addEventListener('abort', () => reject(EngineError.aborted()), { once: true });
      this.calls.push({
        req,
        signal,
        answer: (bytes = 100) => resolve({ status: 'ok', data: new ArrayBuffer(bytes), tier: 'network', stale: false }),
        fail: (reason = 'http-5xx') => reject(EngineError.of(reason, `fake ${reason}`)),
      });
    });

  pending(): Call[] {
    return this.calls.filter((c) => !c.signal.aborted && !settled.has(c));
  }

  async answerAll(bytes = 100): Promise<number> {
    let n = 0;
    for (;;) {
      const open = this.pending();
      if (open.length === 0) return n;
      for (const call of open) {
        settled.add(call);
        call.answer(bytes);
        n++;
      }
      await flushMicrotasks();
    }
  }
}
const settled = new WeakSet<Call>();

class FakeAreaCache implements AreaCache {
  pinned: ReadonlySet<string> = new Set();
  readonly dropped: string[] = [];
  refuse = new Set<string>();
  status: 'ok' | 'unavailable' = 'ok';
  keyFor(req: { url: string }): string {
    // the real cache strips credentials from keys; so does this one
    return req.url.replace(/\?.*$/, '');
  }
  // keys written and kept; `lose` takes keys out after a write (a quota abort in the batched queue)
  readonly storedKeys = new Set<string>();
  lose = new Set<string>();
  flushes = 0;
  async ensureStored(key: string): Promise<boolean> {
    if (this.refuse.has(key)) return false;
    this.storedKeys.add(key);
    return true;
  }
  async stored(keys: readonly string[]): Promise<Set<string>> {
    return new Set(keys.filter((key) => this.storedKeys.has(key)));
  }
  async flush(): Promise<void> {
    this.flushes++;
    for (const key of this.lose) this.storedKeys.delete(key);
  }
  dropMany(keys: string[]): void {
    this.dropped.push(...keys);
  }
  setPinned(keys: ReadonlySet<string>): void {
    this.pinned = keys;
  }
  tileSizesByZoom() {
    return new Map();
  }
  stats() {
    return { idb: { status: this.status, budget: 1e9 } };
  }
}

class MemoryAreaStore implements AreaStore {
  readonly records = new Map<string, AreaRecord>();
  writes = 0;
  async list(): Promise<unknown[]> {
    return [...this.records.values()].map((r) => structuredClone(r));
  }
  async put(record: AreaRecord): Promise<void> {
    this.writes++;
    this.records.set(record.id, structuredClone(record));
  }
  async delete(id: string): Promise<void> {
    this.records.delete(id);
  }
}

// `cache`: pass the previous page load's to keep what its persistent tier held
function setup(options: Partial<OfflineAreasOptions> = {}, store = new MemoryAreaStore(), cache = new FakeAreaCache()) {
  const clock = new FakeClock();
  const requests = new FakeRequests();
  let n = 0;
  const areas = new OfflineAreas({ clock, now: () => 1_000 + n, request: requests.request, cache, store, newId: () => `id${++n}` }, options);
  areas.setSources([source]);
  return { clock, requests, cache, store, areas };
}

const total = listAreaTiles(small, [source]).length;

describe('OfflineAreas: downloading', () => {
  it('asks every tile of the area once, lowest zoom first, at offline-save priority and with bounded parallelism', async () => {
    const { areas, requests } = setup({ parallel: 3 });
    await areas.save(small);
    expect(total).toBeGreaterThan(6);
    expect(requests.pending()).toHaveLength(3);
    await requests.answerAll();
    expect(requests.calls).toHaveLength(total);
    expect(requests.calls.every((c) => c.req.purpose === 'offline-save')).toBe(true);
    const zooms = requests.calls.map((c) => Number(c.req.url.split('/')[4]));
    expect(zooms).toEqual([...zooms].sort((a, b) => a - b));
    expect(areas.list()[0]).toMatchObject({ status: 'done', done: total, failed: 0, total, bytes: total * 100 });
  });

  it('asks with the live template, credentials included', async () => {
    const { areas, requests } = setup();
    await areas.save(small);
    expect(requests.calls[0].req.url).toContain('?key=SECRET');
  });

  it('counts failures, ends as failed, and asks only the failed tiles again on resume', async () => {
    const { areas, requests } = setup({ parallel: 2 });
    const id = await areas.save(small);
    requests.pending()[0].fail('http-5xx');
    settled.add(requests.calls[0]);
    await flushMicrotasks();
    await requests.answerAll();
    expect(areas.list()[0]).toMatchObject({ status: 'failed', done: total - 1, failed: 1 });
    expect(areas.list()[0].detail).toMatch(/fake http-5xx/);
    const before = requests.calls.length;
    await areas.resume(id);
    expect(requests.calls.length - before).toBe(1);
    expect(requests.calls.at(-1)!.req.url).toBe(requests.calls[0].req.url);
    await requests.answerAll();
    expect(areas.list()[0]).toMatchObject({ status: 'done', done: total, failed: 0 });
  });

  it('counts a tile the cache could not keep as failed: it would not be there offline', async () => {
    const { areas, requests, cache } = setup({ parallel: 1 });
    cache.refuse.add(areaTileUrl(listAreaTiles(small, [source])[0]).replace(/\?.*$/, ''));
    await areas.save(small);
    await requests.answerAll();
    const area = areas.list()[0];
    expect(area.failed).toBe(1);
    expect(area.detail).toMatch(/not stored/);
  });

  it('downloads one area at a time, oldest first', async () => {
    const { areas, requests } = setup({ parallel: 2 });
    await areas.save(small);
    await areas.save({ ...small, name: 'Second', minZoom: 11, maxZoom: 11 });
    expect(areas.list().map((a) => a.status)).toEqual(['downloading', 'queued']);
    expect(requests.pending().every((c) => c.req.id.startsWith('offline:id1:'))).toBe(true);
    await requests.answerAll();
    expect(areas.list().map((a) => a.status)).toEqual(['done', 'done']);
  });

  it('refuses to save what the plan refuses, with the plan message', async () => {
    const { areas } = setup();
    await expect(areas.save({ name: 'World', bbox: [-180, -90, 180, 90], minZoom: 0, maxZoom: 14 })).rejects.toThrow(/Too large to save: 357,913,941 tiles/);
    expect(areas.list()).toEqual([]);
  });
});

describe('OfflineAreas: pause, resume, cancel, delete', () => {
  it('pause aborts what is in flight and asks nothing more; resume continues without asking finished tiles again', async () => {
    const { areas, requests } = setup({ parallel: 2 });
    const id = await areas.save(small);
    const [first] = requests.pending();
    settled.add(first);
    first.answer();
    await flushMicrotasks();
    await areas.pause(id);
    expect(requests.pending()).toHaveLength(0);
    expect(areas.list()[0]).toMatchObject({ status: 'paused', done: 1 });
    await areas.resume(id);
    await requests.answerAll();
    const asked = requests.calls.filter((c) => !c.signal.aborted).map((c) => c.req.url);
    expect(new Set(asked).size).toBe(total);
    expect(asked).toHaveLength(total);
    expect(areas.list()[0]).toMatchObject({ status: 'done', done: total });
  });

  it('pins every tile of every saved area, and delete unpins and drops only tiles no other area holds', async () => {
    const { areas, requests, cache } = setup();
    const a = await areas.save(small);
    await areas.save({ ...small, name: 'Overlap', minZoom: 10, maxZoom: 10 });
    await requests.answerAll();
    expect(cache.pinned.size).toBe(total);
    expect([...cache.pinned].every((key) => !key.includes('SECRET'))).toBe(true);
    await areas.delete(a);
    const z10 = listAreaTiles({ ...small, minZoom: 10, maxZoom: 10 }, [source]).length;
    expect(cache.pinned.size).toBe(z10);
    expect(cache.dropped).toHaveLength(total - z10);
    expect(cache.dropped.some((key) => cache.pinned.has(key))).toBe(false);
  });

  it('cancel stops the download and forgets the area, leaving its tiles as ordinary cache entries', async () => {
    const { areas, requests, cache, store } = setup();
    const id = await areas.save(small);
    await areas.cancel(id);
    await areas.flush();
    expect(requests.pending()).toHaveLength(0);
    expect(areas.list()).toEqual([]);
    expect(cache.pinned.size).toBe(0);
    expect(cache.dropped).toEqual([]);
    expect(store.records.size).toBe(0);
  });
});

describe('OfflineAreas: the persisted queue', () => {
  it('writes progress at most once per interval, and at every status change', async () => {
    const { areas, requests, store, clock } = setup({ parallel: 1, persistIntervalMs: 1000 });
    await areas.save(small);
    await areas.flush();
    const afterStart = store.writes;
    for (let i = 0; i < 3; i++) {
      settled.add(requests.pending()[0]);
      requests.calls.at(-1)!.answer();
      await flushMicrotasks();
    }
    expect(store.writes).toBe(afterStart);
    await clock.advance(1000);
    await areas.flush();
    expect(store.writes).toBe(afterStart + 1);
    expect([...store.records.values()][0]).toMatchObject({ done: 3, cursor: 3 });
  });

  it('resumes after a reload where it left off, finished tiles not asked again', async () => {
    const first = setup({ parallel: 2 });
    await first.areas.save(small);
    // three answers in an order that leaves a gap: indices 0 and 2 finish, 1 is cut off by the reload
    const [a, b] = first.requests.pending();
    settled.add(a);
    a.answer(10);
    await flushMicrotasks();
    const c = first.requests.pending().find((call) => call !== b)!;
    settled.add(c);
    c.answer(10);
    await flushMicrotasks();
    await first.areas.flush();
    first.areas.dispose();
    const saved = [...first.store.records.values()][0];
    expect(saved).toMatchObject({ status: 'downloading', done: 2, cursor: 1, finishedAbove: [2], bytes: 20 });
    expect(JSON.stringify(saved)).not.toContain('SECRET');

    const second = setup({ parallel: 2 }, first.store, first.cache);
    await second.areas.ready;
    expect(second.cache.pinned.size).toBe(total);
    await second.requests.answerAll(10);
    const asked = second.requests.calls.map((call) => call.req.id.split(':')[2]);
    expect(asked).toHaveLength(total - 2);
    expect(asked).not.toContain('0');
    expect(asked).not.toContain('2');
    expect(second.areas.list()[0]).toMatchObject({ status: 'done', done: total, bytes: 10 * total });
  });

  it('waits for the live source before resuming a download whose stored template lost its credentials', async () => {
    const first = setup();
    await first.areas.save(small);
    await first.areas.flush();
    first.areas.dispose();
    const clock = new FakeClock();
    const requests = new FakeRequests();
    const areas = new OfflineAreas({ clock, now: () => 0, request: requests.request, cache: new FakeAreaCache(), store: first.store });
    await areas.ready;
    expect(requests.calls).toHaveLength(0);
    expect(areas.list()[0]).toMatchObject({ status: 'queued', detail: 'waiting for the map to load source v' });
    areas.setSources([source]);
    expect(requests.calls.length).toBeGreaterThan(0);
    expect(requests.calls[0].req.url).toContain('key=SECRET');
  });

  it('ignores stored records it cannot read', async () => {
    const store = new MemoryAreaStore();
    store.records.set('junk', { id: 'junk' } as unknown as AreaRecord);
    const { areas } = setup({}, store);
    await areas.ready;
    expect(areas.list()).toEqual([]);
  });
});

describe('OfflineAreas: done means on disk', () => {
  it('flushes the store before saying done; a tile the store then lacks is asked again, and if still lost, failed', async () => {
    const { areas, requests, cache } = setup({ parallel: 3 });
    await areas.save(small);
    // the last tile's write is dropped in the store's batched queue, every time (storage keeps refusing it)
    const calls: string[] = [];
    const originalEnsure = cache.ensureStored.bind(cache);
    cache.ensureStored = (key) => {
      calls.push(key);
      if (calls.length === total) cache.lose.add(key);
      return originalEnsure(key);
    };
    await requests.answerAll();
    await flushMicrotasks();
    await requests.answerAll();
    await flushMicrotasks();
    expect(cache.flushes, 'flushed before each verdict').toBe(2);
    expect(requests.calls, 'the lost tile was asked once more').toHaveLength(total + 1);
    expect(areas.list()[0]).toMatchObject({ status: 'failed', done: total - 1, failed: 1 });
    expect(areas.list()[0].detail).toMatch(/1 tile was not written to storage/);
  });

  it('a tile whose write was lost once is asked again and the area ends done', async () => {
    const { areas, requests, cache } = setup({ parallel: 3 });
    await areas.save(small);
    let lostOnce: string | undefined;
    const originalEnsure = cache.ensureStored.bind(cache);
    let n = 0;
    cache.ensureStored = (key) => {
      if (++n === total) {
        lostOnce = key;
        cache.lose.add(key);
      } else if (key === lostOnce) cache.lose.delete(key);
      return originalEnsure(key);
    };
    await requests.answerAll();
    await flushMicrotasks();
    await requests.answerAll();
    await flushMicrotasks();
    expect(requests.calls).toHaveLength(total + 1);
    expect(areas.list()[0]).toMatchObject({ status: 'done', done: total, failed: 0 });
  });

  it('on load, a done area whose tiles went missing says so and fetches them again', async () => {
    const first = setup();
    await first.areas.save(small);
    await first.requests.answerAll();
    await flushMicrotasks();
    await first.areas.flush();
    expect(first.areas.list()[0].status).toBe('done');
    first.areas.dispose();
    // site data cleared in part: two of the area's tiles are gone
    const gone = [...first.cache.storedKeys].slice(0, 2);
    for (const key of gone) first.cache.storedKeys.delete(key);

    const second = setup({}, first.store, first.cache);
    await second.areas.ready;
    expect(second.areas.list()[0].detail).toMatch(/2 saved tiles were missing from storage/);
    await second.requests.answerAll();
    await flushMicrotasks();
    expect(second.requests.calls.map((c) => second.cache.keyFor(c.req)).sort()).toEqual([...gone].sort());
    expect(second.areas.list()[0]).toMatchObject({ status: 'done', done: total, failed: 0 });
  });
});
