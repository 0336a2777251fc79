import { describe, expect, it } from 'vitest';
import { readUrlOptions } from './url-options.ts';

describe('readUrlOptions', () => {
  it('turns the engine and prefetch on by default and the overlay off', () => {
    expect(readUrlOptions('')).toEqual({ engine: true, prefetch: true, perf: false, maxInFlight: undefined });
  });
  it('reads engine=off, prefetch=off and perf=1', () => {
    expect(readUrlOptions('?engine=off&prefetch=off&perf=1')).toMatchObject({ engine: false, prefetch: false, perf: true });
  });
  it('ignores a nonsensical maxInFlight', () => {
    expect(readUrlOptions('?maxInFlight=-3').maxInFlight).toBeUndefined();
    expect(readUrlOptions('?maxInFlight=4').maxInFlight).toBe(4);
  });
});
