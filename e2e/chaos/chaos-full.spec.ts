import { expect, test } from '@playwright/test';
import { failedChecks, runChaos } from './chaos-suite.ts';

// `npm run test:chaos` (KESTREL_CHAOS=full): every fault kind, in a seeded order, for each seed.
const seeds = (process.env.KESTREL_CHAOS_SEEDS ?? '1,2,3').split(',').map(Number);

test.describe('chaos, full form', () => {
  test.skip(process.env.KESTREL_CHAOS !== 'full', 'set KESTREL_CHAOS=full (npm run test:chaos)');
  for (const seed of seeds) {
    test(`seed ${seed}: every fault kind, nothing wrong delivered, nothing lost, bounds held, usable`, async ({ browser }) => {
      test.setTimeout(600_000);
      const verdict = await runChaos(browser, seed, 'full');
      expect(failedChecks(verdict)).toEqual([]);
    });
  }
});
