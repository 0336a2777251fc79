import { expect, openMap, resetServer, setFaults, test } from './fixtures.ts';
import { measurePan, PAN_HASH, warmServer } from './prefetch-pan.ts';

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
});
