import { describe, expect, it } from 'vitest';
import { longTasksIn, mainThreadDelta, settledAt, tileDelta } from './measure.ts';

const summary = (requested: number, delivered: number, holeTimeMs: number, pending = 0) => ({
  requested,
  delivered,
  errored: 0,
  aborted: 0,
  pending,
  holeTimeMs,
  latenciesMs: [],
});

describe('tileDelta', () => {
  it('subtracts the reading at the start of the window', () => {
    expect(tileDelta(summary(6, 6, 600), summary(18, 17, 2000, 1))).toMatchObject({ requested: 12, delivered: 11, holeTimeMs: 1400, pending: 1 });
  });
  it('takes the later reading whole when the counters were reset in between', () => {
    expect(tileDelta(summary(6, 6, 600), summary(4, 4, 300))).toMatchObject({ requested: 4, delivered: 4, holeTimeMs: 300 });
  });
});

describe('mainThreadDelta', () => {
  it('subtracts cumulative counters', () => {
    const d = mainThreadDelta({ taskS: 1, scriptS: 0.5 }, { taskS: 1.5, scriptS: 0.75 });
    expect(d.taskS).toBeCloseTo(0.5);
    expect(d.scriptS).toBeCloseTo(0.25);
  });
  it('takes the later reading whole after a move to a fresh renderer', () => {
    expect(mainThreadDelta({ taskS: 3, scriptS: 1 }, { taskS: 0.8, scriptS: 0.2 })).toEqual({ taskS: 0.8, scriptS: 0.2 });
  });
});

describe('settledAt', () => {
  it("is the first idle event at or after the window's reference time", () => {
    expect(settledAt([100, 900, 1500], 800, { outcome: 'idle', at: 2000 })).toBe(900);
  });
  it('is when the wait ended when no idle event was recorded after the reference', () => {
    expect(settledAt([100], 800, { outcome: 'idle', at: 2000 })).toBe(2000);
  });
  it('is the timeout when the map never settled', () => {
    expect(settledAt([100, 900], 0, { outcome: 'timeout', at: 25_000 })).toBe(25_000);
  });
});

describe('longTasksIn', () => {
  it('counts tasks that started inside the window', () => {
    expect(longTasksIn([[10, 60], [100, 80], [300, 51]], 50, 300)).toEqual({ count: 1, totalMs: 80 });
  });
});
