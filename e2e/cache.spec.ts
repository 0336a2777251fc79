import type { Page } from '@playwright/test';
import { expect, FAR_VIEWS, openMap, resetServer, serverStats, setFaults, test } from './fixtures.ts';

const view = '5/47/5';
const elsewhere = FAR_VIEWS;

// The IndexedDB writes are batched a few tens of ms behind the tiles; give them time to land before a reload.
async function settleWrites(page: Page): Promise<void> {
  await page.waitForTimeout(400);
}

async function reloadAndSettle(page: Page): Promise<void> {
  await page.reload();
  await page.waitForFunction(() => window.kestrel !== undefined);
  await page.evaluate(() => window.kestrel.ready);
  await page.evaluate(() => window.kestrel.idle());
}

test.describe('the cache tiers', () => {
  test.beforeEach(resetServer);
  test.afterAll(resetServer);

  // Prefetch off in these two: its look-ahead reads of the neighbours count as cache hits too, and the hits here
  // are to be MapLibre's own asks.
  test('a reload at the same view sends no tile request to the server: the warm start has read its tiles from IndexedDB into memory before MapLibre asks', async ({ page, pageErrors }) => {
    await openMap(page, { hash: view, params: { prefetch: 'off' } });
    await settleWrites(page);
    const first = await serverStats();
    expect(first.requests).toBeGreaterThan(0);
    await resetServer();
    await reloadAndSettle(page);
    const stats = (await page.evaluate(() => window.kestrel.stats()))!;
    expect((await serverStats()).requests, 'tile requests reaching the server on reload').toBe(0);
    expect(stats.cache.warmStart?.tiles, 'tiles the warm start read').toBeGreaterThan(0);
    expect(stats.cache.hits.memory, JSON.stringify(stats.cache.hits)).toBeGreaterThan(stats.cache.hits.idb);
    expect(stats.cache.hits.network).toBe(0);
    expect((await page.evaluate(() => window.kestrel.tiles())).inView).toMatchObject({ errored: 0, loading: 0 });
    expect(pageErrors).toEqual([]);
  });

  test('with the warm start off, the same reload reads each tile from IndexedDB as MapLibre asks', async ({ page }) => {
    await openMap(page, { hash: view, params: { prefetch: 'off', engineOptions: JSON.stringify({ warmStart: false }) } });
    await settleWrites(page);
    await resetServer();
    await reloadAndSettle(page);
    const stats = (await page.evaluate(() => window.kestrel.stats()))!;
    expect((await serverStats()).requests, 'tile requests reaching the server on reload').toBe(0);
    expect(stats.cache.warmStart).toBeUndefined();
    expect(stats.cache.hits.idb, JSON.stringify(stats.cache.hits)).toBeGreaterThan(stats.cache.hits.memory);
  });

  test('offline after a visit, the same area renders fully from IndexedDB', async ({ page, context }) => {
    // a memory tier too small to hold a tile, so every hit below is an IndexedDB hit
    await openMap(page, { hash: view, params: { engineOptions: JSON.stringify({ memoryCacheBytes: 1024 }) } });
    await settleWrites(page);
    await context.setOffline(true);
    await page.evaluate(() => window.kestrel.resetStats());
    // make MapLibre ask again for every tile in view: the engine must answer with no network at all
    await page.evaluate(() => window.kestrel.map.refreshTiles('kestrel'));
    await page.evaluate(() => window.kestrel.idle());
    const stats = (await page.evaluate(() => window.kestrel.stats()))!;
    expect((await page.evaluate(() => window.kestrel.tiles())).inView).toMatchObject({ errored: 0, loading: 0 });
    expect(stats.cache.hits.idb).toBeGreaterThan(0);
    expect(stats.cache.hits.network).toBe(0);
    await context.setOffline(false);
  });

  test('with a tiny storage quota, browsing far keeps working and the cache stays within the quota', async ({ browser }) => {
    // Without the service worker: its app-shell precache (~1 MB of JS) is the origin's too, and would be most of
    // the usage this test reads. What is measured here is the engine's store against the quota.
    const context = await browser.newContext({ serviceWorkers: 'block' });
    test.info().setTimeout(60_000);
    const page = await context.newPage();
    const quota = 600 * 1024;
    // A page of the origin without the app: the override must be in place before the database is first opened (one
    // opened earlier, by the app at '/', kept its backing store across the navigation and was never refused, in 4
    // runs out of 13 once the store opened in constant time).
    await page.goto('/kestrel.svg');
    const cdp = await page.context().newCDPSession(page);
    const origin = new URL(page.url()).origin;
    await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: quota });
    await openMap(page, { hash: view });
    for (const [lng, lat] of elsewhere) {
      await page.evaluate(([lng, lat]) => void window.kestrel.map.jumpTo({ center: [lng, lat], zoom: 6 }), [lng, lat]);
      await page.evaluate(() => window.kestrel.idle());
      const stats = await page.evaluate(() => window.kestrel.stats());
      expect((await page.evaluate(() => window.kestrel.tiles())).inView.errored, JSON.stringify([stats?.failures, stats?.cache.idb])).toBe(0);
    }
    await settleWrites(page);
    // The witness is the database itself, read by the page: the bytes of every stored tile. (The origin's usage from
    // navigator.storage.estimate() also counts the database files' own overhead and free pages, which Chromium 150
    // reports above a 600 KiB override although it refuses the writes that would pass it.)
    const stored = await page.evaluate(
      () =>
        new Promise<number>((resolve, reject) => {
          const open = indexedDB.open('kestrel');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            let sum = 0;
            const cursor = open.result.transaction('tileBytes').objectStore('tileBytes').openCursor();
            cursor.onerror = () => reject(cursor.error);
            cursor.onsuccess = () => {
              const at = cursor.result;
              if (!at) return resolve(sum), open.result.close();
              sum += (at.value as ArrayBuffer | null)?.byteLength ?? 0;
              at.continue();
            };
          };
        }),
    );
    const stats = (await page.evaluate(() => window.kestrel.stats()))!;
    expect(stored, 'tile bytes stored in IndexedDB').toBeLessThanOrEqual(quota);
    expect(stored, 'the store kept tiles').toBeGreaterThan(0);
    expect(stats.cache.idb.quotaErrors, 'the quota was reached (the browser refused a write)').toBeGreaterThan(0);
    expect(stats.cache.idb.bytes).toBeLessThanOrEqual(quota);
    expect(['ok', 'degraded']).toContain(stats.cache.idb.status);
    await context.close();
  });

  test('site data cleared while the app runs: no crash, tiles keep coming', async ({ page, pageErrors }) => {
    await openMap(page, { hash: view });
    await settleWrites(page);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Storage.clearDataForOrigin', { origin: new URL(page.url()).origin, storageTypes: 'all' });
    for (const [lng, lat] of elsewhere.slice(0, 3)) {
      await page.evaluate(([lng, lat]) => void window.kestrel.map.jumpTo({ center: [lng, lat], zoom: 5 }), [lng, lat]);
      await page.evaluate(() => window.kestrel.idle());
      const stats = await page.evaluate(() => window.kestrel.stats());
      expect((await page.evaluate(() => window.kestrel.tiles())).inView.errored, JSON.stringify([stats?.failures, stats?.cache.idb])).toBe(0);
    }
    await expect
      .poll(async () => JSON.stringify((await page.evaluate(() => window.kestrel.stats()))!.cache.idb), { timeout: 10_000 })
      .toContain('"status":"ok"');
    expect(pageErrors).toEqual([]);
  });

  test('with IndexedDB blocked the map works from memory and network, and says so', async ({ page }) => {
    // as in a private window that refuses storage: opening any database throws
    await page.addInitScript(() => {
      indexedDB.open = () => {
        throw new DOMException('The user denied permission to access the database.', 'SecurityError');
      };
    });
    await openMap(page, { hash: view });
    await expect.poll(async () => (await page.evaluate(() => window.kestrel.stats()))!.cache.idb.status).toBe('unavailable');
    const stats = (await page.evaluate(() => window.kestrel.stats()))!;
    expect((await page.evaluate(() => window.kestrel.tiles())).inView, JSON.stringify([stats.failures, stats.requests])).toMatchObject({ errored: 0, loading: 0 });
    await expect(page.getByTestId('notice-idb')).toContainText('memory only');
    // memory still answers: a refresh is served without the network
    await page.evaluate(() => window.kestrel.resetStats());
    await page.evaluate(() => window.kestrel.map.refreshTiles('kestrel'));
    await page.evaluate(() => window.kestrel.idle());
    expect((await page.evaluate(() => window.kestrel.stats()))!.cache.hits.memory).toBeGreaterThan(0);
  });

  test('clearCache, invalidate and coverage are part of the window contract', async ({ page }) => {
    await openMap(page, { hash: view });
    const bbox: [number, number, number, number] = await page.evaluate(() => window.kestrel.map.getBounds().toArray().flat() as [number, number, number, number]);
    const zoom = await page.evaluate(() => Math.floor(window.kestrel.map.getZoom()));
    const covered = await page.evaluate(([b, z]) => window.kestrel.coverage(b as [number, number, number, number], z as number), [bbox, zoom] as const);
    expect(covered.length).toBeGreaterThan(0);
    const dropped = await page.evaluate((b) => window.kestrel.invalidate(b as [number, number, number, number]), bbox);
    expect(dropped).toBeGreaterThanOrEqual(covered.length);
    expect(await page.evaluate(([b, z]) => window.kestrel.coverage(b as [number, number, number, number], z as number), [bbox, zoom] as const)).toEqual([]);
    await page.evaluate(() => window.kestrel.clearCache());
    await setFaults({});
    await resetServer();
    await reloadAndSettle(page);
    expect((await serverStats()).requests, 'after clearCache the reload goes to the network').toBeGreaterThan(0);
  });
});
