import { describe, expect, it } from 'vitest';
import { RetryBudget } from './retry-budget.ts';

describe('RetryBudget', () => {
  it('allows the floor of retries with no requests at all', () => {
    const budget = new RetryBudget({ budgetRatio: 0.2, budgetFloor: 3, budgetWindowMs: 10_000 });
    expect([1, 2, 3, 4].map(() => budget.tryRetry(0))).toEqual([true, true, true, false]);
  });

  it('allows retries up to the ratio of requests plus the floor', () => {
    const budget = new RetryBudget({ budgetRatio: 0.2, budgetFloor: 10, budgetWindowMs: 10_000 });
    for (let i = 0; i < 100; i++) budget.recordRequest(i);
    let allowed = 0;
    while (budget.tryRetry(200)) allowed++;
    expect(allowed).toBe(30);
  });

  it('stops retries when a failing server is hammered, then recovers as the window slides', () => {
    const budget = new RetryBudget({ budgetRatio: 0.2, budgetFloor: 10, budgetWindowMs: 10_000 });
    let retries = 0;
    let requests = 0;
    for (let t = 0; t < 10_000; t += 10) {
      budget.recordRequest(t);
      requests++;
      for (let attempt = 0; attempt < 3; attempt++) if (budget.tryRetry(t)) retries++;
    }
    expect(retries).toBeLessThanOrEqual(10 + 0.2 * requests);
    expect(budget.tryRetry(9_999)).toBe(false);
    expect(budget.tryRetry(25_000)).toBe(true);
  });

  it('counts only requests and retries inside the window', () => {
    const budget = new RetryBudget({ budgetRatio: 1, budgetFloor: 0, budgetWindowMs: 1000 });
    budget.recordRequest(0);
    expect(budget.tryRetry(500)).toBe(true);
    expect(budget.tryRetry(500)).toBe(false);
    budget.recordRequest(1600);
    expect(budget.tryRetry(1600)).toBe(true);
  });

  it('holds only the window of request times in a session that never retries', () => {
    const budget = new RetryBudget({ budgetRatio: 0.2, budgetFloor: 10, budgetWindowMs: 10_000 });
    // ten requests a second for an hour, no failure (before: 36,000 timestamps kept)
    for (let t = 0; t < 3_600_000; t += 100) budget.recordRequest(t);
    expect(budget.held).toBeLessThanOrEqual(2 * 100 + 64);
  });
});
