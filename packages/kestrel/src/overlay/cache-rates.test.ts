import { describe, expect, it } from 'vitest';
import { cacheHitRates } from './cache-rates.ts';

const hits = (memory: number, idb: number, network: number) => ({ memory, idb, network, revalidated304: 0, staleServed: 0 });

describe('cacheHitRates', () => {
  it('divides memory and overall hits by every served lookup', () => {
    const rates = cacheHitRates(hits(600, 200, 200));
    expect(rates.memory).toBeCloseTo(0.6);
    expect(rates.overall).toBeCloseTo(0.8);
    expect(rates.lookups).toBe(1000);
  });
  it('rates IndexedDB on the lookups that missed memory', () => {
    expect(cacheHitRates(hits(600, 200, 200)).idb).toBeCloseTo(0.5);
  });
  it('returns null rates before the first lookup instead of dividing by zero', () => {
    expect(cacheHitRates(hits(0, 0, 0))).toEqual({ memory: null, idb: null, overall: null, lookups: 0 });
  });
  it('has no IndexedDB rate when memory answered everything', () => {
    const rates = cacheHitRates(hits(10, 0, 0));
    expect(rates.idb).toBeNull();
    expect(rates.overall).toBe(1);
  });
  it('treats negative or non-finite counters as zero', () => {
    expect(cacheHitRates(hits(Number.NaN, -1, 4)).overall).toBe(0);
  });
});
