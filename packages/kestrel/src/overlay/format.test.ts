import { describe, expect, it } from 'vitest';
import { DASH, formatBytes, formatCount, formatFps, formatMs, formatPercent, formatScore, formatWindow } from './format.ts';

describe('formatMs', () => {
  it('shows sub-millisecond cache hits with two decimals', () => {
    expect(formatMs(0.4213)).toBe('0.42 ms');
    expect(formatMs(4.5)).toBe('4.5 ms');
  });
  it('shows one decimal between 10 and 100 ms and none above', () => {
    expect(formatMs(12.34)).toBe('12.3 ms');
    expect(formatMs(40)).toBe('40 ms');
    expect(formatMs(523.6)).toBe('524 ms');
  });
  it('switches to seconds from 1000 ms', () => {
    expect(formatMs(1000)).toBe('1 s');
    expect(formatMs(1520)).toBe('1.52 s');
    expect(formatMs(12_345)).toBe('12.3 s');
  });
  it('shows zero plainly', () => {
    expect(formatMs(0)).toBe('0 ms');
  });
  it('shows a dash for missing or non-finite values', () => {
    expect(formatMs(null)).toBe(DASH);
    expect(formatMs(undefined)).toBe(DASH);
    expect(formatMs(Number.NaN)).toBe(DASH);
    expect(formatMs(Number.POSITIVE_INFINITY)).toBe(DASH);
  });
});

describe('formatBytes', () => {
  it('uses binary units', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(64 * 1024 * 1024)).toBe('64 MiB');
    expect(formatBytes(1.25 * 1024 ** 3)).toBe('1.3 GiB');
  });
  it('drops the decimal from 100 units up', () => {
    expect(formatBytes(150.4 * 1024)).toBe('150 KiB');
  });
  it('promotes a value that would round up to 1024 of a unit', () => {
    expect(formatBytes(1024 * 1024 - 1)).toBe('1 MiB');
  });
  it('keeps the sign of negative deltas', () => {
    expect(formatBytes(-2048)).toBe('-2 KiB');
  });
  it('shows a dash for missing values', () => {
    expect(formatBytes(Number.NaN)).toBe(DASH);
  });
});

describe('formatPercent', () => {
  it('renders a ratio with one decimal', () => {
    expect(formatPercent(0.875)).toBe('87.5%');
    expect(formatPercent(0.5)).toBe('50%');
  });
  it('never rounds an imperfect ratio up to 100 %', () => {
    expect(formatPercent(0.99996)).toBe('99.9%');
    expect(formatPercent(1)).toBe('100%');
  });
  it('renders zero and a dash for missing ratios', () => {
    expect(formatPercent(0)).toBe('0%');
    expect(formatPercent(null)).toBe(DASH);
  });
});

describe('formatCount, formatScore, formatFps, formatWindow', () => {
  it('groups thousands the same way on every machine', () => {
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(formatCount(2.6)).toBe('3');
  });
  it('shows CLS with three decimals', () => {
    expect(formatScore(0.1)).toBe('0.100');
    expect(formatScore(0.04567)).toBe('0.046');
  });
  it('rounds frame rates to whole frames', () => {
    expect(formatFps(59.6)).toBe('60 fps');
    expect(formatFps(null)).toBe(DASH);
  });
  it('describes the percentile window by samples and age', () => {
    expect(formatWindow({ maxSamples: 1000, maxAgeMs: 60_000 })).toBe('1,000 samples · 60 s');
    expect(formatWindow({ maxSamples: 500, maxAgeMs: 0 })).toBe('500 samples');
    expect(formatWindow(null)).toBe(DASH);
  });
});

describe('in the reader’s locale', () => {
  it('groups and marks decimals as the locale does, units unchanged', () => {
    expect(formatCount(1_234_567, 'de-DE')).toBe('1.234.567');
    expect(formatCount(1_234_567, 'en-IN')).toBe('12,34,567');
    expect(formatMs(12.5, 'de-DE')).toBe('12,5 ms');
    expect(formatMs(2_500, 'fr-FR')).toBe('2,5 s');
    expect(formatBytes(1536, 'de-DE')).toBe('1,5 KiB');
    expect(formatScore(0.1, 'de-DE')).toBe('0,100');
    expect(formatWindow({ maxSamples: 1000, maxAgeMs: 60_000 }, 'de-DE')).toBe('1.000 samples · 60 s');
  });

  it('writes percentages the locale’s way (a space before % in German and French)', () => {
    expect(formatPercent(0.125, 'en-US')).toBe('12.5%');
    expect(formatPercent(0.125, 'de-DE')).toBe('12,5\u00a0%');
    expect(formatPercent(0.9996, 'de-DE')).toBe('99,9\u00a0%');
  });
});
