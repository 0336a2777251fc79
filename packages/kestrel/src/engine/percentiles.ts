import type { LatencySummary } from '../contract/engine-api.ts';

// Linear interpolation between closest ranks (R type 7, numpy's default), the definition simple-statistics'
// `quantileSorted` uses, so its results can serve as the test oracle. `sorted` must be ascending and non-empty.
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) throw new RangeError('quantile of an empty sample');
  if (!(p >= 0 && p <= 1)) throw new RangeError(`quantile p must be within [0, 1], got ${p}`);
  const idx = (sorted.length - 1) * p;
  const lower = Math.floor(idx);
  const fraction = idx - lower;
  if (fraction === 0) return sorted[lower];
  return sorted[lower] + fraction * (sorted[lower + 1] - sorted[lower]);
}

// An empty sample summarises to zeros with count 0, which a dashboard can show without special cases.
export function summarize(sorted: ArrayLike<number>): LatencySummary {
  if (sorted.length === 0) return { p50: 0, p95: 0, p99: 0, count: 0 };
  return {
    p50: quantileSorted(sorted, 0.5),
    p95: quantileSorted(sorted, 0.95),
    p99: quantileSorted(sorted, 0.99),
    count: sorted.length,
  };
}
