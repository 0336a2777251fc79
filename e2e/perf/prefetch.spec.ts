import { ENGINE, engineStats, expect, expectBudget, scenario, test } from './fixture.ts';

test.describe('prefetch during a scripted pan', () => {
  test('most of what it fetched ahead is then used', async ({ perf }) => {
    test.setTimeout(90_000);
    const r = await perf.run(scenario('pan'), ENGINE);
    perf.requireEngine(r);
    const { prefetch } = engineStats(r);
    // Fails, never skips: prefetch turned off by a regression must not pass as "skipped".
    expect(prefetch.enabled, 'prefetch is enabled (stats().prefetch.enabled)').toBe(true);
    test.info().annotations.push({ type: 'perf', description: `prefetch issued ${prefetch.issued}, completed ${prefetch.completed}, used ${prefetch.used}, wasted ${prefetch.wasted}` });
    expectBudget('pan.prefetchHitRatio', prefetch.hitRatio);
  });
});
