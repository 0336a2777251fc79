import { describe, expect, it } from 'vitest';
import { BUDGETS_STORAGE_KEY, loadStoredBudgets, mergeBudgets, parseBudgets } from './budget-config.ts';
import { DEFAULT_BUDGETS } from './budgets.ts';

describe('parseBudgets', () => {
  it('reads well-formed thresholds', () => {
    expect(parseBudgets('{"networkP95":{"warn":300,"bad":800}}')).toEqual({ networkP95: { warn: 300, bad: 800 } });
  });
  it('keeps the good entries when others are malformed', () => {
    const parsed = parseBudgets('{"inp":{"warn":150,"bad":400},"lcp":{"warn":"fast"},"bogus":{"warn":1,"bad":2}}');
    expect(parsed).toEqual({ inp: { warn: 150, bad: 400 } });
  });
  it('refuses inverted bounds', () => {
    expect(parseBudgets('{"allP95":{"warn":900,"bad":100}}')).toEqual({});
    expect(parseBudgets('{"hitRate":{"warn":0.2,"bad":0.5}}')).toEqual({});
    expect(parseBudgets('{"hitRate":{"warn":0.6,"bad":0.3}}')).toEqual({ hitRate: { warn: 0.6, bad: 0.3 } });
  });
  it('returns nothing for invalid JSON, arrays or null', () => {
    expect(parseBudgets('{not json')).toEqual({});
    expect(parseBudgets('[1,2]')).toEqual({});
    expect(parseBudgets(null)).toEqual({});
  });
});

describe('mergeBudgets', () => {
  it('starts from the defaults', () => {
    expect(mergeBudgets()).toEqual(DEFAULT_BUDGETS);
  });
  it('lets later layers win metric by metric', () => {
    const merged = mergeBudgets({ inp: { warn: 100, bad: 300 }, cls: { warn: 0.05, bad: 0.1 } }, { inp: { warn: 150, bad: 400 } });
    expect(merged.inp).toEqual({ warn: 150, bad: 400 });
    expect(merged.cls).toEqual({ warn: 0.05, bad: 0.1 });
    expect(merged.lcp).toEqual(DEFAULT_BUDGETS.lcp);
  });
  it('does not mutate the defaults', () => {
    mergeBudgets({ fps: { warn: 10, bad: 5 } });
    expect(DEFAULT_BUDGETS.fps).toEqual({ warn: 50, bad: 30 });
  });
});

describe('loadStoredBudgets', () => {
  it('reads the budgets key', () => {
    const storage = { getItem: (key: string) => (key === BUDGETS_STORAGE_KEY ? '{"fps":{"warn":40,"bad":20}}' : null) };
    expect(loadStoredBudgets(storage)).toEqual({ fps: { warn: 40, bad: 20 } });
  });
  it('survives storage that throws', () => {
    const storage = {
      getItem: () => {
        throw new Error('SecurityError');
      },
    };
    expect(loadStoredBudgets(storage)).toEqual({});
  });
});
