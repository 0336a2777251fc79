import { describe, expect, it } from 'vitest';
import { defaultEngineOptions, resolveEngineOptions } from './engine-options.ts';

describe('resolveEngineOptions', () => {
  it('returns the defaults for an empty patch, as a mutable copy', () => {
    const resolved = resolveEngineOptions(defaultEngineOptions);
    expect(resolved).toEqual(defaultEngineOptions);
    expect(resolved).not.toBe(defaultEngineOptions);
    expect(Object.isFrozen(defaultEngineOptions.retry)).toBe(true);
  });

  it('deep-merges nested fields and replaces arrays', () => {
    const resolved = resolveEngineOptions(defaultEngineOptions, { retry: { maxAttempts: 2 }, credentialParams: ['sig'] });
    expect(resolved.retry).toEqual({ ...defaultEngineOptions.retry, maxAttempts: 2 });
    expect(resolved.credentialParams).toEqual(['sig']);
  });

  it('rejects values that would break the in-flight bound or the retry logic', () => {
    expect(() => resolveEngineOptions(defaultEngineOptions, { maxInFlight: 0 })).toThrow(RangeError);
    expect(() => resolveEngineOptions(defaultEngineOptions, { maxInFlightPerHost: 2.5 })).toThrow(RangeError);
    expect(() => resolveEngineOptions(defaultEngineOptions, { prefetch: { maxShare: 2 } })).toThrow(RangeError);
    expect(() => resolveEngineOptions(defaultEngineOptions, { retry: { maxAttempts: 0 } })).toThrow(RangeError);
  });
});
