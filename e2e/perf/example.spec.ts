import { expect, test } from './fixture.ts';

// e2e/perf/example.spec.ts: the README shows this file as it is, so keep the two identical.
test('a pan at 100 ms latency keeps prefetch useful and the in-flight bound', async ({ kestrel }) => {
  test.setTimeout(120_000); // software WebGL on a shared 2-core machine: a test here takes 15–30 s
  const tiles = await kestrel.startTileServer({ faults: { latencyMs: { base: 100, jitter: 0 } } });
  const map = await kestrel.open({ tiles, hash: '6/48.85/2.35', engineOptions: { maxInFlight: 4 } });

  await map.journey('pan');

  const { prefetch } = await map.stats();
  kestrel.expectBudget('pan.prefetchHitRatio', prefetch.hitRatio);
  kestrel.expectBudget({ what: 'tile requests in flight at the server', max: 4 }, (await tiles.stats()).maxInFlight);
  const { errored, pending } = await map.tiles();
  expect(errored + pending, 'tiles never delivered').toBe(0);
  expect(map.pageErrors).toEqual([]);
});
