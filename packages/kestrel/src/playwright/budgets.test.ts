import { describe, expect, it } from 'vitest';
import { checkBudget, defaultBudgets } from './budgets.ts';

describe('budgets', () => {
  it('ships the default budgets, each with a bound and its reasons', () => {
    expect(Object.keys(defaultBudgets)).toContain('pan.prefetchHitRatio');
    for (const [name, b] of Object.entries(defaultBudgets)) {
      expect(b.max !== undefined || b.min !== undefined, `${name} has a bound`).toBe(true);
      expect(b.what && b.measured && b.why, `${name} says what, measured and why`).toBeTruthy();
      expect(['engine-wins', 'parity', 'absolute']).toContain(b.kind);
    }
  });

  it('checks a named budget: annotation and the message of a missed minimum', () => {
    const check = checkBudget(defaultBudgets, 'pan.prefetchHitRatio', 0.41);
    expect(check.annotation).toBe(`pan.prefetchHitRatio = 0.41 (budget ≥ 0.5; ${defaultBudgets['pan.prefetchHitRatio'].what})`);
    expect(check.min).toEqual({ limit: 0.5, message: expect.stringContaining('budget "pan.prefetchHitRatio" missed: ') });
    expect(check.min!.message).toMatch(/= 0\.41, min 0\.5, under by 0\.09 \(18 % under\)$/);
    expect(check.max).toBeUndefined();
  });

  it('checks an inline budget by its words, with both bounds', () => {
    const check = checkBudget({}, { what: 'requests in flight', min: 1, max: 4 }, 6);
    expect(check.annotation).toBe('requests in flight = 6 (budget ≥ 1, ≤ 4)');
    expect(check.max).toEqual({ limit: 4, message: 'budget missed: requests in flight = 6, max 4, over by 2 (50 % over)' });
    expect(check.min!.limit).toBe(1);
  });

  it('leaves the percentage out against a zero bound', () => {
    expect(checkBudget({}, { what: 'holes', max: 0 }, 2).max!.message).toBe('budget missed: holes = 2, max 0, over by 2');
  });

  it("looks names up in the budgets it is given (a suite's own over the defaults)", () => {
    const budgets = { ...defaultBudgets, 'pan.prefetchHitRatio': { what: 'mine', min: 0.9 }, 'app.tiles': { what: 'tiles', max: 10 } };
    expect(checkBudget(budgets, 'pan.prefetchHitRatio', 0.95).annotation).toBe('pan.prefetchHitRatio = 0.95 (budget ≥ 0.9; mine)');
    expect(checkBudget(budgets, 'app.tiles', 3).max!.limit).toBe(10);
  });

  it('throws on an unknown name and on an inline budget without bounds', () => {
    expect(() => checkBudget(defaultBudgets, 'no.such', 1)).toThrow(/no budget "no\.such"/);
    expect(() => checkBudget(defaultBudgets, 'toString', 1)).toThrow(/no budget "toString"/);
    expect(() => checkBudget({}, { what: 'x' }, 1)).toThrow(/neither max nor min/);
  });
});
