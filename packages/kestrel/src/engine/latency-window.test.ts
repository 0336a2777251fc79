import { quantileSorted as oracle } from 'simple-statistics';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../test/seeded-random.ts';
import { LatencyWindow } from './latency-window.ts';

describe('LatencyWindow', () => {
  it('summarises an empty window as zeros', () => {
    expect(new LatencyWindow().summary(0)).toEqual({ p50: 0, p95: 0, p99: 0, count: 0 });
  });

  it('keeps only the newest maxSamples samples', () => {
    const w = new LatencyWindow({ maxSamples: 10, maxAgeMs: 1e9 });
    for (let i = 0; i < 25; i++) w.add(i, 0);
    const s = w.summary(0);
    expect(s.count).toBe(10);
    expect(s.p50).toBe(19.5);
  });

  it('forgets samples older than maxAgeMs', () => {
    const w = new LatencyWindow({ maxSamples: 100, maxAgeMs: 1000 });
    w.add(500, 0);
    w.add(10, 900);
    w.add(20, 1500);
    expect(w.summary(1500)).toMatchObject({ count: 2, p50: 15 });
    expect(w.summary(2600)).toMatchObject({ count: 0 });
  });

  it('matches simple-statistics over the retained samples', () => {
    const random = seededRandom(7);
    const w = new LatencyWindow({ maxSamples: 50, maxAgeMs: 1e9 });
    const all: number[] = [];
    for (let i = 0; i < 120; i++) {
      const v = Math.floor(random() * 1000);
      all.push(v);
      w.add(v, i);
    }
    const kept = all.slice(-50).sort((a, b) => a - b);
    const s = w.summary(120);
    expect(s.p95).toBeCloseTo(oracle(kept, 0.95), 9);
    expect(s.p99).toBeCloseTo(oracle(kept, 0.99), 9);
  });

  it('#clear empties the window', () => {
    const w = new LatencyWindow();
    w.add(1, 0);
    w.clear();
    expect(w.summary(0).count).toBe(0);
  });
});
