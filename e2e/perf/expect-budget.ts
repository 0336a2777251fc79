import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';

export interface Budget {
  max?: number;
  min?: number;
  // what is measured, in words a failure message can use
  what: string;
  // 'engine-wins': the engine is expected to beat ?engine=off here; 'parity': it must not lose by more than
  // the margin; 'absolute': an invariant of the engine alone
  kind: 'engine-wins' | 'parity' | 'absolute';
  measured: string;
  why: string;
}

// One file for every budget, so a threshold is changed in one place with its reason beside it.
export const BUDGETS: Record<string, Budget> = JSON.parse(readFileSync(new URL('./budgets.json', import.meta.url), 'utf8')).budgets;

const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(3).replace(/0+$/, ''));

// Asserts a figure against its budget; the failure names the budget and by how much it was missed. Soft, so a
// test reports every budget it missed, not just the first. The figure is also recorded as an annotation, so
// passing runs show how close they came.
export function expectBudget(name: string, actual: number): void {
  const budget = BUDGETS[name];
  if (!budget) throw new Error(`no budget "${name}" in e2e/perf/budgets.json`);
  const limit = budget.max !== undefined ? `≤ ${fmt(budget.max)}` : `≥ ${fmt(budget.min!)}`;
  test.info().annotations.push({ type: 'perf', description: `${name} = ${fmt(actual)} (budget ${limit}; ${budget.what})` });
  if (budget.max !== undefined) {
    const miss = actual - budget.max;
    const pct = budget.max === 0 ? '' : ` (${Math.round((miss / Math.abs(budget.max)) * 100)} % over)`;
    expect.soft(actual, `budget "${name}" missed: ${budget.what} = ${fmt(actual)}, max ${fmt(budget.max)}, over by ${fmt(miss)}${pct}`).toBeLessThanOrEqual(budget.max);
  }
  if (budget.min !== undefined) {
    const miss = budget.min - actual;
    const pct = budget.min === 0 ? '' : ` (${Math.round((miss / Math.abs(budget.min)) * 100)} % under)`;
    expect.soft(actual, `budget "${name}" missed: ${budget.what} = ${fmt(actual)}, min ${fmt(budget.min)}, under by ${fmt(miss)}${pct}`).toBeGreaterThanOrEqual(budget.min);
  }
}
