import { quantileSorted as oracle } from 'simple-statistics';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../test/seeded-random.ts';
import { quantileSorted, summarize } from './percentiles.ts';

describe('quantileSorted', () => {
  it('interpolates linearly between closest ranks', () => {
    expect(quantileSorted([3, 6, 7, 8, 8, 9, 10, 13, 15, 16, 20], 0.5)).toBe(9);
    expect(quantileSorted([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantileSorted([10, 20], 0.95)).toBeCloseTo(19.5);
    expect(quantileSorted([7], 0.99)).toBe(7);
  });

  it('agrees with simple-statistics on random samples', () => {
    for (let seed = 1; seed <= 100; seed++) {
      const random = seededRandom(seed);
      const n = 1 + Math.floor(random() * 200);
      const sample = Array.from({ length: n }, () => Math.round(random() * 5000) / 10).sort((a, b) => a - b);
      for (const p of [0, 0.01, 0.5, 0.95, 0.99, 1]) expect(quantileSorted(sample, p)).toBeCloseTo(oracle(sample, p), 9);
    }
  });

  it('rejects an empty sample and p outside [0, 1]', () => {
    expect(() => quantileSorted([], 0.5)).toThrow(RangeError);
    expect(() => quantileSorted([1], 1.5)).toThrow(RangeError);
  });
});

describe('summarize', () => {
  it('summarises an empty sample as zeros', () => {
    expect(summarize([])).toEqual({ p50: 0, p95: 0, p99: 0, count: 0 });
  });

  it('reports p50, p95, p99 and the count', () => {
    const sample = Array.from({ length: 101 }, (_, i) => i);
    expect(summarize(sample)).toEqual({ p50: 50, p95: 95, p99: 99, count: 101 });
  });
});
