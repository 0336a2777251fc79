import type { Page } from '@playwright/test';
import { dumpIndexedDb } from '../chaos/page-probes.ts';
import { expect, resetServer, serverStats, test, tileUrl } from '../fixtures.ts';
import { startTileServer, type TileServer } from '../../tile-server/tile-server.ts';
import { createTiler } from '../../tile-server/tiler.ts';
import { engineWorkers, fetchedIn, serveLibraryHarness } from './library-page.ts';

// The built package as an app without a bundler uses it (plain files, an import map), driven from the test:
// several instances on one page, several maps on one instance, and requests shaped by the app's transformRequest.

type Harness = Awaited<ReturnType<typeof serveLibraryHarness>>;
let harness: Harness;

test.beforeAll(async () => {
  harness = await serveLibraryHarness();
});
test.afterAll(async () => {
  await harness?.close();
});

interface MountOptions {
  style: string;
  containers?: string[];
  scheme?: string;
  apiKey?: string;
  center?: [number, number];
  zoom?: number;
}

// One Kestrel instance with a map in each container; waits until every map is idle. `window.t` keeps them.
async function mount(page: Page, options: MountOptions): Promise<void> {
  await page.evaluate(async ({ style, containers, scheme, apiKey, center, zoom }) => {
    const maplibregl = await import('maplibre-gl');
    const { createKestrel } = await import('kestrel-maps');
    const kestrel = createKestrel(maplibregl, scheme ? { scheme } : {});
    const maps = containers.map((container) => {
      const map = new maplibregl.Map({
        container,
        style,
        center,
        zoom,
        transformRequest: kestrel.transformRequest(apiKey ? (url) => ({ url, headers: { 'X-Api-Key': apiKey } }) : undefined),
      });
      kestrel.attach(map);
      return map;
    });
    (window as unknown as { t: unknown }).t = { kestrel, maps };
    await Promise.all(maps.map((map) => new Promise<void>((resolve) => map.once('idle', () => resolve()))));
  }, { containers: ['a'], center: [10, 50] as [number, number], zoom: 4, ...options });
}

type Mounted = { kestrel: import('kestrel-maps').Kestrel; maps: import('maplibre-gl').Map[] };
const stats = (page: Page) => page.evaluate(() => (window as unknown as { t: Mounted }).t.kestrel.stats());

// The tile server's tile paths (/tiles/z/x/y.pbf) a context fetched, from its own Resource Timing.
async function tilesFetchedIn(context: Parameters<typeof fetchedIn>[0], origin: string): Promise<string[]> {
  return (await fetchedIn(context)).filter((url) => url.startsWith(origin) && /\/\d+\/\d+\/\d+\.pbf/.test(url));
}

test.describe('kestrel-maps as a library', () => {
  test.beforeEach(async () => {
    await resetServer();
  });

  test('dispose removes the worker and the protocols, and a new instance on the same page serves the map again', async ({ page, pageErrors }) => {
    test.setTimeout(90_000);
    await page.goto(harness.url);
    await mount(page, { style: `${tileUrl}/style.json` });
    expect(engineWorkers(page)).toHaveLength(1);
    const firstWorker = engineWorkers(page)[0];
    expect((await tilesFetchedIn(firstWorker, tileUrl)).length, 'the first engine fetched the tiles').toBeGreaterThan(0);

    const closed = new Promise<void>((resolve) => firstWorker.once('close', () => resolve()));
    await page.evaluate(() => {
      const { kestrel, maps } = (window as unknown as { t: Mounted }).t;
      kestrel.dispose();
      for (const map of maps) map.remove();
    });
    await closed;
    expect(engineWorkers(page), 'the disposed instance left no worker').toHaveLength(0);

    await resetServer();
    await mount(page, { style: `${tileUrl}/style.json`, center: [-100, 40] });
    expect(engineWorkers(page)).toHaveLength(1);
    const second = await tilesFetchedIn(engineWorkers(page)[0], tileUrl);
    expect(second.length, 'the new instance fetched the new view').toBeGreaterThan(0);
    expect((await stats(page)).requests.total).toBeGreaterThan(0);
    // The page itself fetched no tile: every one went through an engine.
    expect(await tilesFetchedIn(page, tileUrl)).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  test('two maps share one engine: one worker, and each tile reaches the server once', async ({ page, pageErrors }) => {
    test.setTimeout(90_000);
    await page.goto(harness.url);
    await mount(page, { style: `${tileUrl}/style.json`, containers: ['a', 'b'] });
    expect(engineWorkers(page)).toHaveLength(1);
    const { byTile } = await serverStats();
    const tiles = Object.keys(byTile);
    expect(tiles.length).toBeGreaterThan(0);
    // Two maps on one view ask for the same tiles; the one engine fetches each once and serves the other from memory.
    expect(Object.entries(byTile).filter(([, count]) => count > 1), 'tiles the server sent twice').toEqual([]);
    // Both maps did ask (the server's tiles also count the prefetch ring, so compare asks with the maps, not with
    // them): the asks that reached Kestrel, counted by the bridges in MapLibre's workers and by the main-thread
    // handler, are at least one per map. The second ask for a tile was answered from memory or joined the first one
    // in flight (coalesced), depending on timing.
    const asks = await page.evaluate(async () => {
      const { kestrel } = (window as unknown as { t: Mounted }).t;
      return (await kestrel.bridgeCensus()).requests + kestrel.mainThreadAsks();
    });
    expect(asks, "tile asks from the two maps' MapLibre").toBeGreaterThanOrEqual(2);
    const { cache, requests } = await stats(page);
    expect(cache.hits.memory + requests.coalesced, 'second asks shared with the first, from memory or in flight').toBeGreaterThan(0);
    expect(pageErrors).toEqual([]);
  });

  test('an instance with its own scheme still takes the worker-to-worker path for vector tiles', async ({ page, pageErrors }) => {
    test.setTimeout(90_000);
    await page.goto(harness.url);
    await mount(page, { style: `${tileUrl}/style.json`, scheme: 'tiles-b', zoom: 5 });
    // The scheme reaches MapLibre's workers by message once the bridge has loaded; the first tiles may take the
    // main-thread hop meanwhile. Tiles asked after a jump must go worker to worker.
    const census = await page.evaluate(async () => {
      const { kestrel, maps } = (window as unknown as { t: Mounted }).t;
      const before = (await kestrel.bridgeCensus()).requests;
      maps[0].jumpTo({ center: [-100, 40] });
      await new Promise<void>((resolve) => maps[0].once('idle', () => resolve()));
      const after = await kestrel.bridgeCensus();
      return { ...after, before };
    });
    expect(census.requests - census.before, "tiles asked through the bridge in MapLibre's worker after the jump").toBeGreaterThan(0);
    expect(census.open).toBe(0);
    expect(pageErrors).toEqual([]);
  });
});

test.describe("requests as the app's transformRequest shapes them", () => {
  let keyed: TileServer;
  const KEY = 'k-5ecret-42';

  test.beforeAll(async () => {
    keyed = await startTileServer({ port: 0, tiler: createTiler(), requireHeader: { name: 'x-api-key', value: KEY } });
  });
  test.afterAll(async () => {
    await keyed?.close();
  });

  test('a host that answers 401 without the header serves every tile, prefetch included; the header is stored nowhere', async ({ page, pageErrors }) => {
    test.setTimeout(120_000);
    keyed.resetStats();
    await page.goto(harness.url);
    await mount(page, { style: `${keyed.url}/style.json`, apiKey: KEY });
    // a pan, so the engine prefetches on its own (requests the app's function never saw)
    await page.evaluate(async () => {
      const map = (window as unknown as { t: Mounted }).t.maps[0];
      map.panBy([300, 0], { duration: 1200 });
      await new Promise<void>((resolve) => map.once('idle', () => resolve()));
    });
    const server = keyed.stats();
    expect(server.unauthorized, 'requests the host refused (401) for a missing or wrong header').toBe(0);
    expect(Object.keys(server.byTile).length).toBeGreaterThan(0);
    const engine = await stats(page);
    expect(engine.prefetch.issued, 'the engine prefetched: its own requests carried the header too').toBeGreaterThan(0);
    const dump = await dumpIndexedDb(page);
    expect(dump.exists).toBe(true);
    expect(dump.text).not.toContain(KEY);
    expect(dump.bytesText).not.toContain(KEY);
    expect(pageErrors).toEqual([]);
  });

  test('without the header the same host refuses (the witness can fail)', async ({ page }) => {
    test.setTimeout(90_000);
    keyed.resetStats();
    await page.goto(harness.url);
    await page.evaluate(async (style) => {
      const maplibregl = await import('maplibre-gl');
      const { createKestrel } = await import('kestrel-maps');
      const kestrel = createKestrel(maplibregl);
      const map = new maplibregl.Map({ container: 'a', style, center: [10, 50], zoom: 4, transformRequest: kestrel.transformRequest() });
      kestrel.attach(map);
      (window as unknown as { t: unknown }).t = { kestrel, maps: [map] };
    }, `${keyed.url}/style.json`);
    await expect.poll(() => keyed.stats().unauthorized, { timeout: 20_000 }).toBeGreaterThan(0);
  });
});
