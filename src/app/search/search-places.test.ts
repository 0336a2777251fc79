import { describe, expect, test } from 'vitest';
import { parsePlaceIndex, PlaceIndexError, zoomForPopulation } from './place-index.ts';
import { searchPlaces } from './search-places.ts';

const INDEX = [
  '#kestrel-places v1\tkind\tname\tcountry\tpopulation\tlon\tlat\tzoom',
  'c\tSwitzerland\t\t\t8.23\t46.8\t7',
  'c\tZambia\t\t\t27.8\t-13.4\t4',
  'p\tNew York City\tUS\t8175133\t-74.01\t40.71',
  'p\tZürich\tCH\t341730\t8.55\t47.37',
  'p\tYork\tGB\t153717\t-1.08\t53.96',
  'p\tZurich\tUS\t1500\t-95\t40',
  'p\tZürich (Kreis 11)\tCH\t54260\t8.52\t47.42',
  '',
].join('\n');
const index = parsePlaceIndex(INDEX);
const names = (q: string, limit?: number) => searchPlaces(index, q, limit).map((p) => p.name);

describe('searchPlaces', () => {
  test('"Zurich" finds Zürich: diacritics and case are ignored', () => {
    expect(names('Zurich')[0]).toBe('Zürich');
    expect(names('zürich')[0]).toBe('Zürich');
    expect(names('ZUR')).toEqual(['Zürich', 'Zurich', 'Zürich (Kreis 11)']);
  });

  test('ranks by the index order: countries first, then places by population', () => {
    expect(names('z')).toEqual(['Zambia', 'Zürich', 'Zurich', 'Zürich (Kreis 11)']);
  });

  test('lists names starting with the query before names with a word that starts with it', () => {
    expect(names('york')).toEqual(['York', 'New York City']);
  });

  test('stops at the limit, and finds nothing for an empty or punctuation-only query', () => {
    expect(names('z', 2)).toEqual(['Zambia', 'Zürich']);
    expect(names('')).toEqual([]);
    expect(names(' ,. ')).toEqual([]);
  });

  test('gives each result where to fly: a country at its own zoom, a place by population', () => {
    const [swiss] = searchPlaces(index, 'switz');
    expect(swiss).toMatchObject({ kind: 'country', lngLat: [8.23, 46.8], zoom: 7 });
    const [nyc] = searchPlaces(index, 'new york');
    expect(nyc).toMatchObject({ kind: 'place', country: 'US', population: 8_175_133, zoom: 9 });
  });
});

describe('parsePlaceIndex', () => {
  test('refuses a file without the header (an HTML fallback page, say)', () => {
    expect(() => parsePlaceIndex('<!doctype html><title>Kestrel</title>')).toThrow(PlaceIndexError);
  });

  test('skips blank and unknown rows', () => {
    expect(parsePlaceIndex(`${INDEX}x\tnothing\n\n`).places).toHaveLength(7);
  });
});

describe('zoomForPopulation', () => {
  test('shows bigger places from further out', () => {
    expect([10_000_000, 2_000_000, 300_000, 5_000].map(zoomForPopulation)).toEqual([9, 10, 11, 12]);
  });
});
