import { expect, test } from '@playwright/test';
import { checkBudget, defaultBudgets, type BudgetLimit } from './budgets.ts';

/**
 * Asserts `actual` against the budgets in `budgets` (see {@link expectBudget}); what `kestrel.expectBudget` does
 * with the default budgets and the suite's own.
 */
export function expectWithin(budgets: Readonly<Record<string, BudgetLimit>>, budget: string | BudgetLimit, actual: number): void {
  const { annotation, max, min } = checkBudget(budgets, budget, actual);
  test.info().annotations.push({ type: 'perf', description: annotation });
  if (max) expect.soft(actual, max.message).toBeLessThanOrEqual(max.limit);
  if (min) expect.soft(actual, min.message).toBeGreaterThanOrEqual(min.limit);
}

/**
 * Asserts a figure against a budget: a name from the default budgets (`defaultBudgets`), or an inline
 * `{ what, max?, min? }` (any object of that shape, such as an entry of your own budgets file). The failure names
 * the budget and by how much it was missed. Soft, so a test reports every budget it missed, not just the first.
 * The figure is also recorded as a `perf` annotation, so passing runs show how close they came. Inside a test
 * with the `kestrel` fixture, `kestrel.expectBudget` also knows the suite's own names (`kestrelBudgets`).
 */
export function expectBudget(budget: string | BudgetLimit, actual: number): void {
  expectWithin(defaultBudgets, budget, actual);
}
