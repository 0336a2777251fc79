import { lngLatToTile } from '../packages/kestrel/src/engine/tile-math.ts';
import { expect, openMap, resetServer, resetServerStats, serverStats, setFaults, test } from './fixtures.ts';
import { measurePan, PAN, PAN_HASH, scriptedPan, warmServer } from './prefetch-pan.ts';

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
});
