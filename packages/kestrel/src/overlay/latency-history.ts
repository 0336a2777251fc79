import type { EngineStats } from '../contract/engine-api.ts';

export interface LatencyPoint {
  // main-thread performance.now(): the worker's clock restarts with the worker, this one does not
  t: number;
  // null when the tier had no samples in the engine window: drawn as a gap, not as zero
  networkP95: number | null;
  allP95: number | null;
}

// ~3 minutes of history is long enough to see a pan's effect settle, short enough to stay cheap to redraw.
export const HISTORY_SPAN_MS = 180_000;
// The chart stretches a young history over at least this span, then keeps a fixed 3-minute window: points do
// not crowd into the right edge after opening, and the x scale stops changing once the history is full.
export const MIN_CHART_SPAN_MS = 30_000;

// At 4 ticks per second, 3 minutes is 720 points; the cap bounds memory if ticks ever come faster.
export const HISTORY_MAX_POINTS = 720;

export function latencyPoint(stats: EngineStats, t: number): LatencyPoint {
  const p95 = (summary: { p95: number; count: number }) => (summary.count > 0 && Number.isFinite(summary.p95) ? summary.p95 : null);
  return { t, networkP95: p95(stats.latencyMs.network), allP95: p95(stats.latencyMs.all) };
}

// Returns a new array (React state is compared by reference) holding the points of the last `spanMs`.
export function appendLatencyPoint(
  history: readonly LatencyPoint[],
  point: LatencyPoint,
  spanMs = HISTORY_SPAN_MS,
  maxPoints = HISTORY_MAX_POINTS,
): LatencyPoint[] {
  const oldest = point.t - spanMs;
  let start = 0;
  while (start < history.length && history[start].t < oldest) start += 1;
  const kept = history.slice(Math.max(start, history.length + 1 - maxPoints));
  kept.push(point);
  return kept;
}

// The time range the chart shows: from the oldest point (at least MIN_CHART_SPAN_MS back) to the newest.
export function chartRange(history: readonly LatencyPoint[]): { fromT: number; toT: number } {
  if (history.length === 0) return { fromT: -MIN_CHART_SPAN_MS, toT: 0 };
  const toT = history[history.length - 1].t;
  const span = Math.min(Math.max(toT - history[0].t, MIN_CHART_SPAN_MS), HISTORY_SPAN_MS);
  return { fromT: toT - span, toT };
}
