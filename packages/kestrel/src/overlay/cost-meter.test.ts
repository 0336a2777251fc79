import { describe, expect, it } from 'vitest';
import { CostMeter } from './cost-meter.ts';

describe('CostMeter', () => {
  it('averages the time spent over its window, per second', () => {
    const meter = new CostMeter(1000);
    meter.add(100, 2);
    meter.add(350, 3);
    expect(meter.msPerSecond(400)).toBe(5);
  });
  it('scales a longer window down to one second', () => {
    const meter = new CostMeter(5000);
    for (let t = 0; t < 5000; t += 250) meter.add(t, 1);
    expect(meter.msPerSecond(4999)).toBe(4);
  });
  it('forgets work older than the window', () => {
    const meter = new CostMeter(1000);
    meter.add(0, 10);
    meter.add(1500, 1);
    expect(meter.msPerSecond(1500)).toBe(1);
    expect(meter.msPerSecond(3000)).toBe(0);
  });
  it('ignores negative or non-finite spans', () => {
    const meter = new CostMeter(1000);
    meter.add(0, -3);
    meter.add(0, Number.NaN);
    expect(meter.msPerSecond(0)).toBe(0);
  });
});
