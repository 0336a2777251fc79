import { cacheHitRates } from './cache-rates.ts';
import type { OverlaySnapshot } from './overlay-types.ts';

export type BudgetMetric =
  | 'networkP95'
  | 'allP95'
  | 'hitRate'
  | 'failureRate'
  | 'lcp'
  | 'inp'
  | 'cls'
  | 'fcp'
  | 'ttfb'
  | 'fps';

export type BudgetStatus = 'ok' | 'warn' | 'bad';

// For metrics where higher is worse a value strictly above `warn` (`bad`) is amber (red); where lower is worse,
// strictly below. Strict comparisons match web-vitals, where a value equal to the threshold is still "good".
export interface Threshold {
  warn: number;
  bad: number;
}

export type Budgets = Record<BudgetMetric, Threshold>;

export const BUDGET_METRICS: readonly BudgetMetric[] = [
  'networkP95',
  'allP95',
  'hitRate',
  'failureRate',
  'lcp',
  'inp',
  'cls',
  'fcp',
  'ttfb',
  'fps',
];

export const LOWER_IS_WORSE: ReadonlySet<BudgetMetric> = new Set(['hitRate', 'fps']);

export const DEFAULT_BUDGETS: Budgets = {
  // a tile slower than ~0.5 s is visible as a hole while panning; 1.5 s feels broken
  networkP95: { warn: 500, bad: 1500 },
  // all tiers together: with a warm cache most answers are sub-10 ms, so the blend should sit well below network
  allP95: { warn: 300, bad: 1000 },
  // ratios in [0, 1]: under half the tiles from cache means the cache is not earning its keep
  hitRate: { warn: 0.5, bad: 0.2 },
  // failed / total requests: a few percent is what a flaky mobile link produces
  failureRate: { warn: 0.01, bad: 0.05 },
  // web-vitals' own "good" / "poor" boundaries (LCPThresholds, INPThresholds, ...)
  lcp: { warn: 2500, bad: 4000 },
  inp: { warn: 200, bad: 500 },
  cls: { warn: 0.1, bad: 0.25 },
  fcp: { warn: 1800, bad: 3000 },
  ttfb: { warn: 800, bad: 1800 },
  // panning below ~30 fps looks like stutter; below 50 a dropped frame is already noticeable
  fps: { warn: 50, bad: 30 },
};

// A ratio over a handful of requests is noise (the first tiles of a cold page are all misses): hit and failure
// rates are judged from this many lookups / requests on.
export const MIN_RATIO_SAMPLES = 20;

// The number a budget is checked against, or null when there is nothing to judge yet (no samples, no vital).
export function budgetValue(snapshot: OverlaySnapshot, metric: BudgetMetric): number | null {
  const { stats, vitals, pageHealth } = snapshot;
  switch (metric) {
    case 'networkP95':
      return stats.latencyMs.network.count > 0 ? finite(stats.latencyMs.network.p95) : null;
    case 'allP95':
      return stats.latencyMs.all.count > 0 ? finite(stats.latencyMs.all.p95) : null;
    case 'hitRate': {
      const rates = cacheHitRates(stats.cache.hits);
      return rates.lookups >= MIN_RATIO_SAMPLES ? rates.overall : null;
    }
    case 'failureRate':
      return stats.requests.total >= MIN_RATIO_SAMPLES ? finite(stats.requests.failed / stats.requests.total) : null;
    case 'lcp':
      return finite(vitals.LCP?.value);
    case 'inp':
      return finite(vitals.INP?.value);
    case 'cls':
      return finite(vitals.CLS?.value);
    case 'fcp':
      return finite(vitals.FCP?.value);
    case 'ttfb':
      return finite(vitals.TTFB?.value);
    case 'fps':
      return finite(pageHealth.fps);
  }
}

export function judge(metric: BudgetMetric, value: number | null, threshold: Threshold): BudgetStatus {
  if (value === null) return 'ok';
  if (LOWER_IS_WORSE.has(metric)) {
    if (value < threshold.bad) return 'bad';
    if (value < threshold.warn) return 'warn';
    return 'ok';
  }
  if (value > threshold.bad) return 'bad';
  if (value > threshold.warn) return 'warn';
  return 'ok';
}

// Missing or too little data is 'ok': the overlay flags measured problems, not the absence of traffic.
export function evaluateBudgets(snapshot: OverlaySnapshot, budgets: Budgets): Record<BudgetMetric, BudgetStatus> {
  const result = {} as Record<BudgetMetric, BudgetStatus>;
  for (const metric of BUDGET_METRICS) {
    result[metric] = judge(metric, budgetValue(snapshot, metric), budgets[metric] ?? DEFAULT_BUDGETS[metric]);
  }
  return result;
}

function finite(value: number | null | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}
