import type { Locator, Page } from '@playwright/test';
import { quantileSorted } from 'simple-statistics';
import { tileToLngLat, tilesForViewport } from '../packages/kestrel/src/engine/tile-math.ts';
import { expect, openMap, resetServer, resetServerStats, serverStats, setFaults, test, tileUrl } from './fixtures.ts';

const tileHost = new URL(tileUrl).host;

const dataValue = async (locator: Locator) => Number((await locator.getAttribute('data-value')) ?? NaN);

// The figure as the panel prints it ("83.4 ms", "112 ms", "1.52 s"), back in ms.
async function shownMs(locator: Locator): Promise<number> {
  const text = (await locator.textContent()) ?? '';
  const match = /^([\d.]+) (ms|s)$/.exec(text.trim());
  if (!match) throw new Error(`not a duration: "${text}"`);
  return Number(match[1]) * (match[2] === 's' ? 1000 : 1);
}

type Rgb = [number, number, number];

function rgb(css: string): Rgb {
  const [r, g, b] = (/rgba?\((\d+), (\d+), (\d+)/.exec(css) ?? []).slice(1).map(Number);
  if ([r, g, b].some((c) => !Number.isFinite(c))) throw new Error(`unexpected colour "${css}"`);
  return [r, g, b];
}

// One host's breaker as drawn, read in one go so the colours belong to the state beside them (the panel redraws
// 4 times a second, and with a short cool-down the state moves on).
async function lookAt(breaker: Locator) {
  const seen = await breaker.evaluate((el) => {
    const label = el.querySelector('.kpo-breaker-state')!;
    const dot = el.querySelector('.kpo-breaker-dot')!;
    const box = label.getBoundingClientRect();
    return {
      state: el.getAttribute('data-state'),
      label: label.textContent,
      labelColour: getComputedStyle(label).color,
      dotColour: getComputedStyle(dot).color,
      drawn: box.width > 0 && box.height > 0 && getComputedStyle(label).visibility === 'visible',
    };
  });
  return { ...seen, labelColour: rgb(seen.labelColour), dotColour: rgb(seen.dotColour) };
}

// Red dominates both other channels clearly: the panel's amber (246, 195, 67) and green (95, 214, 139) do not pass.
const isRed = ([r, g, b]: Rgb) => r >= 180 && r - g >= 80 && r - b >= 80;
const isGreen = ([r, g, b]: Rgb) => g >= 150 && g - r >= 60 && g - b >= 40;

test.describe('the performance overlay against independent measurements', () => {
  test.beforeEach(resetServer);
  test.afterAll(resetServer);

  test.describe('network latency', () => {
    // Each view sits inside one z6 tile of 512 px, and the next view is asked for once that tile has arrived: one
    // tile request at a time. The comparison is then about the instrument, not about this 2-core machine: with four
    // tiles at once (a 512×384 view), MapLibre parsing and drawing the first answers in software WebGL delays the
    // engine worker's handling of the others by up to ~150 ms at p95 — real time for the user, but time the server
    // cannot see (two runs at 40–120 ms injected: overlay − server p50 +32 and +42 ms, p95 +122 and +167 ms).
    const viewport = { width: 256, height: 192 };
    test.use({ viewport });
    const zoom = 6;
    // 40 neighbouring tiles along row 23 (about 45° N), from the North American west coast east to central Asia: none
    // asked for before the measurement, so neither of the engine's cache tiers can answer.
    const views = Array.from({ length: 40 }, (_, i) => tileToLngLat(10 + i + 0.5, 23.5, zoom));
    // uniform in 50–250 ms: a spread distribution, so p50 and p95 are figures 90 ms apart, and the client's own
    // overhead (below) is small beside them
    const latency = { base: 150, jitter: 100 };

    // Cuts every tile the views need before the measurement, so the server's own tile generation (up to tens of ms
    // of synchronous CPU, during which another request would wait unseen before its arrival is stamped) stays out.
    async function warmServer(): Promise<void> {
      const urls = views.flatMap((center) =>
        tilesForViewport({ center, zoom, bearing: 0, pitch: 0, ...viewport }, { tileSize: 512 }).map((t) => `${tileUrl}/tiles/${t.z}/${t.x}/${t.y}.pbf`),
      );
      for (let i = 0; i < urls.length; i += 4) await Promise.all(urls.slice(i, i + 4).map((u) => fetch(u).then((r) => r.arrayBuffer())));
    }

    async function visitViews(page: Page): Promise<void> {
      for (const [i, center] of views.entries()) {
        await page.evaluate(([center, zoom]) => void window.kestrel.map.jumpTo({ center, zoom }), [center, zoom] as const);
        await page.waitForFunction((delivered) => window.kestrel.tiles().delivered >= delivered, i + 1, { polling: 10 });
      }
      await page.evaluate(() => window.kestrel.idle());
    }

    const quantiles = (values: number[]) => {
      const sorted = [...values].sort((a, b) => a - b);
      return { p50: quantileSorted(sorted, 0.5), p95: quantileSorted(sorted, 0.95) };
    };

    test("the network p50 and p95 it shows agree with the tile server's timings and the worker's Resource Timing of the same requests", async ({ page, pageErrors }) => {
      test.setTimeout(120_000);
      await warmServer();
      // prefetch off: every network request is one MapLibre asked for, answered in full, nothing cancelled midway
      await openMap(page, { hash: `${zoom}/-30/20`, params: { perf: '1', prefetch: 'off' } });
      await expect(page.getByTestId('overlay-root')).toBeVisible();
      // the fetches happen in the engine worker, so their Resource Timing entries are there, not in the page
      const engineWorker = page.workers().find((w) => w.url().includes('engine.worker'));
      expect(engineWorker, 'the engine worker').toBeDefined();
      await setFaults({ seed: 7, latencyMs: latency });
      await page.evaluate(() => window.kestrel.resetStats());
      await engineWorker!.evaluate(() => performance.clearResourceTimings());
      await resetServerStats();
      const generatedBefore = (await serverStats()).cache.misses;
      const started = Date.now();

      await visitViews(page);
      const elapsedMs = Date.now() - started;
      const server = await serverStats();
      const stats = (await page.evaluate(() => window.kestrel.stats()))!;
      // fetch() called → last byte received, as the browser timed it (the server sends Timing-Allow-Origin: *)
      const fetchMs = await engineWorker!.evaluate(() =>
        (performance.getEntriesByType('resource') as PerformanceResourceTiming[])
          .filter((e) => new URL(e.name).pathname.startsWith('/tiles/'))
          .map((e) => e.responseEnd - e.startTime),
      );

      // The same requests on all sides: each tile came over the network once, in one attempt, answered in full.
      const n = server.tileDurationsMs.length;
      expect(n, 'tile responses the server completed').toBe(views.length);
      expect(server.requests, 'every request that reached the server was answered in full').toBe(n);
      expect(Object.keys(server.byStatus).filter((s) => s !== '200' && s !== '204'), 'statuses other than 200/204').toEqual([]);
      expect(fetchMs.length, 'Resource Timing entries for tiles').toBe(n);
      expect(stats.latencyMs.network.count, "network answers in the engine's window").toBe(n);
      expect(stats.requests.total, 'every ask went to the network').toBe(n);
      expect(stats.cache.hits.memory + stats.cache.hits.idb, 'cache hits').toBe(0);
      const { retried, coalesced, failed, aborted } = stats.requests;
      expect({ retried, coalesced, failed, aborted }).toEqual({ retried: 0, coalesced: 0, failed: 0, aborted: 0 });
      expect(elapsedMs, "the run fits in the engine's latency window").toBeLessThan(stats.latencyMs.window.maxAgeMs);
      expect(server.cache.misses - generatedBefore, 'tiles the server had to cut during the measurement').toBe(0);

      // the panel's next refresh after the last answer: its n is the engine's
      const p50Figure = page.getByTestId('overlay-latency-network-p50');
      const p95Figure = page.getByTestId('overlay-latency-network-p95');
      await expect.poll(() => dataValue(page.getByTestId('overlay-latency-network-count'))).toBe(n);
      await expect(page.getByTestId('overlay-latency-network-count')).toHaveText(String(n));
      const overlay = { p50: await shownMs(p50Figure), p95: await shownMs(p95Figure) };
      // what it shows is the engine's figure, rounded for display
      expect(await dataValue(p50Figure)).toBe(stats.latencyMs.network.p50);
      expect(await dataValue(p95Figure)).toBe(stats.latencyMs.network.p95);

      const serverQ = quantiles(server.tileDurationsMs);
      const fetchQ = quantiles(fetchMs);
      const figures = {
        n,
        injected: `${latency.base - latency.jitter}–${latency.base + latency.jitter} ms uniform`,
        overlay,
        server: { p50: round(serverQ.p50), p95: round(serverQ.p95) },
        resourceTiming: { p50: round(fetchQ.p50), p95: round(fetchQ.p95) },
        overlayMinusServer: { p50: round(overlay.p50 - serverQ.p50), p95: round(overlay.p95 - serverQ.p95) },
        runMs: elapsedMs,
      };
      console.log(`overlay vs server latency: ${JSON.stringify(figures)}`);
      test.info().annotations.push({ type: 'overlay vs server latency', description: JSON.stringify(figures) });

      // Nested intervals, request by request: the server times arrival → last byte written; Resource Timing, fetch()
      // → last byte received; the engine (the overlay), the worker receiving MapLibre's ask → the body read and
      // checked. So the quantiles are ordered server ≤ fetch ≤ overlay whatever the machine's load, up to how each
      // side stamps its end: Node when the write's callback runs, Chromium's network service (another process) when
      // it completes the load — a moment after the bytes moved (seen: Resource Timing's p95 1.3 ms above the
      // overlay's) — plus the panel's rounding to 3 significant figures (≤ 0.5 ms here).
      const SLACK_MS = 5;
      for (const q of ['p50', 'p95'] as const) {
        expect(fetchQ[q], `Resource Timing ${q} is not below the server's`).toBeGreaterThanOrEqual(serverQ[q] - SLACK_MS);
        expect(overlay[q], `overlay ${q} is not below Resource Timing's`).toBeGreaterThanOrEqual(fetchQ[q] - SLACK_MS);
        expect(overlay[q], `overlay ${q} is not below the server's`).toBeGreaterThanOrEqual(serverQ[q] - SLACK_MS);
      }
      // What the overlay adds to the server's figure is the client side, a roughly constant cost per request: the
      // memory and IndexedDB lookups that miss, the localhost round trip through Chromium's network service, the
      // body read and tile check, and the worker waiting for a core on a shared 2-core machine that draws in
      // software WebGL. Measured in 6 runs of this one-at-a-time set-up (some while other suites loaded the
      // machine): +9 to +29 ms at p50, +6 to +37 ms at p95. Stated tolerance: overlay − server ≤ max(35 ms, 20 %)
      // at p50, max(50 ms, 20 %) at p95 (the second-slowest request of 40, where one stall of the worker lands).
      // Tight enough that the p95 shown as the p50 (75–90 ms apart here) or a unit slip fails.
      expect(overlay.p50 - serverQ.p50, 'overlay p50 − server p50 (ms)').toBeLessThanOrEqual(Math.max(35, 0.2 * serverQ.p50));
      expect(overlay.p95 - serverQ.p95, 'overlay p95 − server p95 (ms)').toBeLessThanOrEqual(Math.max(50, 0.2 * serverQ.p95));
      expect(pageErrors).toEqual([]);
    });
  });

  test('with a failing server the breaker for the tile host turns red, and it closes again once the server is back', async ({ page, pageErrors }) => {
    // a short cool-down keeps the recovery within the test's time; the behaviour is the same with the default 5 s
    const coolDownMs = 3000;
    await openMap(page, { hash: '4/45/10', params: { perf: '1', engineOptions: JSON.stringify({ breaker: { coolDownMs } }) } });
    const breaker = page.locator(`[data-testid="overlay-breaker"][data-host="${tileHost}"]`);
    await expect(page.getByTestId(`overlay-breaker-state-${tileHost}`)).toHaveText('closed');
    const before = await lookAt(breaker);
    expect(before.state).toBe('closed');
    expect(isGreen(before.labelColour), `closed: ${before.labelColour}`).toBe(true);

    // every tile request now has its connection dropped: network errors, 5 in a row open the breaker
    await setFaults({ down: true });
    await page.evaluate(() => void window.kestrel.map.jumpTo({ center: [-100, 40], zoom: 5 }));
    await breaker.scrollIntoViewIfNeeded();
    let open = before;
    await expect.poll(async () => (open = await lookAt(breaker)).state).toBe('open');
    expect(open.label).toBe('open');
    expect(open.drawn, 'the state is drawn').toBe(true);
    expect(isRed(open.labelColour), `open label: ${open.labelColour}`).toBe(true);
    expect(isRed(open.dotColour), `open dot: ${open.dotColour}`).toBe(true);

    // The server is back. After the cool-down the breaker lets one probe through; the app asks again for the tiles
    // that failed (every 3 s, once no breaker is open), the probe succeeds and the breaker closes.
    await setFaults({});
    let after = open;
    await expect.poll(async () => (after = await lookAt(breaker)).state, { timeout: coolDownMs + 10_000 }).toBe('closed');
    expect(isRed(after.labelColour), `closed label: ${after.labelColour}`).toBe(false);
    expect(isGreen(after.labelColour), `closed label: ${after.labelColour}`).toBe(true);
    expect(isGreen(after.dotColour), `closed dot: ${after.dotColour}`).toBe(true);
    await expect.poll(() => page.evaluate(() => window.kestrel.tiles().inView), { timeout: 20_000 }).toMatchObject({ errored: 0, loading: 0 });
    expect(pageErrors).toEqual([]);
  });
});

const round = (ms: number) => Math.round(ms * 10) / 10;
