import { colourShares } from './map-pixels.ts';
import { appPath, expect, openMap, resetServer, resetServerStats, serverStats, setFaults, test } from './fixtures.ts';
import { solidPng } from './solid-png.ts';

// Short per-attempt timeouts keep hang scenarios within a test's time; the behaviour is the same as with 10 s.
const quickTimeouts = JSON.stringify({ retry: { attemptTimeoutMs: 1500, deadlineMs: 20_000 } });
const view = '4/45/-95';

test.describe('the tile engine', () => {
  test.beforeEach(resetServer);
  test.afterAll(resetServer);

  test('serves the map through the worker and says so in its stats', async ({ page, pageErrors }) => {
    await openMap(page, { hash: view });
    expect(await page.evaluate(() => window.kestrel.mode)).toBe('engine');
    const stats = (await page.evaluate(() => window.kestrel.stats()))!;
    const tiles = await page.evaluate(() => window.kestrel.tiles());
    expect(tiles.delivered).toBeGreaterThan(4);
    expect(stats.requests.ok + stats.requests.noTile).toBeGreaterThanOrEqual(tiles.delivered);
    expect(stats.latencyMs.all.count).toBeGreaterThan(0);
    expect(pageErrors).toEqual([]);
  });

  test('with 20% 5xx and 5% hangs every visible tile is rendered and in-flight stays within the limit; MapLibre alone leaves holes', async ({ page }) => {
    // seed 6 puts 5xx and a hang among the first dozen requests, so this view meets them for sure
    const faults = { seed: 6, status: { '500': 0.1, '503': 0.1 }, hangRate: 0.05 };
    await setFaults(faults);
    await openMap(page, { hash: view, params: { engineOptions: quickTimeouts, maxInFlight: '6' } });
    const withEngine = await page.evaluate(() => window.kestrel.tiles());
    const server = await serverStats();
    expect((server.byStatus['500'] ?? 0) + (server.byStatus['503'] ?? 0), 'injected 5xx').toBeGreaterThan(0);
    expect(withEngine.inView.errored, 'holes with the engine').toBe(0);
    expect(withEngine.inView.loading).toBe(0);
    expect(server.maxInFlight, 'server-side max in flight').toBeLessThanOrEqual(6);

    await resetServer();
    await setFaults(faults);
    await page.goto(appPath({ hash: view, params: { engine: 'off' } }));
    // MapLibre has no retry and no timeout: a hung tile never settles (nor does `load`), so wait a while instead.
    await page.waitForFunction(() => window.kestrel !== undefined);
    await page.waitForTimeout(5000);
    const withoutEngine = await page.evaluate(() => window.kestrel.tiles());
    expect(withoutEngine.inView.errored + withoutEngine.inView.loading, 'holes with ?engine=off').toBeGreaterThan(0);
  });

  test('after a 429 no retry arrives before Retry-After', async ({ page }) => {
    await setFaults({ rateLimit: { rate: 1, retryAfterS: 1 } });
    await page.goto(appPath({ hash: view }));
    // while every answer is a 429 the map cannot finish loading, so watch for a while, then let it recover
    await page.waitForFunction(() => window.kestrel !== undefined);
    await page.waitForTimeout(3500);
    await setFaults({});
    const { byTileTimes } = await serverStats();
    const gaps = Object.values(byTileTimes ?? {}).flatMap((times) => times.slice(1).map((t, i) => t - times[i]));
    expect(gaps.length, 'some tiles were retried').toBeGreaterThan(0);
    // every arrival in the window was answered 429 with Retry-After: 1, so no two arrivals of a tile are closer
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(990);
    // tiles that gave up during the storm are asked again once the server relents
    await expect.poll(() => page.evaluate(() => window.kestrel.tiles().inView), { timeout: 20_000 }).toMatchObject({ errored: 0, loading: 0 });
  });

  test('a tile the server refuses for good (an HTML page) is asked again with backoff, not every 3 s', async ({ page }) => {
    test.setTimeout(90_000);
    await setFaults({ htmlRate: 1 });
    await page.goto(appPath({ hash: view }));
    await page.waitForFunction(() => window.kestrel !== undefined);
    await page.waitForTimeout(21_000);
    await setFaults({});
    // the server's own count per tile: the first ask, then retries at ~3 s, +5–10 s, +10–20 s (before: every 3 s, ~7)
    const { byTile } = await serverStats();
    const perTile = Object.values(byTile);
    expect(perTile.length, 'tiles were asked').toBeGreaterThan(0);
    expect(Math.max(...perTile), 'the refused tiles were retried').toBeGreaterThanOrEqual(2);
    expect(Math.max(...perTile), 'asks per refused tile in 21 s').toBeLessThanOrEqual(4);
  });

  test('a fast pan cancels queued tiles: the server sees fewer requests than MapLibre asked for', async ({ page }) => {
    // prefetch off: its own requests would blur what cancellation saves
    await openMap(page, { hash: '6/40/-100', params: { maxInFlight: '2', prefetch: 'off' } });
    await page.evaluate(() => window.kestrel.resetStats());
    await setFaults({ latencyMs: { base: 300, jitter: 0 } });
    await resetServerStats();
    await page.evaluate(async () => {
      const map = window.kestrel.map;
      for (let i = 0; i < 10; i++) {
        map.panBy([600, 0], { animate: false });
        await new Promise((r) => setTimeout(r, 60));
      }
    });
    await setFaults({});
    await page.evaluate(() => window.kestrel.idle());
    const tiles = await page.evaluate(() => window.kestrel.tiles());
    const stats = (await page.evaluate(() => window.kestrel.stats()))!;
    const server = await serverStats();
    expect(tiles.aborted, 'MapLibre abandoned tiles').toBeGreaterThan(0);
    expect(stats.requests.aborted).toBeGreaterThan(0);
    expect(server.requests, 'requests reaching the server').toBeLessThan(tiles.requested);
  });

  test('with the server down the map says so, and heals by itself when it is back', async ({ page }) => {
    await openMap(page, { hash: view, params: { engineOptions: quickTimeouts } });
    await setFaults({ down: true });
    await page.evaluate(() => void window.kestrel.map.jumpTo({ center: [10, 50], zoom: 5 }));
    const notice = page.getByTestId('notice-network');
    await expect(notice).toBeVisible({ timeout: 20_000 });
    await expect(notice).toContainText('not answering');
    expect(await page.evaluate(() => window.kestrel.tiles().inView.errored)).toBeGreaterThan(0);

    await setFaults({});
    await expect.poll(() => page.evaluate(() => window.kestrel.tiles().inView), { timeout: 30_000 }).toMatchObject({ errored: 0, loading: 0 });
    await expect(notice).toBeHidden({ timeout: 10_000 });
  });

  test('vector tiles go from MapLibre\'s worker to the engine worker without the main-thread hop', async ({ page }) => {
    await openMap(page, { hash: view });
    await page.evaluate(() => window.kestrel.resetStats());
    // the first tiles of a page may take the main-thread path while the bridge script loads; after that, none
    const before = await page.evaluate(() => window.kestrel.tiles().viaMainThread);
    await page.evaluate(() => void window.kestrel.map.jumpTo({ center: [20, 10], zoom: 5 }));
    await page.evaluate(() => window.kestrel.idle());
    const bridged = await page.evaluate(() => window.kestrel.tiles());
    expect(bridged.delivered).toBeGreaterThan(0);
    expect(bridged.viaMainThread - before, 'vector asks on the main thread').toBe(0);

    await page.goto(appPath({ hash: view, params: { bridge: 'main' } }));
    await page.evaluate(() => window.kestrel.idle());
    expect((await page.evaluate(() => window.kestrel.tiles())).viaMainThread, 'with ?bridge=main').toBeGreaterThan(0);
  });

  test('raster sources go through the engine too', async ({ page }) => {
    const png = solidPng(256, [200, 30, 160]);
    let served = 0;
    await page.route('http://raster.test/**', (route) => {
      served++;
      return route.fulfill({ status: 200, body: png, headers: { 'content-type': 'image/png', 'access-control-allow-origin': '*' } });
    });
    await openMap(page, { hash: view });
    const before = (await page.evaluate(() => window.kestrel.stats()))!.requests.total;
    await page.evaluate(() => {
      const map = window.kestrel.map;
      map.addSource('raster-test', { type: 'raster', tiles: ['http://raster.test/{z}/{x}/{y}.png'], tileSize: 256 });
      map.addLayer({ id: 'raster-test', type: 'raster', source: 'raster-test', paint: { 'raster-opacity': 1, 'raster-fade-duration': 0 } });
    });
    await page.evaluate(() => window.kestrel.idle());
    const after = (await page.evaluate(() => window.kestrel.stats()))!.requests.total;
    expect(served).toBeGreaterThan(0);
    expect(after - before).toBeGreaterThanOrEqual(served);
    const shares = await colourShares(page, ['rgb(200, 30, 160)']);
    expect(shares.colours[0].share).toBeGreaterThan(0.5);
  });
});
