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

describe('resolveEngineOptions: the whole document against one schema', () => {
  // Each was accepted, or half-applied, before the schema (issue 14, item 7).
  const bad: [string, unknown, string][] = [
    ['a negative budget', { memoryCacheBytes: -1 }, 'memoryCacheBytes'],
    ['a budget of 1e12 × 2 bytes', { idbCacheBytes: 2e12 }, 'idbCacheBytes'],
    ['NaN', { retry: { baseMs: Number.NaN } }, 'retry.baseMs'],
    ['a string for a number', { maxInFlight: '4' }, 'maxInFlight'],
    ['an empty credential list', { credentialParams: [] }, 'credentialParams'],
    ['a name that spans pairs', { secretParams: ['a=b'] }, 'secretParams.0'],
    ['an unknown option', { maxInFlihgt: 4 }, 'maxInFlihgt'],
    ['an unknown nested option', { prefetch: { enabeld: false } }, 'prefetch.enabeld'],
    ['a number for a section', { retry: 3 }, 'retry'],
  ];
  for (const [what, patch, field] of bad) {
    it(`rejects ${what}, naming ${field}`, () => {
      expect(() => resolveEngineOptions(defaultEngineOptions, patch as never)).toThrow(new RegExp(`^${field.replace('.', '\\.')}: `));
    });
  }

  it('rejects a patch that is not an object', () => {
    expect(() => resolveEngineOptions(defaultEngineOptions, [] as never)).toThrow('expected an object');
  });

  it('applies nothing when one field is bad: the base is unchanged and nothing is returned', () => {
    const base = resolveEngineOptions(defaultEngineOptions);
    expect(() => resolveEngineOptions(base, { maxInFlight: 3, memoryCacheBytes: Number.NaN })).toThrow('memoryCacheBytes');
    expect(base.maxInFlight).toBe(defaultEngineOptions.maxInFlight);
  });
});
