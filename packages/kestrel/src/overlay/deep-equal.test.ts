import { describe, expect, it } from 'vitest';
import { deepEqual } from './deep-equal.ts';
import { makeStats } from './overlay-fixture.ts';

describe('deepEqual', () => {
  it('equates two separately built snapshots with the same content', () => {
    expect(deepEqual(makeStats(), makeStats())).toBe(true);
  });
  it('notices a changed leaf deep inside', () => {
    const changed = makeStats();
    changed.cache.idb.evictions += 1;
    expect(deepEqual(makeStats(), changed)).toBe(false);
  });
  it('treats NaN as equal to NaN, as a snapshot without samples may repeat it', () => {
    expect(deepEqual({ p95: Number.NaN }, { p95: Number.NaN })).toBe(true);
  });
  it('tells missing keys, extra keys, arrays and null apart', () => {
    expect(deepEqual({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(deepEqual({ a: undefined }, { b: undefined })).toBe(false);
    expect(deepEqual([1, 2], { 0: 1, 1: 2 })).toBe(false);
    expect(deepEqual(null, {})).toBe(false);
    expect(deepEqual([1, [2, 3]], [1, [2, 3]])).toBe(true);
  });
});
