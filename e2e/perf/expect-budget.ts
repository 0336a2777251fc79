import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';

/** A bound on one figure: at most `max`, at least `min`, or both. */
export interface BudgetLimit {
  max?: number;
  min?: number;
  // what is measured, in words a failure message can use
  what: string;
}

export interface Budget extends BudgetLimit {
  // 'engine-wins': the engine is expected to beat ?engine=off here; 'parity': it must not lose by more than
  // the margin; 'absolute': an invariant of the engine alone
  kind: 'engine-wins' | 'parity' | 'absolute';
  measured: string;
  why: string;
}

// One file for every budget, so a threshold is changed in one place with its reason beside it.
export const BUDGETS: Record<string, Budget> = JSON.parse(readFileSync(new URL('./budgets.json', import.meta.url), 'utf8')).budgets;

const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(3).replace(/0+$/, ''));

function resolve(budget: string | BudgetLimit): { name?: string; limit: BudgetLimit } {
  if (typeof budget !== 'string') {
    if (budget.max === undefined && budget.min === undefined) throw new Error(`budget for "${budget.what}" has neither max nor min`);
    return { limit: budget };
  }
  const named = BUDGETS[budget];
  if (!named) throw new Error(`no budget "${budget}" in e2e/perf/budgets.json`);
  return { name: budget, limit: named };
}

/**
 * Asserts a figure against a budget: a name from `e2e/perf/budgets.json`, or an inline `{ what, max?, min? }`
 * (any object of that shape, such as an entry of your own budgets file). The failure names the budget and by
 * how much it was missed. Soft, so a test reports every budget it missed, not just the first. The figure is also
 * recorded as a `perf` annotation, so passing runs show how close they came.
 */
export function expectBudget(budget: string | BudgetLimit, actual: number): void {
  const { name, limit } = resolve(budget);
  const { max, min, what } = limit;
  const label = name ? `budget "${name}"` : 'budget';
  const bounds = [min !== undefined ? `≥ ${fmt(min)}` : '', max !== undefined ? `≤ ${fmt(max)}` : ''].filter(Boolean).join(', ');
  test.info().annotations.push({ type: 'perf', description: `${name ?? what} = ${fmt(actual)} (budget ${bounds}${name ? `; ${what}` : ''})` });
  if (max !== undefined) {
    const miss = actual - max;
    const pct = max === 0 ? '' : ` (${Math.round((miss / Math.abs(max)) * 100)} % over)`;
    expect.soft(actual, `${label} missed: ${what} = ${fmt(actual)}, max ${fmt(max)}, over by ${fmt(miss)}${pct}`).toBeLessThanOrEqual(max);
  }
  if (min !== undefined) {
    const miss = min - actual;
    const pct = min === 0 ? '' : ` (${Math.round((miss / Math.abs(min)) * 100)} % under)`;
    expect.soft(actual, `${label} missed: ${what} = ${fmt(actual)}, min ${fmt(min)}, under by ${fmt(miss)}${pct}`).toBeGreaterThanOrEqual(min);
  }
}
