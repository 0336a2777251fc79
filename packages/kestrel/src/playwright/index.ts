// kestrel-maps/playwright: Kestrel's Playwright fixture, for any app that publishes `window.kestrel` with
// `exposeWindowContract`. Needs `@playwright/test` (an optional peer dependency of kestrel-maps).

import { expect as playwrightExpect } from '@playwright/test';

/** Playwright's `expect`, so a suite imports `test` and `expect` from one place. */
export const expect = playwrightExpect;

export { test, type KestrelFixture, type KestrelMap, type KestrelTestOptions, type OpenOptions, type TileSummary } from './fixture.ts';
export { expectBudget } from './expect-budget.ts';
export { defaultBudgets, type Budget, type BudgetLimit } from './budgets.ts';
export { JOURNEYS, type Journey, type JourneyName, type JourneyStep } from './journeys.ts';
