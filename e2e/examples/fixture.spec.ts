import { expect, test } from 'kestrel-maps/playwright';
import { tileUrl } from '../fixtures.ts';
import { serveLibraryHarness } from '../library/library-page.ts';

// The package's own Playwright fixture (kestrel-maps/playwright) driving an app that is not the viewer: the plain
// example, which only calls exposeWindowContract. What a user's suite would write.
let app: Awaited<ReturnType<typeof serveLibraryHarness>>;
test.beforeAll(async () => {
  app = await serveLibraryHarness('examples/plain');
});
test.afterAll(async () => {
  await app?.close();
});

test('kestrel-maps/playwright opens any app that exposes the contract, plays a journey and checks budgets', async ({ kestrel }) => {
  test.setTimeout(120_000);
  const map = await kestrel.open({ url: `${app.url}/`, params: { style: `${tileUrl}/style.json` } });
  expect(map.mode).toBe('engine');

  await map.journey('pan');

  const stats = await map.stats();
  expect(stats.requests.total, 'tiles went through the engine').toBeGreaterThan(0);
  kestrel.expectBudget({ what: 'tiles never delivered', max: 0 }, (await map.tiles()).errored);
  expect(map.pageErrors).toEqual([]);
});
