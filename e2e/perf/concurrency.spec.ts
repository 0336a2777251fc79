import { expectBudget } from './expect-budget.ts';
import { expect, scenario, test } from './fixture.ts';

// Prefetch stays on here: the bound is global, so prefetched tiles must fit under it too.
for (const limit of [2, 4]) {
  test(`?maxInFlight=${limit} never has more than ${limit} tile requests open at the server`, async ({ perf }) => {
    test.setTimeout(90_000);
    const r = await perf.run(scenario('concurrency'), { id: `limit-${limit}`, mode: 'engine', params: { maxInFlight: String(limit) }, inFlightLimit: limit });
    perf.requireEngine(r);
    expect(r.measures.tilesDelivered, 'the view loaded').toBeGreaterThan(20);
    expectBudget('concurrency.maxInFlightOverLimit', r.measures.serverMaxInFlight! - limit);
    expectBudget('concurrency.littleRatio', r.measures.littleRatio!);
  });
}
