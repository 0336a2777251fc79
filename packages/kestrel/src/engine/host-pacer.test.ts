import { describe, expect, it } from 'vitest';
import { HostPacer } from './host-pacer.ts';

describe('HostPacer', () => {
  it('does not pace a host that never throttled', () => {
    expect(new HostPacer().intervalMs('a')).toBe(0);
  });

  it('doubles the interval on each 429 from minMs, up to maxMs', () => {
    const pacer = new HostPacer({ minMs: 100, maxMs: 500, decay: 0.9 });
    expect([0, 1000, 2000, 3000].map((at) => pacer.throttled('a', at))).toEqual([100, 200, 400, 500]);
  });

  it('narrows on answers and stops pacing once below half of minMs', () => {
    const pacer = new HostPacer({ minMs: 100, maxMs: 500, decay: 0.5 });
    pacer.throttled('a', 0);
    pacer.throttled('a', 1000);
    pacer.answered('a');
    expect(pacer.intervalMs('a')).toBe(100);
    pacer.answered('a');
    expect(pacer.intervalMs('a')).toBe(50);
    pacer.answered('a');
    expect(pacer.intervalMs('a')).toBe(0);
  });

  it('takes the refusals of one burst as one signal: at most one widening per interval', () => {
    const pacer = new HostPacer({ minMs: 100, maxMs: 5000, decay: 0.9 });
    expect([0, 1, 2, 3, 4, 5].map((at) => pacer.throttled('a', at))).toEqual([100, 100, 100, 100, 100, 100]);
    expect(pacer.throttled('a', 150)).toBe(200);
  });

  it('paces each host on its own', () => {
    const pacer = new HostPacer();
    pacer.throttled('a', 0);
    expect(pacer.intervalMs('b')).toBe(0);
    expect(pacer.snapshot()).toEqual({ a: 100 });
  });
});
