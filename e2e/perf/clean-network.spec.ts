import { expect, expectBudget, scenario, test } from './fixture.ts';

// Side by side in one test: ?engine=off and the engine alternate on the same view, network and machine, and
// only ratios are budgeted, so a slower machine does not fail them.
test.describe('engine against ?engine=off on a clean 60 ms network', () => {
  test('a cold load is no slower, has no longer holes and costs the main thread no more per tile', async ({ perf }) => {
    test.setTimeout(120_000);
    const c = await perf.compareModes(scenario('cold'));
    for (const r of [...c.off, ...c.engine]) expect(r.measures.tilesMissing, `${r.variant}#${r.run}: tiles never delivered`).toBe(0);
    expectBudget('cold.settleRatio', c.ratio('settleMs'));
    expectBudget('cold.holeTimeRatio', c.ratio('holeTimeMs'));
    expectBudget('cold.mainThreadPerTileRatio', c.ratio('mainMsPerTile'));
  });

  test('a continuous pan keeps holes within budget', async ({ perf }) => {
    test.setTimeout(240_000);
    const c = await perf.compareModes(scenario('pan'));
    for (const r of [...c.off, ...c.engine]) expect(r.measures.tilesMissing, `${r.variant}#${r.run}: tiles never delivered`).toBe(0);
    expectBudget('pan.holeTimeRatio', c.ratio('holeTimeMs'));
    expectBudget('pan.settleRatio', c.ratio('settleMs'));
    expectBudget('pan.serverRequestsRatio', c.ratio('serverRequests'));
  });

  test('a zoom in and out asks the server for little beyond what MapLibre asks, and leaves little prefetch unused', async ({ perf }) => {
    test.setTimeout(240_000);
    const c = await perf.compareModes(scenario('zoom'));
    for (const r of [...c.off, ...c.engine]) expect(r.measures.tilesMissing, `${r.variant}#${r.run}: tiles never delivered`).toBe(0);
    expectBudget('zoom.serverRequestsRatio', c.ratio('serverRequests'));
    // Fails, never skips: a run whose prefetch did nothing has no share to measure.
    const unused = c.median('engine', 'prefetchUnusedByteShare');
    expect(unused, 'the engine prefetched during the zoom (prefetch bytes unused share measured)').toBeDefined();
    expectBudget('zoom.prefetchUnusedShare', unused!);
  });

  test('a flyTo, whose destination the engine is told, settles no later', async ({ perf }) => {
    test.setTimeout(240_000);
    const c = await perf.compareModes(scenario('flyto'));
    // an unmeasured view (undefined) is not a whole one
    for (const r of [...c.off, ...c.engine]) expect(r.measures.viewHoles, `${r.variant}#${r.run}: holes left in the final view`).toBe(0);
    expectBudget('flyto.settleRatio', c.ratio('settleMs'));
  });
});
