import { ENGINE, engineStats, expect, expectBudget, scenario, test } from './fixture.ts';

test.describe('a warm reload with the engine', () => {
  test('asks the tile server for nothing and serves every tile from its cache', async ({ perf }) => {
    test.setTimeout(90_000);
    const r = await perf.run(scenario('warm'), ENGINE);
    perf.requireEngine(r);
    expect(r.outcome).toBe('idle');
    expectBudget('warm.serverRequests', r.measures.serverRequests!);
    const { memory, idb, network } = engineStats(r).cache.hits;
    expectBudget('warm.cacheHitRatio', (memory + idb) / Math.max(1, memory + idb + network));
    expect(r.measures.tilesMissing, 'tiles never delivered').toBe(0);
  });
});
