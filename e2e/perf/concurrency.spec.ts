import { expect, expectBudget, scenario, test } from './fixture.ts';

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

// A pan replans prefetch several times a second. Cancelling the fetches already on the wire let the server see
// 6 requests open with ?maxInFlight=4 (an HTTP/1.1 abort leaves the server working until it notices). Before
// superseded prefetches were left to finish, this test failed 1 run in 3 and e2e/perf/example.spec.ts 5 in 6.
test('?maxInFlight=4 holds at the server through a pan with prefetch replanning', async ({ perf }) => {
  test.setTimeout(90_000);
  const r = await perf.run(scenario('pan', { faults: { latencyMs: { base: 100, jitter: 0 } } }), {
    id: 'limit-4',
    mode: 'engine',
    params: { maxInFlight: '4' },
    inFlightLimit: 4,
  });
  perf.requireEngine(r);
  expect(r.engine?.prefetch.issued, 'prefetch ran during the pan').toBeGreaterThan(0);
  expectBudget('concurrency.maxInFlightOverLimit', r.measures.serverMaxInFlight! - 4);
});
