import { describe, expect, it } from 'vitest';
import { niceCeiling, sparklinePath } from './sparkline-path.ts';

const box = { width: 100, height: 50, fromT: 0, toT: 1000, maxY: 100 };

describe('sparklinePath', () => {
  it('maps time to x and value to y, with zero at the bottom', () => {
    const d = sparklinePath(
      [
        { t: 0, value: 0 },
        { t: 500, value: 50 },
        { t: 1000, value: 100 },
      ],
      box,
    );
    expect(d).toBe('M0 50L50 25L100 0');
  });
  it('starts a new segment after a missing value', () => {
    const d = sparklinePath(
      [
        { t: 0, value: 10 },
        { t: 250, value: null },
        { t: 500, value: 10 },
        { t: 750, value: 10 },
      ],
      box,
    );
    expect(d).toBe('M0 45M50 45L75 45');
  });
  it('clips values above the top and below zero', () => {
    expect(sparklinePath([{ t: 0, value: 500 }, { t: 1000, value: -5 }], box)).toBe('M0 0L100 50');
  });
  it('skips points outside the time range', () => {
    expect(sparklinePath([{ t: -10, value: 5 }, { t: 2000, value: 5 }], box)).toBe('');
  });
  it('draws nothing for an empty range', () => {
    expect(sparklinePath([{ t: 0, value: 1 }], { ...box, toT: 0 })).toBe('');
  });
});

describe('niceCeiling', () => {
  it('rounds up to 1, 2 or 5 times a power of ten', () => {
    expect(niceCeiling(480)).toBe(500);
    expect(niceCeiling(1200)).toBe(2000);
    expect(niceCeiling(100)).toBe(100);
    expect(niceCeiling(0.7)).toBe(1);
    expect(niceCeiling(7)).toBe(10);
  });
  it('falls back to 1 when there is nothing to scale', () => {
    expect(niceCeiling(0)).toBe(1);
    expect(niceCeiling(Number.NaN)).toBe(1);
  });
});
