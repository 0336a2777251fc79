import { describe, expect, it } from 'vitest';
import { TailTimeouts } from './tail-timeout.ts';

const o = { tailFactor: 4, tailFloorMs: 500, tailMinSamples: 20, attemptTimeoutMs: 10_000 };

function fed(ms: number[], host = 'a.test', at = 0): TailTimeouts {
  const t = new TailTimeouts();
  for (const v of ms) t.answered(host, v, at);
  return t;
}

describe('TailTimeouts', () => {
  it('keeps the fixed timeout until the host has answered tailMinSamples times', () => {
    const t = fed(Array(19).fill(100));
    expect(t.timeoutFor('a.test', 0, o, false)).toEqual({ ms: 10_000, adaptive: false });
    t.answered('a.test', 100, 0);
    expect(t.timeoutFor('a.test', 0, o, false)).toEqual({ ms: 500, adaptive: true });
  });

  it('cuts at tailFactor × the host p95 when that is above the floor', () => {
    // p95 of 1..100 ms (type 7) is 95.05 ms
    const t = fed(Array.from({ length: 100 }, (_, i) => (i + 1) * 2));
    expect(t.timeoutFor('a.test', 0, o, false).ms).toBeCloseTo(4 * 190.1, 6);
  });

  it('never exceeds the fixed attempt timeout', () => {
    const t = fed(Array(30).fill(5000));
    expect(t.timeoutFor('a.test', 0, o, false)).toEqual({ ms: 10_000, adaptive: false });
  });

  it('learns per host: a fast host says nothing about a slow one', () => {
    const t = fed(Array(30).fill(50), 'fast.test');
    expect(t.timeoutFor('fast.test', 0, o, false).adaptive).toBe(true);
    expect(t.timeoutFor('slow.test', 0, o, false).adaptive).toBe(false);
  });

  it('does not cut while the host is paced or within 30 s of its last 429', () => {
    const t = fed(Array(30).fill(50));
    expect(t.timeoutFor('a.test', 0, o, true).adaptive).toBe(false);
    t.throttled('a.test', 1000);
    expect(t.timeoutFor('a.test', 30_999, o, false).adaptive).toBe(false);
    expect(t.timeoutFor('a.test', 31_000, o, false).adaptive).toBe(true);
  });

  it('forgets answers older than a minute, so a quiet host is not cut on stale figures', () => {
    const t = fed(Array(30).fill(50), 'a.test', 0);
    expect(t.timeoutFor('a.test', 60_000, o, false).adaptive).toBe(true);
    expect(t.timeoutFor('a.test', 60_001, o, false).adaptive).toBe(false);
  });

  it('is off with tailFactor 0', () => {
    const t = fed(Array(30).fill(50));
    expect(t.timeoutFor('a.test', 0, { ...o, tailFactor: 0 }, false).adaptive).toBe(false);
  });
});
