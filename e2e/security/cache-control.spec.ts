import type { Page } from '@playwright/test';
import { startTileServer, type TileServer } from '../../tile-server/tile-server.ts';
import { createTiler } from '../../tile-server/tiler.ts';
import { dumpIndexedDb } from '../chaos/page-probes.ts';
import { expect, test } from '../fixtures.ts';

// Our own tile servers (port 0), one per Cache-Control policy, sharing one tiler so the data loads once.
let noStore: TileServer;
let privateOnly: TileServer;

test.beforeAll(async () => {
  const tiler = createTiler();
  noStore = await startTileServer({ port: 0, cacheControl: 'no-store', tiler, log: () => {} });
  privateOnly = await startTileServer({ port: 0, cacheControl: 'private, max-age=3600', tiler, log: () => {} });
});
test.afterAll(async () => {
  await noStore?.close();
  await privateOnly?.close();
});

// Prefetch off: the subject is what each Cache-Control policy lets the engine keep and serve. With it on, a reloaded
// page's ring at rest asks for neighbours the last visit's waste budget did not fetch, which says nothing of caching.
async function browse(page: Page, server: TileServer): Promise<void> {
  await page.goto(`/?${new URLSearchParams({ style: `${server.url}/style.json`, prefetch: 'off' })}#5/47/5`);
  await page.evaluate(() => window.kestrel.ready);
  await page.evaluate(() => window.kestrel.idle());
  await page.evaluate(() => void window.kestrel.map.jumpTo({ center: [-95, 40], zoom: 5 }));
  await page.evaluate(() => window.kestrel.idle());
  // the batched IndexedDB writes land a few tens of ms behind the tiles
  await page.waitForTimeout(500);
}

const tileRecords = (keys: string[], server: TileServer) => keys.filter((key) => key.includes(`${new URL(server.url).host}/tiles/`));

test.describe('Cache-Control on tiles', () => {
  test('no-store is never persisted, nor kept in memory: every ask goes to the network', async ({ page }) => {
    await browse(page, noStore);
    const dump = await dumpIndexedDb(page);
    expect(tileRecords(dump.tileBytes.map((r) => r.key), noStore), 'no-store tiles in IndexedDB').toEqual([]);
    const stats = (await page.evaluate(() => window.kestrel.stats()))!;
    expect(stats.requests.ok).toBeGreaterThan(0);
    expect(stats.cache.memory.entries, 'memory entries (the style may be one)').toBeLessThanOrEqual(1);

    noStore.resetStats();
    await page.evaluate(() => window.kestrel.resetStats());
    await page.evaluate(() => window.kestrel.map.refreshTiles('kestrel'));
    await page.evaluate(() => window.kestrel.idle());
    const again = (await page.evaluate(() => window.kestrel.stats()))!;
    expect(noStore.stats().requests, 'tiles asked again reach the server').toBeGreaterThan(0);
    expect(again.cache.hits.memory + again.cache.hits.idb).toBe(0);
  });

  // Kestrel is a private (per-profile) cache, so `private` tiles are stored; the witness that they serve is the
  // tile server's own count: a reload asks it for nothing. (Another profile not seeing them is the browser's
  // storage isolation, not ours to test.) clearCache() then removes them: the next reload reaches the server.
  test('private is kept and serves a reload, and clearCache() removes it', async ({ page }) => {
    await browse(page, privateOnly);
    const dump = await dumpIndexedDb(page);
    expect(tileRecords(dump.tileBytes.map((r) => r.key), privateOnly).length, 'private tiles cached in this profile').toBeGreaterThan(0);
    privateOnly.resetStats();
    await page.reload();
    await page.evaluate(() => window.kestrel.ready);
    await page.evaluate(() => window.kestrel.idle());
    expect(privateOnly.stats().byTile, 'a reload of the same view asked the server for no tile').toEqual({});

    await page.evaluate(() => window.kestrel.clearCache());
    const cleared = await dumpIndexedDb(page);
    expect(cleared.tileBytes, 'tile bytes after clearCache()').toEqual([]);
    expect(cleared.stores.tiles ?? 0).toBe(0);
    privateOnly.resetStats();
    await page.reload();
    await page.evaluate(() => window.kestrel.ready);
    await page.evaluate(() => window.kestrel.idle());
    expect(privateOnly.stats().requests, 'after clearCache the reload goes to the network').toBeGreaterThan(0);
  });
});
