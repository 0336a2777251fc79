import type { Page } from '@playwright/test';
import { expect, openMap, resetServer, resetServerStats, serverStats, setFaults, test } from './fixtures.ts';

// Prefetch off: every tile in the cache at a zoom MapLibre has not shown came from the saved area, not a guess.
const params = { prefetch: 'off' };

async function openPanel(page: Page) {
  await page.getByTestId('offline-open-button').click();
  await expect(page.getByTestId('offline-panel')).toBeVisible();
}

async function pickZooms(page: Page, from: number, to: number) {
  await page.getByTestId('offline-min-zoom').fill(String(from));
  await page.getByTestId('offline-max-zoom').fill(String(to));
}

// "42 tiles · about 3.4 MB · 1,234,567 km²" once the engine has planned the area
async function plannedTiles(page: Page): Promise<number> {
  const estimate = page.getByTestId('offline-estimate');
  await expect(estimate).toHaveText(/^[\d,]+ tiles · about [\d.]+ [kMGT]?B · [\d,.]+ km²$/);
  return Number((await estimate.textContent())!.split(' ')[0].replace(/,/g, ''));
}

async function viewBBox(page: Page): Promise<[number, number, number, number]> {
  return page.evaluate(() => {
    const b = window.kestrel.map.getBounds();
    return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()] as [number, number, number, number];
  });
}

function tileRequests(stats: { byTile: Record<string, number> }): number {
  return Object.values(stats.byTile).reduce((sum, n) => sum + n, 0);
}

test.describe('saving an area for offline use', () => {
  test.beforeEach(resetServer);
  test.afterAll(resetServer);

  test('shows count and size first, saves with progress to 100 %, then renders a zoom never shown with the network off', async ({ page, context, pageErrors }) => {
    await openMap(page, { hash: '5/45/-95', params });
    const bbox = await viewBBox(page);
    await openPanel(page);
    await pickZooms(page, 5, 6);
    const tiles = await plannedTiles(page);
    expect(tiles, 'a few dozen tiles').toBeGreaterThan(10);
    expect(tiles).toBeLessThan(100);
    await expect(page.getByTestId('offline-refusal')).toHaveCount(0);

    await resetServerStats();
    const started = Date.now();
    await page.getByTestId('offline-save').click();
    const row = page.getByTestId('offline-area');
    const progress = row.getByRole('progressbar');
    await expect(progress).toHaveAttribute('aria-valuenow', '100', { timeout: 20_000 });
    const seconds = (Date.now() - started) / 1000;
    await expect(row).toHaveAttribute('data-status', 'done');
    const counts = await row.getByTestId('offline-area-counts').textContent();
    expect(counts).toContain(`${tiles} / ${tiles} tiles`);
    test.info().annotations.push({ type: 'saved area', description: `${counts} in ${seconds.toFixed(1)} s (server saw ${tileRequests(await serverStats())} tile requests)` });

    const cached = await page.evaluate(async (b) => (await window.kestrel.coverage(b, 5)).length + (await window.kestrel.coverage(b, 6)).length, bbox);
    expect(cached, 'every planned tile is in the cache').toBeGreaterThanOrEqual(tiles);

    await context.setOffline(true);
    await page.evaluate(() => window.kestrel.resetStats());
    await resetServerStats();
    // z6 inside the saved box: MapLibre has shown z5 only, so every tile here is asked for the first time
    await page.evaluate(() => void window.kestrel.map.jumpTo({ center: [-93, 46], zoom: 6 }));
    await page.evaluate(() => window.kestrel.idle());
    const shown = await page.evaluate(() => window.kestrel.tiles());
    const stats = (await page.evaluate(() => window.kestrel.stats()))!;
    expect(shown.inView).toMatchObject({ errored: 0, loading: 0 });
    expect(shown.inView.loaded).toBeGreaterThan(0);
    expect(stats.cache.hits.memory + stats.cache.hits.idb, JSON.stringify(stats.cache.hits)).toBeGreaterThan(0);
    expect(stats.cache.hits.network).toBe(0);
    expect(stats.requests.failed).toBe(0);
    expect(tileRequests(await serverStats()), 'tile requests reaching the server').toBe(0);
    await context.setOffline(false);
    expect(pageErrors).toEqual([]);
  });

  test('refuses the whole world at z0–14 and says why', async ({ page }) => {
    await openMap(page, { hash: '0.5/20/0', params });
    await openPanel(page);
    await pickZooms(page, 0, 14);
    const refusal = page.getByTestId('offline-refusal');
    await expect(refusal).toContainText('Too large to save');
    await expect(refusal).toContainText(/[\d,]+ tiles is [\d,]+× the limit of 20,000 tiles/);
    await expect(refusal).toContainText('the limit of 500 MB');
    await expect(page.getByTestId('offline-save')).toBeDisabled();
  });

  test('a reload mid-download resumes where it left off, without fetching saved tiles again', async ({ page }) => {
    await openMap(page, { hash: '6/45/-95', params });
    await openPanel(page);
    await pickZooms(page, 6, 8);
    const tiles = await plannedTiles(page);
    expect(tiles).toBeGreaterThan(40);
    await setFaults({ latencyMs: { base: 300, jitter: 0 } });
    await resetServerStats();
    await page.getByTestId('offline-save').click();
    const progress = page.getByTestId('offline-area').getByRole('progressbar');
    await expect.poll(async () => Number(await progress.getAttribute('aria-valuenow')), { timeout: 20_000 }).toBeGreaterThanOrEqual(25);
    const atReload = await progress.getAttribute('aria-valuenow');
    expect(Number(atReload), 'the reload comes mid-download').toBeLessThan(100);

    await page.reload();
    await page.waitForFunction(() => window.kestrel !== undefined);
    await openPanel(page);
    const after = page.getByTestId('offline-area');
    await expect(after.getByRole('progressbar')).toHaveAttribute('aria-valuenow', '100', { timeout: 30_000 });
    await expect(after).toHaveAttribute('data-status', 'done');
    const server = await serverStats();
    // a tile in flight when the page went away may be asked again after the reload; nothing else is
    expect(Math.max(...Object.values(server.byTile))).toBeLessThanOrEqual(2);
    expect(tileRequests(server)).toBeLessThanOrEqual(tiles + 8);
    test.info().annotations.push({ type: 'resumed area', description: `${tiles} tiles, reloaded at ${atReload} %, server saw ${tileRequests(server)} tile requests` });
  });
});
