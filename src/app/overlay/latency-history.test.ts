import { describe, expect, it } from 'vitest';
import { appendLatencyPoint, latencyPoint, type LatencyPoint } from './latency-history.ts';
import { makeStats } from './overlay-fixture.ts';

const point = (t: number, value = 100): LatencyPoint => ({ t, networkP95: value, allP95: value / 2 });

describe('latencyPoint', () => {
  it('takes network and overall p95 from a snapshot', () => {
    expect(latencyPoint(makeStats(), 5)).toEqual({ t: 5, networkP95: 480, allP95: 320 });
  });
  it('records a tier without samples as a gap', () => {
    const stats = makeStats();
    stats.latencyMs.network = { p50: 0, p95: 0, p99: 0, count: 0 };
    expect(latencyPoint(stats, 0).networkP95).toBeNull();
  });
});

describe('appendLatencyPoint', () => {
  it('returns a new array and leaves the old one alone', () => {
    const before = [point(0)];
    const after = appendLatencyPoint(before, point(250));
    expect(after).not.toBe(before);
    expect(before).toHaveLength(1);
    expect(after.map((p) => p.t)).toEqual([0, 250]);
  });
  it('drops points older than the span', () => {
    let history: LatencyPoint[] = [];
    for (let t = 0; t <= 10_000; t += 1000) history = appendLatencyPoint(history, point(t), 3000);
    expect(history.map((p) => p.t)).toEqual([7000, 8000, 9000, 10_000]);
  });
  it('caps the number of points', () => {
    let history: LatencyPoint[] = [];
    for (let t = 0; t < 100; t += 1) history = appendLatencyPoint(history, point(t), 1_000_000, 10);
    expect(history).toHaveLength(10);
    expect(history[9].t).toBe(99);
  });
});
