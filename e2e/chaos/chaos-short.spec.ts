import { expect, test } from '@playwright/test';
import { failedChecks, runChaos } from './chaos-suite.ts';

// The short form inside `npm test`: one seed, one phase per fault family, ≤ ~90 s. `npm run test:chaos` runs
// every fault kind for three seeds (chaos-full.spec.ts).
test('chaos, short form: under server and browser faults nothing wrong is delivered, nothing is lost, bounds hold', async ({ browser }) => {
  test.setTimeout(240_000);
  const verdict = await runChaos(browser, Number(process.env.KESTREL_CHAOS_SEED ?? 1), 'short');
  expect(failedChecks(verdict)).toEqual([]);
});
