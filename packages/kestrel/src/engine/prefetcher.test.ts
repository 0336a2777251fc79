import { describe, expect, it } from 'vitest';
import type { CameraSnapshot, DeepPartial, EngineOptions, SourceDescriptor, TileCoord } from '../contract/engine-api.ts';
import { EPOCH } from '../../test/cache-answers.ts';
import { ControllableFetcher } from '../../test/controllable-fetcher.ts';
import { FakeClock, flushMicrotasks } from '../../test/fake-clock.ts';
import { seededRandom } from '../../test/seeded-random.ts';
import { mvtTile, pngTile } from '../../test/tile-fixtures.ts';
import { TileCache } from './tile-cache.ts';
import { TileEngine } from './tile-engine.ts';
import { lngLatToWorld, tileKey, tilesForViewport, tileToLngLat, worldToLngLat, WORLD_TILE_SIZE } from './tile-math.ts';
import { parseTileCoord } from './tile-url.ts';

const VECTOR: SourceDescriptor = {
  id: 'base',
  kind: 'vector',
  tiles: ['https://t.test/tiles/{z}/{x}/{y}.pbf'],
  minzoom: 0,
  maxzoom: 14,
  tileSize: 512,
};
const RASTER: SourceDescriptor = { ...VECTOR, id: 'photo', kind: 'raster', tiles: ['https://r.test/{z}/{x}/{y}.png'], tileSize: 512 };
// Centre of tile 10/550/335: a 1024×768 view covers columns 549–551, rows 334–336.
const START = tileToLngLat(550.5, 335.5, 10);
// The page's clock (snapshot times) runs on its own origin, as a worker's performance.now() does.
const PAGE_CLOCK_OFFSET = 123_456;
const CACHE_HEADERS = { 'cache-control': 'max-age=3600' };

function setup(options: DeepPartial<EngineOptions> = {}, { sources = [VECTOR], memoryBytes }: { sources?: SourceDescriptor[]; memoryBytes?: number } = {}) {
  const clock = new FakeClock();
  const fetcher = new ControllableFetcher();
  const cache = new TileCache({ now: () => EPOCH + clock.now(), memoryBytes });
  const engine = new TileEngine({ fetcher: fetcher.fetch, clock, random: seededRandom(1), cache }, options);
  engine.setSources(sources);
  let view = { center: START as [number, number], zoom: 10, bearing: 0, pitch: 0, width: 1024, height: 768 };
  const snapshot = (): CameraSnapshot => ({ ...view, bounds: [0, 0, 0, 0], time: clock.now() + PAGE_CLOCK_OFFSET });
  const h = {
    clock,
    fetcher,
    cache,
    engine,
    view: () => view,
    // The camera as MapLibre's `move` feed would send it, every 100 ms for `ms`, at `pxPerS` along x.
    async pan(pxPerS: number, ms: number, { serve = false, zoomPerS = 0 } = {}) {
      for (let t = 0; t < ms; t += 100) {
        const world = lngLatToWorld(view.center[0], view.center[1]);
        world.x += (pxPerS * 0.1) / (WORLD_TILE_SIZE * 2 ** view.zoom);
        view = { ...view, center: worldToLngLat(world), zoom: view.zoom + zoomPerS * 0.1 };
        engine.setCamera(snapshot());
        await clock.advance(100);
        if (serve) await h.serve();
      }
    },
    async rest(ms = 0) {
      engine.setCamera(snapshot());
      await clock.advance(ms);
    },
    // Answers every fetch still waiting, with a vector or raster tile of `bytes` as its URL asks.
    async serve(bytes?: number) {
      for (const call of fetcher.pending()) {
        const body = call.url.endsWith('.png') ? pngTile(bytes ?? 64) : mvtTile();
        call.respond(200, body, CACHE_HEADERS);
      }
      await clock.advance(0);
    },
    // A visible request as MapLibre makes it through the protocol: only the URL.
    async visible(url: string) {
      const response = await engine.request({ id: `v:${url}`, url, kind: 'vector', purpose: 'visible' });
      return response;
    },
  };
  return h;
}

const coordOf = (url: string) => parseTileCoord(url)!;
const coords = (urls: string[]) => urls.map(coordOf);
const visibleKeys = (view: Parameters<typeof tilesForViewport>[0]) => new Set(tilesForViewport(view).map(tileKey));

describe('Prefetcher (through TileEngine)', () => {
  it('a straight pan east prefetches tiles ahead of the view and none behind', async () => {
    const h = setup();
    await h.pan(1000, 600, { serve: true });
    const fetched = coords(h.fetcher.calls.map((c) => c.url));
    expect(fetched.length).toBeGreaterThan(0);
    const columns = tilesForViewport(h.view()).map((t) => t.x);
    const westmost = Math.min(...columns);
    // everything fetched lies at or east of the current view's right part, none west of it
    for (const t of fetched) expect(t.x, tileKey(t)).toBeGreaterThan(westmost);
    expect(fetched.some((t) => t.x > Math.max(...columns))).toBe(true);
    expect(fetched.every((t) => t.z === 10)).toBe(true);
    expect(h.engine.stats().prefetch).toMatchObject({ enabled: true, issued: expect.any(Number), completed: fetched.length });
    expect(h.cache.stats().memory.entries).toBe(fetched.length);
  });

  it('on a reversal drops the queued prefetch for the old direction and lets the fetches on the wire finish into the cache', async () => {
    const h = setup({ prefetch: { maxWasteShare: 1 } });
    await h.pan(1000, 600);
    const east = h.fetcher.pending();
    // four on the wire (the prefetch share of 8 slots), more queued behind them
    expect(east.length).toBe(4);
    const queuedEast = h.engine.stats().queue.byPurpose.prefetch;
    expect(queuedEast).toBeGreaterThan(0);
    const eastColumns = new Set(east.map((c) => coordOf(c.url).x));
    await h.pan(-1000, 900);
    // not aborted: an abort would close the connection while the server works on regardless
    expect(east.some((c) => c.aborted)).toBe(false);
    // nothing else started meanwhile: the old direction's queue was dropped and the slots are still taken
    expect(h.fetcher.pending()).toEqual(east);
    const s = h.engine.stats().prefetch;
    expect(s.cancelled).toBeGreaterThanOrEqual(east.length + queuedEast);
    expect(s).toMatchObject({ completed: 0, wasted: 0, bytes: 0, wastedBytes: 0 });

    await h.serve();
    expect(h.cache.stats().memory.entries).toBe(east.length);
    // such a tile, asked for after all, counts as a prefetch used
    expect((await h.visible(east[0].url)).tier).toBe('memory');
    expect(h.engine.stats().prefetch.used).toBe(1);
    await h.pan(-1000, 200);
    const after = h.fetcher.pending().map((c) => coordOf(c.url));
    expect(after.length).toBeGreaterThan(0);
    for (const t of after) expect(eastColumns.has(t.x), tileKey(t)).toBe(false);
  });

  it('keeps prefetch within its share of the slots, and starts none while visible tiles wait', async () => {
    const h = setup({ maxInFlight: 8, maxInFlightPerHost: 8, prefetch: { maxShare: 0.5 } });
    const visibleUrls = new Set<string>();
    const prefetchInFlight = () => h.fetcher.pending().filter((c) => !visibleUrls.has(c.url)).length;
    for (let i = 0; i < 4; i++) {
      await h.pan(1200, 200);
      expect(prefetchInFlight()).toBe(4);
    }
    // far-away visible tiles: they fill the remaining 4 slots and 6 wait in the queue
    for (let x = 0; x < 10; x++) {
      const url = `https://t.test/tiles/10/${x}/0.pbf`;
      visibleUrls.add(url);
      void h.visible(url).catch(() => undefined);
    }
    await h.clock.advance(0);
    expect(h.engine.stats().queue.byPurpose.visible).toBe(6);
    const prefetchCalls = () => h.fetcher.calls.filter((c) => !visibleUrls.has(c.url)).length;
    const before = prefetchCalls();
    // finishing prefetches frees bulk slots, but visible work is waiting: it gets them
    while (h.engine.stats().queue.byPurpose.visible > 0) {
      const call = h.fetcher.pending().find((c) => !visibleUrls.has(c.url));
      call?.respond(200, mvtTile(), CACHE_HEADERS);
      await h.pan(1200, 100);
      if (!call) break;
      expect(prefetchCalls()).toBe(before);
    }
    expect(h.fetcher.maxInFlight).toBeLessThanOrEqual(8);
  });

  it('stops issuing when the byte budget for the minute is spent, and resumes a minute later', async () => {
    const h = setup({ prefetch: { bytesPerMinute: 100_000 } }, { sources: [RASTER] });
    for (let i = 0; i < 10; i++) {
      await h.pan(1000, 100);
      await h.serve(30_000);
    }
    // the first reservations (32 KiB each) fit three tiles; after 90 kB spent, a fourth would pass 100 kB
    expect(h.fetcher.calls).toHaveLength(3);
    expect(h.engine.stats().prefetch).toMatchObject({ completed: 3, bytes: 90_000 });
    await h.clock.advance(60_000);
    await h.pan(1000, 200);
    expect(h.fetcher.calls.length).toBeGreaterThan(3);
  });

  it('counts a visible request answered by a prefetched tile as used, and moves the hit ratio during motion', async () => {
    const h = setup();
    await h.pan(1000, 500, { serve: true });
    const prefetched = h.fetcher.calls[0].url;
    await h.pan(1000, 100);
    const hit = await h.visible(prefetched);
    expect(hit.tier).toBe('memory');
    let s = h.engine.stats().prefetch;
    expect(s.used).toBe(1);
    expect(s.hitRatio).toBe(1);
    // a tile nobody prefetched: a miss during motion halves the ratio
    const miss = h.visible('https://t.test/tiles/10/0/0.pbf');
    await h.clock.advance(0);
    h.fetcher.pending().find((c) => c.url.endsWith('/10/0/0.pbf'))!.respond(200, mvtTile(), CACHE_HEADERS);
    await miss;
    s = h.engine.stats().prefetch;
    expect(s.used).toBe(1);
    expect(s.hitRatio).toBe(0.5);
    // the same tile again is an ordinary memory hit, not a second use
    await h.visible(prefetched);
    expect(h.engine.stats().prefetch.used).toBe(1);
  });

  it('counts a visible request that joins a prefetch in flight as used, with one fetch for both', async () => {
    const h = setup();
    await h.pan(1000, 500);
    const call = h.fetcher.pending()[0];
    const joined = h.visible(call.url);
    await h.clock.advance(0);
    call.respond(200, mvtTile(), CACHE_HEADERS);
    expect((await joined).tier).toBe('network');
    expect(h.fetcher.calls.filter((c) => c.url === call.url)).toHaveLength(1);
    expect(h.engine.stats().prefetch).toMatchObject({ used: 1, wasted: 0 });
  });

  it('counts a prefetched tile pushed out of memory before anyone asked as wasted', async () => {
    // room for nine 10 kB tiles: later prefetches evict the first (no waste budget, which would hold them back)
    const h = setup({ prefetch: { maxWasteShare: 1 } }, { sources: [RASTER], memoryBytes: 100_000 });
    for (let i = 0; i < 12; i++) {
      await h.pan(1000, 100);
      await h.serve(10_000);
    }
    const s = h.engine.stats().prefetch;
    expect(s.completed).toBeGreaterThan(10);
    expect(s.wasted).toBeGreaterThan(0);
    expect(s.wasted).toBe(h.cache.stats().memory.evictions);
  });

  it('plans the children around the centre on zoom-in', async () => {
    const h = setup();
    await h.pan(0, 500, { zoomPerS: 1, serve: true });
    const fetched = coords(h.fetcher.calls.map((c) => c.url));
    expect(fetched.length).toBeGreaterThan(0);
    expect(fetched.every((t) => t.z === 11)).toBe(true);
    const centre = lngLatToWorld(h.view().center[0], h.view().center[1]);
    for (const t of fetched) expect(Math.abs(t.x + 0.5 - centre.x * 2048)).toBeLessThan(4);
  });

  it('at rest, prefetches one ring around the view and nothing in it', async () => {
    const h = setup({ prefetch: { maxWasteShare: 1 } });
    await h.rest(700);
    for (let i = 0; i < 5; i++) await h.serve();
    const fetched = h.fetcher.calls.map((c) => coordOf(c.url));
    const visible = visibleKeys(h.view());
    expect(fetched).toHaveLength(16);
    for (const t of fetched) {
      expect(visible.has(tileKey(t))).toBe(false);
      expect(Math.abs(t.x - 550)).toBeLessThanOrEqual(2);
      expect(Math.abs(t.y - 335)).toBeLessThanOrEqual(2);
    }
  });

  it('holds guesses back once the bytes they left unused pass the waste budget, and lets them go as they are used', async () => {
    const h = setup({}, { sources: [RASTER] });
    // 32 KiB tiles, all served, none asked for. A moving camera's lookahead counts against the budget once it is
    // overdue (unused 3 s after it arrived): past that, only the floor (4 tiles' worth) is left, and it is spent.
    for (let i = 0; i < 40; i++) {
      await h.pan(1000, 100);
      await h.serve(32 * 1024);
    }
    const guessed = h.fetcher.calls.map((c) => c.url);
    const held = h.engine.stats().prefetch;
    expect(held.heldByWasteBudget).toBeGreaterThan(0);
    for (let i = 0; i < 20; i++) {
      await h.pan(1000, 100);
      await h.serve(32 * 1024);
    }
    expect(h.fetcher.calls).toHaveLength(guessed.length);
    expect(held.byReason?.path).toMatchObject({ issued: guessed.length, usedBytes: 0 });
    // MapLibre asks for them after all: used bytes raise the allowance (a quarter of them) and free what sat unused
    for (const url of guessed) expect((await h.engine.request({ id: `v:${url}`, url, kind: 'raster', purpose: 'visible' })).tier).toBe('memory');
    await h.pan(1000, 200);
    await h.serve(32 * 1024);
    expect(h.fetcher.calls.length).toBeGreaterThan(guessed.length);
  });

  it('without a waste budget (maxWasteShare 1) guesses run on to the byte budget', async () => {
    const h = setup({ prefetch: { maxWasteShare: 1 } }, { sources: [RASTER] });
    for (let i = 0; i < 8; i++) {
      await h.pan(1000, 100);
      await h.serve(32 * 1024);
    }
    expect(h.fetcher.calls.length).toBeGreaterThan(4);
    expect(h.engine.stats().prefetch.heldByWasteBudget).toBe(0);
  });

  it('never holds back a known destination: a flight’s end view is fetched whole, past the waste budget', async () => {
    const h = setup({}, { sources: [RASTER] });
    const destination = tileToLngLat(600.5, 300.5, 10);
    h.engine.setCamera({ ...h.view(), bounds: [0, 0, 0, 0], time: h.clock.now() + PAGE_CLOCK_OFFSET, destination: { center: destination as [number, number], zoom: 10, durationMs: 3000 } });
    await h.clock.advance(200); // past the replan interval
    for (let i = 0; i < 5; i++) await h.serve(32 * 1024);
    const atDestination = h.fetcher.calls.map((c) => coordOf(c.url)).filter((t) => Math.abs(t.x - 600) <= 2 && Math.abs(t.y - 300) <= 2);
    // a 1024×768 view of 362 px raster tiles at the destination (the cover rounds their zoom): well past 4 tiles
    expect(atDestination.length).toBeGreaterThan(4);
    expect(h.engine.stats().prefetch.byReason?.destination?.issued).toBe(atDestination.length);
  });

  it('issues nothing with prefetch off, and cancels what is in flight when it is switched off', async () => {
    const off = setup({ prefetch: { enabled: false } });
    await off.pan(1000, 600);
    expect(off.fetcher.calls).toHaveLength(0);
    expect(off.engine.stats().prefetch).toMatchObject({ enabled: false, issued: 0 });

    const h = setup();
    await h.pan(1000, 300);
    const inFlight = h.fetcher.pending();
    expect(inFlight.length).toBeGreaterThan(0);
    h.engine.configure({ prefetch: { enabled: false } });
    await h.clock.advance(0);
    expect(inFlight.every((c) => c.aborted)).toBe(true);
    await h.pan(1000, 300);
    expect(h.fetcher.pending()).toHaveLength(0);
  });

  it('issues nothing on a save-data or 2g connection', async () => {
    for (const hint of [{ saveData: true }, { effectiveType: '2g' }]) {
      const h = setup();
      h.engine.setConnection(hint);
      await h.pan(1000, 600);
      expect(h.fetcher.calls).toHaveLength(0);
      expect(h.engine.stats().prefetch.enabled).toBe(false);
    }
  });

  it('drops what it has in flight when no page is in front, plans nothing while hidden, and resumes in front', async () => {
    const h = setup();
    await h.pan(1000, 300);
    const inFlight = h.fetcher.pending();
    expect(inFlight.length).toBeGreaterThan(0);
    h.engine.setInFront(false);
    await h.clock.advance(0);
    expect(inFlight.every((c) => c.aborted)).toBe(true);
    expect(h.engine.stats().prefetch).toMatchObject({ enabled: false, disabledBy: 'background' });
    const before = h.fetcher.calls.length;
    await h.pan(1000, 600);
    await h.rest(2000);
    expect(h.fetcher.calls).toHaveLength(before);
    h.engine.setInFront(true);
    await h.clock.advance(0);
    expect(h.fetcher.calls.length).toBeGreaterThan(before);
    expect(h.engine.stats().prefetch.enabled).toBe(true);
    expect(h.engine.stats().prefetch.disabledBy).toBeUndefined();
  });

  it('skips sources whose URLs it cannot build as MapLibre does', async () => {
    const h = setup({}, { sources: [{ ...RASTER, tiles: ['https://r.test/{z}/{x}/{y}{ratio}.png'] }] });
    await h.pan(1000, 600);
    expect(h.fetcher.calls).toHaveLength(0);
  });

  it('prefetches under the cache key of the visible request MapLibre will make', async () => {
    const h = setup();
    await h.pan(1000, 500, { serve: true });
    const tile: TileCoord = coordOf(h.fetcher.calls[0].url);
    const key = h.cache.keyFor({ url: h.fetcher.calls[0].url, source: 't.test/tiles', coord: tile });
    expect(h.cache.inMemory(key)).toBe(true);
  });

  it('sends its prefetches with the app headers and credentials the host’s visible requests carried', async () => {
    const h = setup({}, { sources: [VECTOR, RASTER] });
    const visible = h.engine.request({ id: 'v', url: 'https://t.test/tiles/10/550/335.pbf', kind: 'vector', headers: { 'X-Api-Key': 'secret-123' }, credentials: 'include' });
    await flushMicrotasks();
    await h.serve();
    await visible;
    await h.pan(1000, 600, { serve: true });
    const prefetches = h.fetcher.calls.slice(1);
    const toTiles = prefetches.filter((c) => c.url.startsWith('https://t.test/'));
    const toRaster = prefetches.filter((c) => c.url.startsWith('https://r.test/'));
    expect(toTiles.length).toBeGreaterThan(0);
    for (const call of toTiles) expect(call, call.url).toMatchObject({ appHeaders: { 'X-Api-Key': 'secret-123' }, credentials: 'include' });
    // another host never saw the app's header, so it is not sent there
    expect(toRaster.length).toBeGreaterThan(0);
    for (const call of toRaster) expect(call, call.url).toMatchObject({ appHeaders: {}, credentials: undefined });
  });
});
