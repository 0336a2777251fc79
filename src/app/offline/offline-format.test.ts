import { describe, expect, it } from 'vitest';
import { defaultAreaName, defaultZoomRange, editZoomRange, formatBytes, formatCount, formatKm2, formatPercentWhole, savedPercent } from './offline-format.ts';

describe('offline formatting', () => {
  it('formats bytes in decimal units, as the engine states its limits', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1_500)).toBe('1.5 kB');
    expect(formatBytes(500_000_000)).toBe('500 MB');
    expect(formatBytes(10.8e12)).toBe('10.8 TB');
  });

  it('formats areas with separators from 10 km² on', () => {
    expect(formatKm2(12_364.2)).toBe('12,364 km²');
    expect(formatKm2(2.345)).toBe('2.3 km²');
  });

  it('names an area after its centre and zoom', () => {
    expect(defaultAreaName([-95.1234, 45.5], 5.7)).toBe('45.50°N 95.12°W, z5');
  });

  it('writes every number in the reader’s locale', () => {
    expect(formatBytes(1_500, 'de-DE')).toBe('1,5 kB');
    expect(formatCount(12_345, 'de-DE')).toBe('12.345');
    expect(formatCount(12_345, 'fr-FR')).toBe('12\u202f345');
    expect(formatKm2(12_364.2, 'de-DE')).toBe('12.364 km²');
    expect(formatKm2(2.345, 'de-DE')).toBe('2,3 km²');
    expect(defaultAreaName([-95.1234, 45.5], 5.7, 'de-DE')).toBe('45,50°N 95,12°W, z5');
    expect(formatPercentWhole(42, 'en-US')).toBe('42%');
    expect(formatPercentWhole(42, 'de-DE')).toBe('42\u00a0%');
  });
});

describe('zoom range', () => {
  it('defaults to the current zoom floor and three levels more, within the sources maxzoom', () => {
    expect(defaultZoomRange(5.7, 14)).toEqual({ minZoom: 5, maxZoom: 8 });
    expect(defaultZoomRange(12.2, 14)).toEqual({ minZoom: 12, maxZoom: 14 });
    expect(defaultZoomRange(16, 14)).toEqual({ minZoom: 14, maxZoom: 14 });
  });

  it('keeps the range ordered when one end passes the other, and clamps to 0..maxzoom', () => {
    expect(editZoomRange({ minZoom: 5, maxZoom: 8 }, 'minZoom', 10, 14)).toEqual({ minZoom: 10, maxZoom: 10 });
    expect(editZoomRange({ minZoom: 5, maxZoom: 8 }, 'maxZoom', 3, 14)).toEqual({ minZoom: 3, maxZoom: 3 });
    expect(editZoomRange({ minZoom: 5, maxZoom: 8 }, 'maxZoom', 40, 14)).toEqual({ minZoom: 5, maxZoom: 14 });
    expect(editZoomRange({ minZoom: 5, maxZoom: 8 }, 'minZoom', Number.NaN, 14)).toEqual({ minZoom: 5, maxZoom: 8 });
  });
});

describe('savedPercent', () => {
  it('reaches 100 only when every tile is saved', () => {
    expect(savedPercent({ done: 199, total: 200 })).toBe(99);
    expect(savedPercent({ done: 200, total: 200 })).toBe(100);
    expect(savedPercent({ done: 0, total: 0 })).toBe(0);
  });
});
