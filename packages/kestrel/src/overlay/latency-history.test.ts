import { describe, expect, it } from 'vitest';
import { appendLatencyPoint, chartRange, latencyPoint, type LatencyPoint } from './latency-history.ts';
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

describe('chartRange', () => {
  it('shows at least 30 s so the first points do not fill the whole chart', () => {
    expect(chartRange([point(1000), point(1250)])).toEqual({ fromT: -28_750, toT: 1250 });
  });
  it('stretches over the history between 30 s and 3 minutes', () => {
    expect(chartRange([point(0), point(60_000)])).toEqual({ fromT: 0, toT: 60_000 });
  });
  it('never shows more than 3 minutes', () => {
    expect(chartRange([point(0), point(500_000)])).toEqual({ fromT: 320_000, toT: 500_000 });
  });
  it('has a range even without points', () => {
    expect(chartRange([])).toEqual({ fromT: -30_000, toT: 0 });
  });
});
