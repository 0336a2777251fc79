import { readFile } from 'node:fs/promises';
import type { CDPSession, Locator, Page } from '@playwright/test';
import { expect, openMap, resetServer, test, tileUrl } from './fixtures.ts';

const view = '4/45/10';
const tileHost = new URL(tileUrl).host;

const figure = (page: Page, id: string) => page.getByTestId(id);
const dataValue = async (locator: Locator) => Number((await locator.getAttribute('data-value')) ?? NaN);

// Prometheus text exposition 0.0.4: `name{label="value",...} value [timestamp]`.
const LABEL = String.raw`[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*"`;
const SAMPLE = new RegExp(
  String.raw`^[a-zA-Z_:][a-zA-Z0-9_:]*(?:\{(?:${LABEL}(?:,${LABEL})*,?)?\})? ` +
    String.raw`(?:[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|[+-]?Inf|NaN)(?: -?\d+)?$`,
);
const TYPE_LINE = /^# TYPE [a-zA-Z_:][a-zA-Z0-9_:]* (?:counter|gauge|histogram|summary|untyped)$/;
const HELP_LINE = /^# HELP [a-zA-Z_:][a-zA-Z0-9_:]* .*$/;

async function openWithOverlay(page: Page): Promise<void> {
  await openMap(page, { hash: view, params: { perf: '1' } });
  await expect(page.getByTestId('overlay-root')).toBeVisible();
  await expect.poll(() => dataValue(figure(page, 'overlay-network-requests'))).toBeGreaterThan(0);
}

// Seconds the renderer's main thread has spent running tasks since the page started (Chromium's own tally).
async function mainThreadSeconds(cdp: CDPSession): Promise<number> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return metrics.find((m) => m.name === 'TaskDuration')?.value ?? NaN;
}

test.describe('the performance overlay', () => {
  test.beforeEach(resetServer);

  test('?perf=1 opens it, and its figures follow the engine once the map has loaded', async ({ page, pageErrors }) => {
    await openWithOverlay(page);
    const stats = (await page.evaluate(() => window.kestrel.stats()))!;
    expect(stats.requests.total).toBeGreaterThan(0);
    // network p50 is a number of ms, drawn from the same window the engine reports
    await expect.poll(() => dataValue(figure(page, 'overlay-latency-network-p50'))).toBeGreaterThan(0);
    expect(await dataValue(figure(page, 'overlay-latency-network-count'))).toBeGreaterThan(0);
    await expect(page.getByTestId('overlay-latency-chart')).toBeVisible();
    // one breaker per host, with its state
    const breaker = page.locator(`[data-testid="overlay-breaker"][data-host="${tileHost}"]`);
    await expect(breaker).toHaveAttribute('data-state', 'closed');
    await expect(page.getByTestId(`overlay-breaker-state-${tileHost}`)).toBeVisible();
    expect(pageErrors).toEqual([]);
  });

  test('Shift+P toggles it; the button opens it and it stays open across a reload', async ({ page }) => {
    await openMap(page, { hash: view });
    const root = page.getByTestId('overlay-root');
    const opener = page.getByTestId('overlay-open-button');
    await expect(root).toHaveCount(0);
    await expect(opener).toHaveAttribute('title', /Shift\+P/);

    await page.locator('#map canvas').focus();
    await page.keyboard.press('Shift+P');
    await expect(root).toBeVisible();
    await page.keyboard.press('Shift+P');
    await expect(root).toHaveCount(0);

    await opener.click();
    await expect(root).toBeVisible();
    await page.reload();
    await page.waitForFunction(() => window.kestrel !== undefined);
    await expect(root).toBeVisible();
    await expect.poll(() => dataValue(figure(page, 'overlay-network-requests'))).toBeGreaterThan(0);
  });

  test('collapses and expands, and a drag on the map beside it still pans the map', async ({ page }) => {
    await openWithOverlay(page);
    const root = page.getByTestId('overlay-root');
    await page.getByTestId('overlay-collapse').click();
    await expect(root).toHaveAttribute('data-collapsed', 'true');
    await expect(page.getByTestId('overlay-section-latency')).toHaveCount(0);
    await page.getByTestId('overlay-collapse').click();
    await expect(root).toHaveAttribute('data-collapsed', 'false');
    await expect(page.getByTestId('overlay-section-latency')).toBeVisible();

    const panel = (await root.boundingBox())!;
    const start = { x: 600, y: 380 };
    expect(start.x > panel.x + panel.width || start.y > panel.y + panel.height, 'the drag starts outside the panel').toBe(true);
    const before = await page.evaluate(() => window.kestrel.map.getCenter().lng);
    await page.mouse.move(start.x, start.y);
    await page.mouse.down();
    await page.mouse.move(start.x - 150, start.y + 20, { steps: 8 });
    await page.mouse.up();
    await expect.poll(() => page.evaluate(() => window.kestrel.map.getCenter().lng)).toBeGreaterThan(before + 1);
  });

  test('Download JSON saves the snapshot on screen, and the Prometheus export parses', async ({ page }) => {
    await openWithOverlay(page);
    const [json] = await Promise.all([page.waitForEvent('download'), page.getByTestId('overlay-export-json').click()]);
    expect(json.suggestedFilename()).toMatch(/^kestrel-perf-.*\.json$/);
    const snapshot = JSON.parse(await readFile((await json.path())!, 'utf8')) as { stats: { requests: { total: number } }; vitals: object };
    expect(snapshot.stats.requests.total).toBeGreaterThan(0);
    expect(snapshot.vitals).toBeDefined();
    await expect(page.getByTestId('overlay-export-status')).toHaveText('Saved JSON');

    const [prom] = await Promise.all([page.waitForEvent('download'), page.getByTestId('overlay-export-prometheus').click()]);
    const text = await readFile((await prom.path())!, 'utf8');
    const lines = text.split('\n').filter((line) => line.length > 0);
    const samples = lines.filter((line) => !line.startsWith('#'));
    expect(samples.length).toBeGreaterThan(10);
    for (const line of samples) expect(line, 'a sample line').toMatch(SAMPLE);
    for (const line of lines.filter((l) => l.startsWith('# TYPE'))) expect(line).toMatch(TYPE_LINE);
    for (const line of lines.filter((l) => l.startsWith('# HELP'))) expect(line).toMatch(HELP_LINE);
    // every sample belongs to a family declared with # TYPE
    const families = new Set(lines.filter((l) => l.startsWith('# TYPE')).map((l) => l.split(' ')[2]));
    for (const line of samples) {
      const name = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line)![0];
      expect([...families].some((family) => name === family || name.startsWith(`${family}_`)), name).toBe(true);
    }
  });

  test('a budget set in localStorage turns network p95 red when crossed', async ({ page }) => {
    // any real network latency is over 0 ms
    await page.addInitScript(() => localStorage.setItem('kestrel.perf.budgets', JSON.stringify({ networkP95: { warn: 0, bad: 0 } })));
    await openWithOverlay(page);
    const p95 = figure(page, 'overlay-latency-network-p95');
    await expect(p95).toHaveAttribute('data-status', 'bad');
    // p50 carries no budget: the override colours only the figure it is about
    await expect(figure(page, 'overlay-latency-network-p50')).toHaveAttribute('data-status', 'ok');
  });

  test('the Tile sources box draws each visible tile coloured by where it came from, over the cached coverage', async ({ page }) => {
    await openWithOverlay(page);
    await page.getByTestId('overlay-tile-boundaries').check();
    const sourceFeatures = () =>
      page.evaluate(async () => {
        const source = window.kestrel.map.getSource('kestrel-tile-sources') as unknown as { getData(): Promise<GeoJSON.FeatureCollection> } | undefined;
        const data = await source?.getData();
        return (data?.features ?? []).map((f) => (f.properties as { source: string }).source);
      });
    await expect.poll(() => page.evaluate(() => Boolean(window.kestrel.map.getLayer('kestrel-tile-sources-line')))).toBe(true);
    expect(await page.evaluate(() => Boolean(window.kestrel.map.getLayer('kestrel-tile-coverage-fill')))).toBe(true);
    // a cold cache: the tiles on screen came over the network
    await expect.poll(async () => (await sourceFeatures()).filter((s) => s === 'network').length).toBeGreaterThan(0);
    const legend = page.getByTestId('tile-sources-legend');
    await expect(legend).toBeVisible();
    await expect.poll(() => dataValue(legend.getByTestId('tile-sources-count-network'))).toBeGreaterThan(0);
    // what the engine just fetched is cached now, so the rbush index reports coverage at this zoom
    await expect.poll(() => dataValue(legend.getByTestId('tile-sources-count-cached'))).toBeGreaterThan(0);

    // unticking removes the layer and its legend
    await page.getByTestId('overlay-tile-boundaries').uncheck();
    await expect.poll(() => page.evaluate(() => Boolean(window.kestrel.map.getLayer('kestrel-tile-sources-line')))).toBe(false);
    await expect(legend).toHaveCount(0);

    // after a reload the same tiles come from the cache (IndexedDB, read into memory by the warm start), and the
    // outlines say so
    await page.waitForTimeout(400);
    await page.reload();
    await page.waitForFunction(() => window.kestrel !== undefined);
    await page.evaluate(() => window.kestrel.ready);
    await page.evaluate(() => window.kestrel.idle());
    await page.getByTestId('overlay-tile-boundaries').check();
    await expect.poll(async () => (await sourceFeatures()).filter((s) => s === 'memory' || s === 'idb').length).toBeGreaterThan(0);

    // closing the panel takes its layer off the map
    await page.getByTestId('overlay-close').click();
    await expect.poll(() => page.evaluate(() => Boolean(window.kestrel.map.getLayer('kestrel-tile-sources-line')))).toBe(false);
  });

  test('window.kestrel.vitals() reports at least FCP and TTFB after load', async ({ page }) => {
    await openMap(page, { hash: view });
    await expect
      .poll(() => page.evaluate(() => window.kestrel.vitals() as Record<string, { value: number } | null>))
      .toMatchObject({ FCP: { value: expect.any(Number) }, TTFB: { value: expect.any(Number) } });
  });

  // A figure for the report, not a pass/fail timing: software WebGL on a shared 2-core machine is too noisy for that.
  test("the overlay's own main-thread cost, measured", async ({ page }) => {
    test.setTimeout(120_000);
    await openWithOverlay(page);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const root = page.getByTestId('overlay-root');
    const windowMs = 5000;
    // the map is idle: what the main thread does is the overlay (open) or nothing much (closed)
    const idle: Record<'open' | 'closed', number[]> = { open: [], closed: [] };
    for (const state of ['closed', 'open', 'closed', 'open'] as const) {
      const isOpen = (await root.count()) > 0;
      if ((state === 'open') !== isOpen) await page.keyboard.press('Shift+P');
      await expect(root).toHaveCount(state === 'open' ? 1 : 0);
      await page.waitForTimeout(500);
      const before = await mainThreadSeconds(cdp);
      await page.waitForTimeout(windowMs);
      idle[state].push(((await mainThreadSeconds(cdp)) - before) * 1000 / (windowMs / 1000));
    }
    const selfIdle = await dataValue(figure(page, 'overlay-cost'));

    // and while the map pans: the overlay's own meter (pull + update + render/commit), over its 5 s window
    const panUntil = Date.now() + 6000;
    while (Date.now() < panUntil) {
      await page.evaluate(() => void window.kestrel.map.panBy([160, 40], { duration: 500 }));
      await page.waitForTimeout(550);
    }
    const selfPanning = await dataValue(figure(page, 'overlay-cost'));
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const result = {
      overlaySelfReportedIdleMsPerS: selfIdle,
      overlaySelfReportedPanningMsPerS: selfPanning,
      mainThreadIdleOpenMsPerS: mean(idle.open),
      mainThreadIdleClosedMsPerS: mean(idle.closed),
    };
    console.log(`overlay cost: ${JSON.stringify(result)}`);
    test.info().annotations.push({ type: 'overlay cost', description: JSON.stringify(result) });
    // The stated bound: open costs the main thread under 50 ms per second more than closed (5 % of one core),
    // and the overlay's own meter stays under it while the map pans. Measured here: 5–8 ms/s self-reported,
    // about 13 ms/s open − closed (CDP TaskDuration, which also counts the browser's work for the panel).
    const OVERLAY_COST_BOUND_MS_PER_S = 50;
    expect(Number.isFinite(selfPanning)).toBe(true);
    expect(selfPanning, 'overlay self-reported cost while panning, ms/s').toBeLessThan(OVERLAY_COST_BOUND_MS_PER_S);
    expect(result.mainThreadIdleOpenMsPerS - result.mainThreadIdleClosedMsPerS, 'main-thread ms/s, open − closed').toBeLessThan(
      OVERLAY_COST_BOUND_MS_PER_S,
    );
  });
});
