import type { Page } from '@playwright/test';
import type { PrefetchStats } from '../packages/kestrel/src/contract/engine-api.ts';
import { lngLatToTile } from '../packages/kestrel/src/engine/tile-math.ts';
import { expect, FAR_VIEWS, openMap, resetServer, resetServerStats, serverStats, setFaults, test } from './fixtures.ts';
import { measurePan, PAN, PAN_HASH, scriptedPan, warmServer } from './prefetch-pan.ts';

// MapLibre's own record of the tiles it asked for ("z/x/y", from its `sourcedataloading` events) from now on: a tile
// the server sent that is not among them was fetched by prefetch and never wanted.
async function recordAskedTiles(page: Page): Promise<void> {
  await page.evaluate(() => {
    const asked = new Set<string>();
    (window as unknown as { asked: Set<string> }).asked = asked;
    window.kestrel.map.on('sourcedataloading', (e: { tile?: { tileID: { canonical: { z: number; x: number; y: number } } } }) => {
      const c = e.tile?.tileID.canonical;
      if (c) asked.add(`${c.z}/${c.x}/${c.y}`);
    });
  });
}

async function askedTiles(page: Page): Promise<Set<string>> {
  return new Set(await page.evaluate(() => [...(window as unknown as { asked: Set<string> }).asked]));
}

// A continuous pan at 100 ms server latency: with prefetch, MapLibre's requests during the pan find tiles
// already in memory; with ?prefetch=off the engine issues none.
test.describe('prefetch', () => {
  test.beforeAll(async () => {
    await resetServer();
    await warmServer();
  });

  test.beforeEach(async () => {
    await setFaults({ latencyMs: { base: 100, jitter: 0 } });
  });

  test.afterEach(async () => {
    await resetServer();
  });

  test('tiles ahead of a pan are in memory before MapLibre asks for them', async ({ page, pageErrors }) => {
    await openMap(page, { hash: PAN_HASH });
    const figures = await measurePan(page, 'engine');
    const p = figures.prefetch!;
    expect(p.enabled).toBe(true);
    expect(p.issued).toBeGreaterThan(0);
    expect(p.used, JSON.stringify(p)).toBeGreaterThan(0);
    expect(p.hitRatio, JSON.stringify(p)).toBeGreaterThan(0);
    // prefetch never shows MapLibre anything wrong: every tile it asked for arrived
    expect(figures.tiles.errored).toBe(0);
    expect(figures.tiles.pending).toBe(0);
    expect(pageErrors).toEqual([]);
  });

  test('?prefetch=off issues no prefetch', async ({ page, pageErrors }) => {
    await openMap(page, { hash: PAN_HASH, params: { prefetch: 'off' } });
    const figures = await measurePan(page, 'prefetch off');
    expect(figures.prefetch).toMatchObject({ enabled: false, issued: 0, used: 0, hitRatio: 0 });
    expect(figures.tiles.errored).toBe(0);
    expect(pageErrors).toEqual([]);
  });

  // A reversal: east at 1500 px/s for 3 s, then west for 4 s (well past where the pan began). The engine runs with
  // 3 slots, so one goes to prefetch and visible tiles go first: east prefetches pile up in the queue during the
  // pan. When the prediction turns they must be dropped, not fetched late. The server's arrival log shows it: tiles east of
  // the view at the turn (which the user never sees again) were asked for before the turn, and none after it.
  test('a pan that reverses cancels the prefetch for the old direction', async ({ page, pageErrors }) => {
    const west = { ...PAN, start: { ...PAN.start, lng: PAN.start.lng - 70 } };
    await warmServer(west);
    await openMap(page, { hash: PAN_HASH, params: { maxInFlight: '3' } });
    await page.evaluate(() => window.kestrel.resetStats());
    await resetServerStats();

    await scriptedPan(page, { ...PAN, pxPerS: 1500, durationMs: 3000 });
    const turn = await page.evaluate(() => {
      const map = window.kestrel.map;
      return { east: map.getBounds().getEast(), lat: map.getCenter().lat, zoom: Math.floor(map.getZoom()) };
    });
    const turnedAt = (await serverStats()).now;
    await scriptedPan(page, { ...PAN, pxPerS: -1500, durationMs: 4000 });
    await page.evaluate(() => window.kestrel.idle());

    const server = await serverStats();
    const stats = await page.evaluate(() => window.kestrel.stats());
    if (!stats) throw new Error('the page is not running the engine (window.kestrel.stats() is null)');
    // The columns just east of the view at the turn: only a prediction of the eastward pan asks for those.
    const eastEdge = Math.floor(lngLatToTile(turn.east, turn.lat, turn.zoom).x);
    const ahead = Object.entries(server.byTileTimes ?? {}).filter(([key]) => {
      const [z, x] = key.split('/').map(Number);
      return z === turn.zoom && x > eastEdge && x <= eastEdge + 6;
    });
    const arrivals = ahead.flatMap(([, times]) => times);
    // The motion model needs a few camera snapshots to see the turn (EWMA over ~300 ms, snapshots every ~100 ms,
    // replans every 150 ms). With the engine's cancellation disabled, this run's queue of eastward prefetches
    // kept reaching the server up to ~800 ms after the turn (5 tiles past 500 ms); with it, the last one arrived
    // before the turn.
    const GRACE_MS = 500;
    const before = arrivals.filter((t) => t <= turnedAt).length;
    const late = ahead.filter(([, times]) => times.some((t) => t > turnedAt + GRACE_MS)).map(([key]) => key);
    test.info().annotations.push({
      type: 'prefetch reversal',
      description: `east of the view at the turn: ${before} requests before it, ${arrivals.length - before} after (late: ${late.length}); engine prefetch cancelled ${stats.prefetch.cancelled}, issued ${stats.prefetch.issued}`,
    });
    expect(before, 'the engine prefetched ahead of the eastward pan').toBeGreaterThan(0);
    expect(late, `tiles of the old direction requested more than ${GRACE_MS} ms after the turn`).toEqual([]);
    expect(stats.prefetch.cancelled, JSON.stringify(stats.prefetch)).toBeGreaterThan(0);
    expect(pageErrors).toEqual([]);
  });

  // Nobody looks at a hidden map: its guesses only spend the user's data. A pan that ends with prefetch queued
  // behind 2 slots at 300 ms latency, then the tab goes to the background (headless pages are never hidden: the page
  // is told so as the browser would tell it). The server's log against MapLibre's own tile events is the witness:
  // hidden, the server gets none of the tiles MapLibre never asked for; the same pan left in front sends many (its
  // queue and the ring at rest), and the hidden page sends them again once back in front.
  test('a page in the background drops its queued prefetch and guesses nothing until it is in front again', async ({ browser }) => {
    test.setTimeout(90_000);
    await setFaults({ latencyMs: { base: 300, jitter: 0 } });
    const unasked: Record<string, number> = {};
    let hiddenStats: PrefetchStats | undefined;
    for (const hide of [false, true]) {
      const context = await browser.newContext();
      const page = await context.newPage();
      try {
        // the waste budget off, so what is measured is the page's visibility, not the budget's allowance
        await openMap(page, { hash: PAN_HASH, params: { engineOptions: JSON.stringify({ maxInFlight: 2, prefetch: { maxWasteShare: 1 } }) } });
        await recordAskedTiles(page);
        const unaskedSent = async () => {
          const asked = await askedTiles(page);
          return Object.keys((await serverStats()).byTile).filter((k) => !asked.has(k)).length;
        };
        await scriptedPan(page, { ...PAN, pxPerS: 1500, durationMs: 1500 });
        if (hide) {
          await page.evaluate(() => {
            Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
            document.dispatchEvent(new Event('visibilitychange'));
          });
          // Counted from the moment the engine has been told (its stats come back on the same channel after it):
          // a fresh-clone CI run that counted from just before the page was hidden saw 4 guesses leave meanwhile,
          // slots freeing up while the message crossed a loaded machine.
          hiddenStats = (await page.evaluate(() => window.kestrel.stats()))?.prefetch;
        }
        await resetServerStats();
        await page.evaluate(() => window.kestrel.idle());
        // the ring at rest is planned 600 ms after the camera stops; give it time to go out
        await page.waitForTimeout(3000);
        await page.evaluate(() => window.kestrel.idle());
        unasked[hide ? 'hidden' : 'front'] = await unaskedSent();
        if (hide) {
          await resetServerStats();
          await page.evaluate(() => {
            Object.defineProperty(document, 'visibilityState', { value: 'visible', configurable: true });
            document.dispatchEvent(new Event('visibilitychange'));
          });
          await page.waitForTimeout(3000);
          unasked['back in front'] = await unaskedSent();
        }
      } finally {
        await context.close();
      }
    }
    const detail = JSON.stringify(unasked);
    console.log(`tiles the server sent that MapLibre never asked for, after a pan: ${detail}`);
    expect(unasked.front, `the pan left in front sends guesses: ${detail}`).toBeGreaterThanOrEqual(8);
    // at most one guess already on its way to the server when the engine was told
    expect(unasked.hidden, `hidden: ${detail}`).toBeLessThanOrEqual(1);
    expect(unasked['back in front'], `back in front: ${detail}`).toBeGreaterThan(0);
    // and the engine says why it was quiet
    expect(hiddenStats).toMatchObject({ enabled: false, disabledBy: 'background' });
  });

  // The waste budget, witnessed by the server's log and by MapLibre's own tile events: a tile the server sent that
  // MapLibre never asked for is prefetch wasted. A map that opens, rests, then jumps to a search result and rests
  // again: each rest plans a ring of neighbours, and nobody pans into them. With the budget the first ring's misses
  // hold back the second; with the budget off (maxWasteShare 1) every ring goes out whole.
  test('the waste budget stops a ring of neighbours nobody pans into from being fetched again and again', async ({ browser }) => {
    const seen: Record<string, { sent: number; unasked: string[]; held: number; ring: number }> = {};
    for (const [name, params] of [
      ['budget 0.2', { perf: '1' }],
      ['no budget', { engineOptions: JSON.stringify({ prefetch: { maxWasteShare: 1 } }) }],
    ] as const) {
      const context = await browser.newContext();
      const page = await context.newPage();
      try {
        await openMap(page, { hash: PAN_HASH, params });
        // the first rest: its ring is planned 600 ms after the camera stopped
        await page.waitForTimeout(2000);
        await page.evaluate(() => window.kestrel.idle());
        await recordAskedTiles(page);
        await resetServerStats();
        await page.evaluate(([lng, lat]) => void window.kestrel.map.jumpTo({ center: [lng, lat], zoom: 5 }), FAR_VIEWS[1]);
        await page.evaluate(() => window.kestrel.idle());
        await page.waitForTimeout(2000);
        await page.evaluate(() => window.kestrel.idle());
        const asked = await askedTiles(page);
        const sent = Object.keys((await serverStats()).byTile);
        const prefetch = (await page.evaluate(() => window.kestrel.stats()))?.prefetch;
        seen[name] = { sent: sent.length, unasked: sent.filter((k) => !asked.has(k)), held: prefetch?.heldByWasteBudget ?? -1, ring: prefetch?.byReason?.ring?.issued ?? 0 };
        if (name === 'budget 0.2') {
          // the overlay tells the developer why: the guesses by reason, and how many the budget held
          await expect(page.getByTestId('overlay-prefetch-reason-ring-issued')).toBeVisible();
          await expect.poll(async () => Number(await page.getByTestId('overlay-prefetch-held').getAttribute('data-value'))).toBe(prefetch?.heldByWasteBudget);
        }
      } finally {
        await context.close();
      }
    }
    const [budget, none] = [seen['budget 0.2'], seen['no budget']];
    const detail = JSON.stringify(seen);
    // without the budget the second rest's ring reaches the server whole (some 16 tiles at z5 in a 1280×720 view)
    expect(none.unasked.length, detail).toBeGreaterThanOrEqual(8);
    expect(none.held, detail).toBe(0);
    // with it, the first ring's misses leave no allowance: at most the floor's few tiles
    expect(budget.unasked.length, detail).toBeLessThanOrEqual(4);
    expect(budget.held, detail).toBeGreaterThan(0);
  });
});
