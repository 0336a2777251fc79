import type { LongTaskSummary } from './overlay-types.ts';

export function emptyLongTasks(supported: boolean): LongTaskSummary {
  return { supported, count: 0, totalMs: 0, maxMs: 0 };
}

// Counts every 'longtask' entry since the page loaded; the totals only grow, like a Prometheus counter.
export function addLongTask(tally: LongTaskSummary, durationMs: number): LongTaskSummary {
  if (!Number.isFinite(durationMs) || durationMs < 0) return tally;
  return {
    supported: tally.supported,
    count: tally.count + 1,
    totalMs: tally.totalMs + durationMs,
    maxMs: Math.max(tally.maxMs, durationMs),
  };
}
