import { describe, expect, it } from 'vitest';
import { FrameRateMeter } from './frame-rate-meter.ts';

describe('FrameRateMeter', () => {
  it('reports 60 fps for frames every 16.67 ms', () => {
    const meter = new FrameRateMeter(1000);
    for (let i = 0; i <= 60; i += 1) meter.record(i * (1000 / 60));
    expect(meter.fps(1000)).toBeCloseTo(60, 5);
  });
  it('has no rate before two frames', () => {
    const meter = new FrameRateMeter();
    expect(meter.fps(0)).toBeNull();
    meter.record(10);
    expect(meter.fps(10)).toBeNull();
  });
  it('forgets frames older than the window', () => {
    const meter = new FrameRateMeter(1000);
    for (let t = 0; t <= 1000; t += 10) meter.record(t);
    for (let t = 1100; t <= 2000; t += 100) meter.record(t);
    expect(meter.fps(2000)).toBeCloseTo(10, 5);
  });
  it('drops to no rate when frames stop (a hidden tab)', () => {
    const meter = new FrameRateMeter(1000);
    meter.record(0);
    meter.record(16);
    expect(meter.fps(5000)).toBeNull();
  });
});
