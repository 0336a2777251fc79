// Imported, not read from disk: the published build inlines it into dist/playwright.mjs.
import budgetsFile from './budgets.json' with { type: 'json' };

/** A bound on one figure: at most `max`, at least `min`, or both; `what` names the figure in a failure message. */
export interface BudgetLimit {
  max?: number;
  min?: number;
  // what is measured, in words a failure message can use
  what: string;
}

/** A budget of {@link defaultBudgets}: a {@link BudgetLimit} with the reasons it was set where it is. */
export interface Budget extends BudgetLimit {
  // 'engine-wins': the engine is expected to beat MapLibre's own loading here; 'parity': it must not lose by more
  // than the margin; 'absolute': an invariant of the engine alone
  kind: 'engine-wins' | 'parity' | 'absolute';
  measured: string;
  why: string;
}

/**
 * Kestrel's own budgets by name (./budgets.json), each with what was measured when it was set
 * and why: the names `expectBudget` knows unless a suite adds its own (`kestrelBudgets`).
 */
export const defaultBudgets: Readonly<Record<string, Budget>> = budgetsFile.budgets as Record<string, Budget>;

/** What a budget check decided, ready for Playwright: the annotation and, per bound, its failure message. */
export interface BudgetCheck {
  annotation: string;
  max?: { limit: number; message: string };
  min?: { limit: number; message: string };
}

const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(3).replace(/0+$/, ''));

function resolve(budgets: Readonly<Record<string, BudgetLimit>>, budget: string | BudgetLimit): { name?: string; limit: BudgetLimit } {
  if (typeof budget !== 'string') {
    if (budget.max === undefined && budget.min === undefined) throw new Error(`budget for "${budget.what}" has neither max nor min`);
    return { limit: budget };
  }
  const named = Object.hasOwn(budgets, budget) ? budgets[budget] : undefined;
  if (!named) throw new Error(`no budget "${budget}": neither one of kestrel-maps/playwright's default budgets nor one of the suite's own (kestrelBudgets)`);
  return { name: budget, limit: named };
}

/**
 * Checks `actual` against a budget: a name looked up in `budgets`, or an inline `{ what, max?, min? }`. Returns the
 * annotation to record and the failure message of each bound (whether or not it was met); throws on an unknown
 * name or an inline budget without bounds.
 */
export function checkBudget(budgets: Readonly<Record<string, BudgetLimit>>, budget: string | BudgetLimit, actual: number): BudgetCheck {
  const { name, limit } = resolve(budgets, budget);
  const { max, min, what } = limit;
  const label = name ? `budget "${name}"` : 'budget';
  const bounds = [min !== undefined ? `≥ ${fmt(min)}` : '', max !== undefined ? `≤ ${fmt(max)}` : ''].filter(Boolean).join(', ');
  const check: BudgetCheck = { annotation: `${name ?? what} = ${fmt(actual)} (budget ${bounds}${name ? `; ${what}` : ''})` };
  if (max !== undefined) {
    const miss = actual - max;
    const pct = max === 0 ? '' : ` (${Math.round((miss / Math.abs(max)) * 100)} % over)`;
    check.max = { limit: max, message: `${label} missed: ${what} = ${fmt(actual)}, max ${fmt(max)}, over by ${fmt(miss)}${pct}` };
  }
  if (min !== undefined) {
    const miss = min - actual;
    const pct = min === 0 ? '' : ` (${Math.round((miss / Math.abs(min)) * 100)} % under)`;
    check.min = { limit: min, message: `${label} missed: ${what} = ${fmt(actual)}, min ${fmt(min)}, under by ${fmt(miss)}${pct}` };
  }
  return check;
}
