import { describe, expect, it } from 'vitest';
import { deriveMeasures, littleLaw, type RawReadings } from './measures.ts';

const readings = (over: Partial<RawReadings> = {}): RawReadings => ({
  settleMs: 1234.4,
  tiles: { requested: 10, delivered: 8, errored: 1, aborted: 1, pending: 1, holeTimeMs: 800, latenciesMs: [100, 50, 300, 200, 10, 20, 60, 60] },
  server: { requests: 9, bytesSent: 2048, maxInFlight: 6, byTileTimes: {} },
  mainThread: { taskS: 0.4, scriptS: 0.1 },
  longTasks: { count: 2, totalMs: 130 },
  engine: null,
  moving: false,
  ...over,
});

describe('littleLaw', () => {
  it('bounds n tiles through k slots at ⌈n / k⌉ × latency and measures first to last arrival plus one latency', () => {
    const law = littleLaw({ '1/0/0': [1000], '1/0/1': [1100], '1/1/0': [1200] }, 100, 2)!;
    expect(law.tiles).toBe(3);
    expect(law.littleBoundMs).toBe(200);
    expect(law.tilePhaseMs).toBe(300);
    expect(law.littleRatio).toBeCloseTo(1.5);
  });
  it("caps the limit at the browser's 6 connections per host for the capped ratio", () => {
    const times = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`4/${i}/0`, [i < 6 ? 0 : 100]]));
    const law = littleLaw(times, 100, 32)!;
    expect(law.littleBoundMs).toBe(100);
    expect(law.littleRatioCapped).toBeCloseTo(1);
  });
  it('is null when the server saw no tile', () => {
    expect(littleLaw({}, 100, 4)).toBeNull();
  });
});

describe('deriveMeasures', () => {
  it('counts errored and still-pending tiles as missing', () => {
    expect(deriveMeasures(readings()).tilesMissing).toBe(2);
  });
  it('gives tile latency percentiles by linear interpolation', () => {
    const m = deriveMeasures(readings());
    expect(m.tileP50Ms).toBe(60);
    expect(m.tileP95Ms).toBe(265);
  });
  it('gives main-thread time per delivered tile in ms', () => {
    expect(deriveMeasures(readings()).mainMsPerTile).toBe(50);
  });
  it('leaves per-tile figures empty when nothing was delivered', () => {
    const m = deriveMeasures(readings({ tiles: { requested: 3, delivered: 0, errored: 3, aborted: 0, pending: 0, holeTimeMs: 0, latenciesMs: [] } }));
    expect(m.holeMsPerTile).toBeNull();
    expect(m.mainMsPerTile).toBeNull();
  });
  it('has no frame rate without a journey and no engine figures with the engine off', () => {
    const m = deriveMeasures(readings());
    expect(m.fps).toBeNull();
    expect(m.cacheHitRatio).toBeUndefined();
  });
});
