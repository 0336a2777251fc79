import { tmpdir } from 'node:os';
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { expect, FAR_VIEWS, openMap, resetServer, resetServerStats, serverStats, setFaults, test, tileUrl } from './fixtures.ts';
import { maxOpenAtOnce, type NginxHost, nginxAvailable, startNginx } from './nginx/nginx-host.ts';

// One engine for every tab (issue 17), in both of its shapes: a SharedWorker, and the Web Locks fallback that
// browsers without SharedWorker get (forced here with ?tabs=leader). Every page is a tab of one browser context;
// the witness is the tile server's own count of what reached it.

const far = FAR_VIEWS;

async function openTabs(context: BrowserContext, hashes: string[], params: Record<string, string>): Promise<Page[]> {
  const pages: Page[] = [];
  // one after the other: the first is the leader (it asked for the lock first)
  for (const hash of hashes) {
    const page = await context.newPage();
    await openMap(page, { hash, params });
    pages.push(page);
  }
  return pages;
}

async function inView(page: Page) {
  return (await page.evaluate(() => window.kestrel.tiles())).inView;
}

async function stats(page: Page) {
  return (await page.evaluate(() => window.kestrel.stats()))!;
}

function tileRequests(byTile: Record<string, number>): number {
  return Object.values(byTile).reduce((sum, n) => sum + n, 0);
}

// A pan of a few steps, each under way before the last one's tiles have all arrived.
async function pan(page: Page, steps = 6, by: [number, number] = [260, 90]): Promise<void> {
  await page.evaluate(
    async ({ steps, by }) => {
      for (let i = 0; i < steps; i++) {
        window.kestrel.map.panBy(by, { duration: 250 });
        await new Promise((resolve) => setTimeout(resolve, 320));
      }
    },
    { steps, by },
  );
}

for (const mode of ['shared', 'leader'] as const) {
  const sharing = mode === 'shared' ? 'shared-worker' : 'leader';

  test.describe(`one engine for every tab (?tabs=${mode})`, () => {
    test.beforeEach(resetServer);
    test.afterAll(resetServer);

    test('three tabs panning at once under 100 ms latency stay within the one maxInFlight bound at the server', async ({ browser }) => {
      test.setTimeout(120_000);
      const context = await browser.newContext();
      const limit = 4;
      const params = { tabs: mode, maxInFlight: String(limit) };
      const pages = await openTabs(context, ['5/47/5', '5/35/-95', '5/-25/135'], params);
      await setFaults({ latencyMs: { base: 100, jitter: 0 } });
      await resetServerStats();
      await Promise.all(pages.map((page) => pan(page)));
      await Promise.all(pages.map((page) => page.evaluate(() => window.kestrel.idle())));
      const server = await serverStats();
      const all = await Promise.all(pages.map(stats));
      expect(all.map((s) => s.sharing?.mode)).toEqual([sharing, sharing, sharing]);
      expect(all[0].sharing?.tabs, 'one engine serves the three tabs').toBe(3);
      expect(new Set(all.map((s) => s.sharing?.hub)).size, 'the same engine instance').toBe(1);
      // enough tiles asked at once that three engines of 4 slots each could pass the bound (with ?tabs=off the
      // server saw 6 in flight, Chromium's cap per host, in one of two runs)
      expect(tileRequests(server.byTile), 'the pans fetched tiles').toBeGreaterThan(3 * limit);
      expect(server.maxInFlight, 'tile requests open at the server at once').toBeLessThanOrEqual(limit);
      for (const page of pages) expect(await inView(page)).toMatchObject({ errored: 0, loading: 0 });
      await context.close();
    });

    test('two tabs opening the same new view at the same moment send each tile to the server once', async ({ browser }) => {
      const context = await browser.newContext();
      const pages = await openTabs(context, ['5/47/5', '5/47/5'], { tabs: mode });
      await resetServerStats();
      await Promise.all(pages.map((page) => page.evaluate(() => void window.kestrel.map.jumpTo({ center: [100, 35], zoom: 6 }))));
      await Promise.all(pages.map((page) => page.evaluate(() => window.kestrel.idle())));
      const { byTile } = await serverStats();
      const twice = Object.entries(byTile).filter(([, n]) => n > 1);
      expect(Object.keys(byTile).length, 'the new view was fetched').toBeGreaterThan(4);
      expect(twice, 'tiles that reached the server more than once').toEqual([]);
      for (const page of pages) expect(await inView(page)).toMatchObject({ errored: 0, loading: 0 });
      await context.close();
    });

    test("tab B opening tab A's view sends nothing to the server and is answered from the memory tier", async ({ browser }) => {
      const context = await browser.newContext();
      // prefetch off: A's prefetches still on the wire when B opens would answer B from the network, not memory;
      // the overlay open (perf=1): it shows the tab's share beside the engine's
      const params = { tabs: mode, prefetch: 'off', perf: '1' };
      const [a] = await openTabs(context, ['5/47/5'], params);
      await resetServerStats();
      const [b] = await openTabs(context, ['5/47/5'], params);
      const server = await serverStats();
      const mine = (await stats(b)).sharing?.tab;
      // (the style is served `no-cache`: its revalidation is not a tile request, and not counted here)
      expect(server.requests, 'tile requests reaching the server for tab B').toBe(0);
      expect(mine?.hits.memory, JSON.stringify(mine)).toBeGreaterThan(0);
      expect(mine?.hits.idb).toBe(0);
      expect(mine?.hits.network).toBe(0);
      expect(mine?.failed).toBe(0);
      expect(await inView(b)).toMatchObject({ errored: 0, loading: 0 });
      // A's share is A's: B's answers are not counted there
      expect((await stats(a)).sharing?.tab?.hits).toMatchObject({ memory: 0, idb: 0 });
      expect((await stats(a)).sharing?.tab?.hits.network).toBeGreaterThan(0);
      const value = (id: string) => b.getByTestId(id).getAttribute('data-value');
      await expect.poll(() => value('overlay-tabs-count')).toBe('2');
      expect(await value('overlay-tabs-mode')).toBe(sharing);
      expect(await value('overlay-tabs-tab-memory-share')).toBe('1');
      expect(Number(await value('overlay-tabs-tab-requests'))).toBeLessThan(Number(await value('overlay-tabs-engine-requests')));
      await context.close();
    });

    test("a tab in the background waits: the front tab's visible tiles reach the server before its own", async ({ browser }) => {
      test.setTimeout(90_000);
      const context = await browser.newContext();
      // one request at a time and prefetch off: the order the server sees is the engine's ranking, visible vs visible
      const params = { tabs: mode, maxInFlight: '1', prefetch: 'off' };
      const [front, back] = await openTabs(context, ['5/47/5', '5/47/5'], params);
      // Headless pages are never hidden: the background tab is told so as the browser would tell it.
      await back.evaluate(() => {
        Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
        document.dispatchEvent(new Event('visibilitychange'));
      });
      await expect.poll(async () => (await stats(back)).sharing?.tab?.visible).toBe(false);
      await setFaults({ latencyMs: { base: 150, jitter: 0 } });
      await resetServerStats();
      // the background tab asks first; the front tab a moment later, its tiles far from the other's (x < 32 at z6)
      await back.evaluate(() => void window.kestrel.map.jumpTo({ center: [100, 35], zoom: 6 }));
      await front.waitForTimeout(100);
      await front.evaluate(() => void window.kestrel.map.jumpTo({ center: [-100, 40], zoom: 6 }));
      await Promise.all([front, back].map((page) => page.evaluate(() => window.kestrel.idle())));
      const { byTileTimes } = await serverStats();
      const arrivals = (west: boolean) =>
        Object.entries(byTileTimes ?? {})
          .filter(([key]) => key.startsWith('6/') && Number(key.split('/')[1]) < 32 === west)
          .flatMap(([, times]) => times);
      const frontTimes = arrivals(true);
      const backTimes = arrivals(false);
      expect(frontTimes.length, 'the front tab fetched its view').toBeGreaterThan(3);
      expect(backTimes.length, 'the background tab fetched its view').toBeGreaterThan(3);
      // What the background tab fetched before the front tab's asks reached the engine went first, one at a time;
      // from the front tab's first tile to its last, none of the background tab's may reach the server.
      const [first, last] = [Math.min(...frontTimes), Math.max(...frontTimes)];
      const overtaking = backTimes.filter((t) => t > first && t < last);
      expect(overtaking, JSON.stringify({ frontTimes, backTimes })).toEqual([]);
      expect(Math.max(...backTimes), 'the background tab still got its view').toBeGreaterThan(last);
      await context.close();
    });

    test('closing the first tab (the leader) mid-pan leaves no errored and no stuck tile in the others', async ({ browser }) => {
      test.setTimeout(120_000);
      const context = await browser.newContext();
      const [first, ...others] = await openTabs(context, ['5/47/5', '5/35/-95', '5/-25/135'], { tabs: mode });
      const hubBefore = (await stats(others[0])).sharing?.hub;
      await setFaults({ latencyMs: { base: 300, jitter: 0 } });
      await resetServerStats();
      // far jumps: every tile of the new views is in flight or queued when the leader goes
      await Promise.all(others.map((page, i) => page.evaluate(([lng, lat]) => void window.kestrel.map.jumpTo({ center: [lng, lat], zoom: 6 }), far[i])));
      // the tabs' own asks open (what their bridges asked and the engine has not answered), not only the engine's
      // prefetch: a fresh-session run closed the leader once every visible ask had been answered, and had nothing
      // to re-issue
      await expect
        .poll(async () => (await Promise.all(others.map((page) => page.evaluate(async () => (await window.kestrel.bridge())?.open ?? 0)))).reduce((a, b) => a + b, 0), {
          message: 'asks were open when the leader closed',
          timeout: 5000,
          intervals: [25],
        })
        .toBeGreaterThan(0);
      await first.close();
      await Promise.all(others.map((page) => page.evaluate(() => window.kestrel.idle())));
      for (const page of others) {
        const shown = await inView(page);
        expect(shown).toMatchObject({ errored: 0, loading: 0 });
        expect(shown.loaded).toBeGreaterThan(0);
      }
      const after = await stats(others[0]);
      if (mode === 'leader') {
        expect(after.sharing?.hub, 'another tab took over with an engine of its own').not.toBe(hubBefore);
        // the asks the closed tab's engine held were asked again of the new one (by the bridges, or the tab's link)
        const reissued = await Promise.all(
          others.map(async (page) => {
            const census = await page.evaluate(() => window.kestrel.bridge());
            const events = await page.evaluate(() => window.kestrel.engineEvents());
            const linked = events.reduce((sum, e) => sum + Number(/(\d+) open calls sent again/.exec(e.detail)?.[1] ?? 0), 0);
            return (census?.resent ?? 0) + linked;
          }),
        );
        expect(reissued.reduce((a, b) => a + b, 0), 'asks re-issued to the new leader').toBeGreaterThan(0);
      }
      else expect(after.sharing?.hub, 'the SharedWorker outlives the tab that started it').toBe(hubBefore);
      expect(after.sharing?.tabs).toBe(2);
      await context.close();
    });

    // A crash, not a tab closing: the engine's worker ends with asks in flight (in the first tab, the leader). A
    // SharedWorker's tabs hear nothing from it any more and connect again; the browser starts a new one.
    test("the engine's worker dies mid-jump: every tab reaches a new engine, and no tile is left errored or loading", async ({ browser }) => {
      test.setTimeout(120_000);
      const context = await browser.newContext();
      const pages = await openTabs(context, ['5/47/5', '5/35/-95'], { tabs: mode });
      const hubBefore = (await stats(pages[1])).sharing?.hub;
      await setFaults({ latencyMs: { base: 300, jitter: 0 } });
      await resetServerStats();
      await Promise.all(pages.map((page, i) => page.evaluate(([lng, lat]) => void window.kestrel.map.jumpTo({ center: [lng, lat], zoom: 6 }), far[i + 2])));
      await pages[0].waitForTimeout(150);
      expect((await serverStats()).inFlight, 'asks were on the wire when the worker died').toBeGreaterThan(0);
      await pages[0].evaluate(() => window.kestrel.terminateEngine());
      await Promise.all(pages.map((page) => page.evaluate(() => window.kestrel.idle())));
      for (const page of pages) {
        const shown = await inView(page);
        expect(shown).toMatchObject({ errored: 0, loading: 0 });
        expect(shown.loaded).toBeGreaterThan(0);
      }
      const hubs = await Promise.all(pages.map(async (page) => (await stats(page)).sharing?.hub));
      expect(hubs[0], 'a new engine').not.toBe(hubBefore);
      expect(hubs[1], 'the same one for both tabs').toBe(hubs[0]);
      expect((await stats(pages[0])).sharing?.tabs).toBe(2);
      await context.close();
    });

    test('an area saved in tab A stays whole while tab B browses far with a tiny budget, and renders offline in a fresh tab', async ({ browser }) => {
      test.setTimeout(150_000);
      const context = await browser.newContext({ serviceWorkers: 'block' });
      // the saved area is ~15 tiles of ~4 KB; browsing far stores several times the budget
      const budget = 200 * 1024;
      // prefetch off: what the cache holds is what was asked for
      const params = { tabs: mode, prefetch: 'off', engineOptions: JSON.stringify({ idbCacheBytes: budget }) };
      const [a, b] = await openTabs(context, ['5/45/-95', '5/20/60'], params);
      const bbox: [number, number, number, number] = [-100, 42, -88, 49];
      const plan = await a.evaluate((bbox) => window.kestrel.areas!.plan(bbox, 5, 6), bbox);
      expect(plan.refused, plan.refused).toBeUndefined();
      const id = await a.evaluate((bbox) => window.kestrel.areas!.save({ bbox, minZoom: 5, maxZoom: 6, name: 'tabs' }), bbox);
      await expect.poll(async () => (await a.evaluate(() => window.kestrel.areas!.list())).find((x) => x.id === id)?.status, { timeout: 30_000 }).toBe('done');
      // tab B sees the same saved areas
      expect((await b.evaluate(() => window.kestrel.areas!.list())).map((x) => x.id)).toContain(id);
      for (const [lng, lat] of far) {
        await b.evaluate(([lng, lat]) => void window.kestrel.map.jumpTo({ center: [lng, lat], zoom: 6 }), [lng, lat]);
        await b.evaluate(() => window.kestrel.idle());
      }
      await b.waitForTimeout(500);
      const idb = (await stats(b)).cache.idb;
      expect(idb.evictions, JSON.stringify([plan.tiles, plan.estimatedBytes, idb])).toBeGreaterThan(0);
      expect(idb.bytes, 'the one budget holds for the origin').toBeLessThanOrEqual(budget);
      const area = (await a.evaluate(() => window.kestrel.areas!.list())).find((x) => x.id === id)!;
      expect(area.status).toBe('done');
      expect(area.done).toBe(area.total);
      const covered = await a.evaluate(async (bbox) => (await window.kestrel.coverage(bbox, 5)).length + (await window.kestrel.coverage(bbox, 6)).length, bbox);
      expect(covered, 'every tile of the area is still stored').toBeGreaterThanOrEqual(plan.tiles);

      // every tab closed: the next engine starts with an empty memory tier
      await a.close();
      await b.close();
      const fresh = await context.newPage();
      await openMap(fresh, { hash: '6/46/-93', params, idle: false });
      await context.setOffline(true);
      await resetServerStats();
      await fresh.evaluate(() => window.kestrel.map.refreshTiles('kestrel'));
      await fresh.evaluate(() => window.kestrel.idle());
      const shown = await inView(fresh);
      expect(shown).toMatchObject({ errored: 0, loading: 0 });
      expect(shown.loaded).toBeGreaterThan(0);
      expect(tileRequests((await serverStats()).byTile), 'tile requests reaching the server while offline').toBe(0);
      expect((await stats(fresh)).cache.hits.network).toBe(0);
      await context.setOffline(false);
      await context.close();
    });
  });
}

test('?tabs=off keeps an engine per tab (the bench baseline)', async ({ browser }) => {
  const context = await browser.newContext();
  // prefetch off: tab A's engine asks for nothing by itself once its view is in
  const params = { tabs: 'off', prefetch: 'off' };
  const [a] = await openTabs(context, ['5/47/5'], params);
  const before = (await stats(a)).requests.total;
  const [b] = await openTabs(context, ['5/47/5'], params);
  expect((await stats(a)).requests.total, "tab B's asks never reach tab A's engine").toBe(before);
  for (const s of [await stats(a), await stats(b)]) {
    expect(s.sharing).toMatchObject({ mode: 'off', tabs: 1 });
    expect(s.sharing?.tab?.requests, 'the tab share is counted with an engine of its own too').toBeGreaterThan(0);
  }
  await context.close();
});

// Over HTTP/2 Chromium has no cap of 6 connections per host: N tabs with an engine each send up to N × maxInFlight,
// and only one engine for every tab holds the bound. nginx serves HTTP/2 over TLS in front of the tile server (a
// reverse proxy, as a CDN would be), and nginx's own log of requests open at once is the witness. The
// same run with ?tabs=off is the before: it must pass the bound, or the rig would not show the difference.
// Its own browser, told to accept nginx's self-signed certificate: a context's ignoreHTTPSErrors does not reach a
// SharedWorker's fetches (measured: the shared engine could not load the style).
test.describe('three tabs over HTTP/2 (nginx in front of the tile server)', () => {
  let host: NginxHost;
  let browser: Browser;
  test.beforeAll(async ({ playwright, launchOptions }) => {
    // A spec must fail, never skip, when what it measures is missing.
    if (!nginxAvailable()) throw new Error('nginx not found: apt-get install -y nginx-light (or set KESTREL_NGINX)');
    host = await startNginx({ root: tmpdir(), http2: true, proxyTo: new URL(tileUrl).origin });
    browser = await playwright.chromium.launch({ ...launchOptions, args: [...(launchOptions.args ?? []), '--ignore-certificate-errors'] });
  });
  test.afterAll(async () => {
    await browser?.close();
    await host?.stop();
    await resetServer();
  });
  test.beforeEach(resetServer);

  const limit = 4;
  const measured: Record<string, { maxInFlight: number; tiles: number }> = {};
  for (const mode of ['shared', 'leader', 'off'] as const) {
    test(`?tabs=${mode}: three tabs panning at once under 100 ms latency, server max in flight`, async () => {
      test.setTimeout(120_000);
      const context = await browser.newContext({ ignoreHTTPSErrors: true });
      try {
        const params = { tabs: mode, maxInFlight: String(limit), style: `${host.url}/style.json` };
        const pages = await openTabs(context, ['5/47/5', '5/35/-95', '5/-25/135'], params);
        await setFaults({ latencyMs: { base: 100, jitter: 0 } });
        await resetServerStats();
        host.clearLog();
        // steps of most of a view (800×600): each asks for a row and a column of new tiles at once
        await Promise.all(pages.map((page) => pan(page, 6, [600, 220])));
        await Promise.all(pages.map((page) => page.evaluate(() => window.kestrel.idle())));
        const server = await serverStats();
        const tiles = host.log().filter((e) => e.uri.startsWith('/tiles/'));
        // The host the browser talks to is the witness: nginx's own log, each request from its start to its end.
        // Requests the browser cancelled (499) are left out of the bound: the engine frees a cancelled request's slot
        // when its fetch is aborted, and the browser's RST_STREAM reaches the host a few ms later, by when the next
        // request may be there too (measured: 5 open at once with bound 4, only in runs with 1–3 cancellations; the
        // engine cannot see when the wire lets go). Both figures are printed.
        const answered = tiles.filter((e) => e.status !== 499);
        const atNginx = maxOpenAtOnce(answered);
        measured[mode] = { maxInFlight: atNginx, tiles: tiles.length };
        console.log(`HTTP/2 three tabs, ?tabs=${mode}: ${JSON.stringify({ ...measured[mode], withCancelled: maxOpenAtOnce(tiles), cancelled: tiles.length - answered.length, tileServerMaxInFlight: server.maxInFlight })}`);
        expect(tiles.length, 'the tiles went through nginx').toBeGreaterThan(3 * limit);
        expect(new Set(tiles.map((e) => e.protocol)), 'and over HTTP/2').toEqual(new Set(['HTTP/2.0']));
        for (const page of pages) expect(await inView(page)).toMatchObject({ errored: 0, loading: 0 });
        if (mode === 'off') {
          // three engines of 4 slots, no per-host cap: the bound is passed
          expect(atNginx, 'an engine per tab over HTTP/2: tile requests open at nginx at once').toBeGreaterThan(limit);
        } else {
          expect((await stats(pages[0])).sharing?.tabs, 'one engine serves the three tabs').toBe(3);
          expect(atNginx, 'tile requests open at nginx at once').toBeLessThanOrEqual(limit);
        }
      } finally {
        await context.close();
      }
    });
  }
});
