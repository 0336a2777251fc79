import type { Feature } from 'geojson';
import { describe, expect, test } from 'vitest';
import { buildPlaceIndex, PLACE_INDEX_HEADER } from './place-index.ts';

const country = (name: string, rank: number, lon: number, lat: number): Feature => ({
  type: 'Feature',
  properties: { name, rank },
  geometry: { type: 'Point', coordinates: [lon, lat] },
});

describe('buildPlaceIndex', () => {
  test('writes the header, countries by area rank with their zoom, then places by population (no sections of places), tab-separated', () => {
    const text = buildPlaceIndex(
      [
        { name: 'Zürich', country: 'CH', featureCode: 'PPLA', population: 341_730, lon: 8.55, lat: 47.36667 },
        { name: 'Tokyo', country: 'JP', featureCode: 'PPLC', population: 8_336_599, lon: 139.69171, lat: 35.6895 },
        { name: 'Zürich (Kreis 11)', country: 'CH', featureCode: 'PPLX', population: 54_260, lon: 8.52, lat: 47.42 },
      ],
      [country('Switzerland', 5, 8.2345, 46.8), country('Russia', 1, 99, 62)],
    );
    expect(text.split('\n')).toEqual([
      PLACE_INDEX_HEADER,
      'c\tRussia\t\t\t99\t62\t3',
      'c\tSwitzerland\t\t\t8.23\t46.8\t7',
      'p\tTokyo\tJP\t8336599\t139.69\t35.69',
      'p\tZürich\tCH\t341730\t8.55\t47.37',
      '',
    ]);
  });

  test('keeps a tab or newline inside a name from breaking its row', () => {
    const text = buildPlaceIndex([{ name: 'Odd\tName\n', country: 'XX', featureCode: 'PPL', population: 1, lon: 0, lat: 0 }], []);
    expect(text.split('\n')[1]).toBe('p\tOdd Name\tXX\t1\t0\t0');
  });

  test('composes names to NFC (u + combining diaeresis becomes ü)', () => {
    const text = buildPlaceIndex([{ name: 'Zu\u0308rich', country: 'CH', featureCode: 'PPL', population: 1, lon: 0, lat: 0 }], []);
    expect(text.split('\n')[1]!.split('\t')[1]).toBe('Z\u00fcrich');
  });

  test('over the real data: every country and ~140k places, Zürich spelled with its umlaut', () => {
    const lines = buildPlaceIndex().trimEnd().split('\n');
    const kinds = lines.slice(1).map((l) => l[0]);
    expect(kinds.filter((k) => k === 'c').length).toBeGreaterThan(200);
    expect(kinds.filter((k) => k === 'p').length).toBeGreaterThan(100_000);
    expect(lines.some((l) => l.startsWith('p\tZürich\tCH\t'))).toBe(true);
    expect(lines.every((l) => l.split('\t').length === (l[0] === 'c' ? 7 : 6) || l === PLACE_INDEX_HEADER)).toBe(true);
  });
});
