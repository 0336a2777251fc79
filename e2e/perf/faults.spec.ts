import { ENGINE, expect, expectBudget, scenario, test } from './fixture.ts';

// ?engine=off is not run here: MapLibre alone waits for a hung tile forever, so each of its runs would cost
// the whole idle timeout (the benchmark's `faulty` scenario shows that side).
test.describe('the engine under 10 % 5xx and 2 % hangs', () => {
  test('delivers every tile of a pan and settles', async ({ perf }) => {
    test.setTimeout(120_000);
    const r = await perf.run(scenario('faulty'), ENGINE);
    perf.requireEngine(r);
    expect(r.outcome, 'the map settled before the idle timeout').toBe('idle');
    expectBudget('faulty.tilesMissing', r.measures.tilesMissing!);
    // an unmeasured view is not a whole one
    expect(typeof r.measures.viewHoles, 'holes in the final view were measured').toBe('number');
    expectBudget('faulty.viewHoles', r.measures.viewHoles!);
  });
});
