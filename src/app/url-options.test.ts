import { describe, expect, it } from 'vitest';
import { readUrlOptions } from './url-options.ts';

describe('readUrlOptions', () => {
  it('turns the engine and prefetch on by default and the overlay off', () => {
    expect(readUrlOptions('')).toEqual({ engine: true, prefetch: true, perf: false, workerBridge: true, sharing: 'off', maxInFlight: undefined });
  });
  it('reads engine=off, prefetch=off and perf=1', () => {
    expect(readUrlOptions('?engine=off&prefetch=off&perf=1')).toMatchObject({ engine: false, prefetch: false, perf: true });
  });
  it('reads engine options as JSON and reports JSON it cannot read', () => {
    expect(readUrlOptions('?engineOptions=' + encodeURIComponent('{"retry":{"attemptTimeoutMs":500}}')).engineOptions).toEqual({ retry: { attemptTimeoutMs: 500 } });
    const broken = readUrlOptions('?engineOptions=%7Bnope');
    expect(broken.engineOptions).toBeUndefined();
    expect(broken.problem).toMatch(/not a JSON object/);
  });
  it('rejects engine options as a whole when one field is bad, naming it, and applies none of them', () => {
    const bad = readUrlOptions('?engineOptions=' + encodeURIComponent('{"maxInFlight":4,"idbCacheBytes":-1}'));
    expect(bad.engineOptions).toBeUndefined();
    expect(bad.problem).toBe('?engineOptions= rejected (idbCacheBytes: expected >=0, got -1); using the defaults.');
  });
  it('keeps vector tiles on the worker bridge unless ?bridge=main', () => {
    expect(readUrlOptions('?bridge=main').workerBridge).toBe(false);
  });

  it('?tabs= picks how tabs share an engine; anything else keeps one per tab', () => {
    expect(readUrlOptions('?tabs=shared').sharing).toBe('shared-worker');
    expect(readUrlOptions('?tabs=leader').sharing).toBe('leader');
    expect(readUrlOptions('?tabs=auto').sharing).toBe('auto');
    expect(readUrlOptions('?tabs=nonsense').sharing).toBe('off');
  });
  it('ignores a nonsensical maxInFlight', () => {
    expect(readUrlOptions('?maxInFlight=-3').maxInFlight).toBeUndefined();
    expect(readUrlOptions('?maxInFlight=4').maxInFlight).toBe(4);
  });
});
