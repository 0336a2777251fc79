import { expectBudget } from './expect-budget.ts';
import { ENGINE, engineStats, scenario, test } from './fixture.ts';

test.describe('prefetch during a scripted pan', () => {
  test('most of what it fetched ahead is then used', async ({ perf }) => {
    test.setTimeout(90_000);
    const r = await perf.run(scenario('pan'), ENGINE);
    perf.requireEngine(r);
    const { prefetch } = engineStats(r);
    test.skip(!prefetch.enabled, 'prefetch is disabled in this build (stats().prefetch.enabled is false)');
    test.info().annotations.push({ type: 'perf', description: `prefetch issued ${prefetch.issued}, completed ${prefetch.completed}, used ${prefetch.used}, wasted ${prefetch.wasted}` });
    expectBudget('pan.prefetchHitRatio', prefetch.hitRatio);
  });
});
