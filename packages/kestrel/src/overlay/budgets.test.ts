import { describe, expect, it } from 'vitest';
import { BUDGET_METRICS, DEFAULT_BUDGETS, MIN_RATIO_SAMPLES, budgetValue, evaluateBudgets, judge } from './budgets.ts';
import { makeSnapshot } from './overlay-fixture.ts';
import type { OverlaySnapshot } from './overlay-types.ts';

function withNetworkP95(p95: number, count = 100): OverlaySnapshot {
  const snapshot = makeSnapshot();
  snapshot.stats.latencyMs.network = { p50: p95 / 2, p95, p99: p95 * 2, count };
  return snapshot;
}

describe('evaluateBudgets', () => {
  it('returns a status for every budget metric', () => {
    const statuses = evaluateBudgets(makeSnapshot(), DEFAULT_BUDGETS);
    expect(Object.keys(statuses).sort()).toEqual([...BUDGET_METRICS].sort());
  });

  it('turns network p95 amber above 500 ms and red above 1500 ms by default', () => {
    expect(evaluateBudgets(withNetworkP95(480), DEFAULT_BUDGETS).networkP95).toBe('ok');
    expect(evaluateBudgets(withNetworkP95(500), DEFAULT_BUDGETS).networkP95).toBe('ok');
    expect(evaluateBudgets(withNetworkP95(501), DEFAULT_BUDGETS).networkP95).toBe('warn');
    expect(evaluateBudgets(withNetworkP95(1501), DEFAULT_BUDGETS).networkP95).toBe('bad');
  });

  it('ignores a latency summary that has no samples', () => {
    expect(evaluateBudgets(withNetworkP95(9999, 0), DEFAULT_BUDGETS).networkP95).toBe('ok');
  });

  it('flags an overall hit rate under 50 % amber and under 20 % red', () => {
    const snapshot = makeSnapshot();
    snapshot.stats.cache.hits = { memory: 30, idb: 10, network: 60, revalidated304: 0, staleServed: 0 };
    expect(evaluateBudgets(snapshot, DEFAULT_BUDGETS).hitRate).toBe('warn');
    snapshot.stats.cache.hits = { memory: 10, idb: 0, network: 90, revalidated304: 0, staleServed: 0 };
    expect(evaluateBudgets(snapshot, DEFAULT_BUDGETS).hitRate).toBe('bad');
  });

  it('does not judge the hit rate of a cold page before enough lookups', () => {
    const snapshot = makeSnapshot();
    snapshot.stats.cache.hits = { memory: 0, idb: 0, network: 0, revalidated304: 0, staleServed: 0 };
    expect(evaluateBudgets(snapshot, DEFAULT_BUDGETS).hitRate).toBe('ok');
    snapshot.stats.cache.hits.network = MIN_RATIO_SAMPLES - 1;
    expect(evaluateBudgets(snapshot, DEFAULT_BUDGETS).hitRate).toBe('ok');
    snapshot.stats.cache.hits.network = MIN_RATIO_SAMPLES;
    expect(evaluateBudgets(snapshot, DEFAULT_BUDGETS).hitRate).toBe('bad');
  });

  it('judges the failure rate as failed over total requests', () => {
    const snapshot = makeSnapshot();
    snapshot.stats.requests = { ...snapshot.stats.requests, total: 1000, failed: 20 };
    expect(budgetValue(snapshot, 'failureRate')).toBeCloseTo(0.02);
    expect(evaluateBudgets(snapshot, DEFAULT_BUDGETS).failureRate).toBe('warn');
    snapshot.stats.requests.failed = 60;
    expect(evaluateBudgets(snapshot, DEFAULT_BUDGETS).failureRate).toBe('bad');
  });

  it('does not judge the failure rate of the first few requests', () => {
    const snapshot = makeSnapshot();
    snapshot.stats.requests = { ...snapshot.stats.requests, total: MIN_RATIO_SAMPLES - 1, failed: 5 };
    expect(evaluateBudgets(snapshot, DEFAULT_BUDGETS).failureRate).toBe('ok');
  });

  it('matches web-vitals ratings at their thresholds', () => {
    const snapshot = makeSnapshot();
    snapshot.vitals.INP = { value: 200, rating: 'good' };
    snapshot.vitals.LCP = { value: 4001, rating: 'poor' };
    snapshot.vitals.CLS = { value: 0.15, rating: 'needs-improvement' };
    const statuses = evaluateBudgets(snapshot, DEFAULT_BUDGETS);
    expect(statuses.inp).toBe('ok');
    expect(statuses.lcp).toBe('bad');
    expect(statuses.cls).toBe('warn');
  });

  it('treats a vital not reported yet as ok', () => {
    const snapshot = makeSnapshot();
    snapshot.vitals.INP = null;
    expect(evaluateBudgets(snapshot, DEFAULT_BUDGETS).inp).toBe('ok');
  });

  it('flags a low frame rate', () => {
    const snapshot = makeSnapshot();
    snapshot.pageHealth.fps = 40;
    expect(evaluateBudgets(snapshot, DEFAULT_BUDGETS).fps).toBe('warn');
    snapshot.pageHealth.fps = 12;
    expect(evaluateBudgets(snapshot, DEFAULT_BUDGETS).fps).toBe('bad');
  });

  it('uses the budgets it is given', () => {
    const strict = { ...DEFAULT_BUDGETS, networkP95: { warn: 100, bad: 200 } };
    expect(evaluateBudgets(withNetworkP95(150), strict).networkP95).toBe('warn');
  });
});

describe('judge', () => {
  it('compares strictly in both directions', () => {
    expect(judge('hitRate', 0.5, { warn: 0.5, bad: 0.2 })).toBe('ok');
    expect(judge('hitRate', 0.49, { warn: 0.5, bad: 0.2 })).toBe('warn');
    expect(judge('allP95', 1000, { warn: 300, bad: 1000 })).toBe('warn');
  });
  it('is ok without a value', () => {
    expect(judge('allP95', null, { warn: 0, bad: 0 })).toBe('ok');
  });
});
