import { BUDGET_METRICS, DEFAULT_BUDGETS, LOWER_IS_WORSE, type BudgetMetric, type Budgets, type Threshold } from './budgets.ts';

// localStorage key for a developer's own thresholds, e.g. `{"networkP95":{"warn":300,"bad":800}}`.
export const BUDGETS_STORAGE_KEY = 'kestrel.perf.budgets';

// Accepts partial JSON and keeps only well-formed `{warn, bad}` entries, so one typo does not discard the rest.
export function parseBudgets(json: string | null | undefined): Partial<Budgets> {
  if (!json) return {};
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return {};
  }
  return sanitizeBudgets(raw);
}

export function sanitizeBudgets(raw: unknown): Partial<Budgets> {
  if (!isRecord(raw)) return {};
  const result: Partial<Budgets> = {};
  for (const metric of BUDGET_METRICS) {
    const threshold = sanitizeThreshold(metric, raw[metric]);
    if (threshold) result[metric] = threshold;
  }
  return result;
}

// Later layers win, metric by metric. The app passes [prop, stored]: the code sets the team's budgets and a
// developer's localStorage override beats them while debugging, without a rebuild.
export function mergeBudgets(...layers: Array<Partial<Budgets> | undefined>): Budgets {
  const merged: Budgets = { ...DEFAULT_BUDGETS };
  for (const layer of layers) {
    if (!layer) continue;
    for (const metric of BUDGET_METRICS) {
      const threshold = sanitizeThreshold(metric, layer[metric]);
      if (threshold) merged[metric] = threshold;
    }
  }
  return merged;
}

export function loadStoredBudgets(storage: Pick<Storage, 'getItem'> | undefined): Partial<Budgets> {
  try {
    return parseBudgets(storage?.getItem(BUDGETS_STORAGE_KEY));
  } catch {
    // storage can throw (sandboxed iframe, privacy mode): budgets then come from code only
    return {};
  }
}

function sanitizeThreshold(metric: BudgetMetric, raw: unknown): Threshold | null {
  if (!isRecord(raw)) return null;
  const { warn, bad } = raw;
  if (typeof warn !== 'number' || typeof bad !== 'number' || !Number.isFinite(warn) || !Number.isFinite(bad)) return null;
  // an inverted pair would make amber unreachable; refuse it rather than guess which bound was meant
  const ordered = LOWER_IS_WORSE.has(metric) ? bad <= warn : warn <= bad;
  return ordered ? { warn, bad } : null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
