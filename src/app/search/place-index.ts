import { foldForSearch } from './fold-for-search.ts';

/** A country or a populated place the search can find. */
export interface Place {
  kind: 'country' | 'place';
  name: string;
  /** ISO 3166-1 alpha-2 of a place's country; empty for a country. */
  country: string;
  /** 0 for a country (the index has no population for them). */
  population: number;
  lngLat: [number, number];
  /** The zoom a search result flies to. */
  zoom: number;
}

/** The parsed index: places in rank order (countries first, then by population) and each one's folded name. */
export interface PlaceIndex {
  readonly places: readonly Place[];
  readonly folded: readonly string[];
}

/** Thrown for a file that is not a place index of a version this viewer reads. */
export class PlaceIndexError extends Error {
  override name = 'PlaceIndexError';
}

const HEADER = '#kestrel-places v1';

// How close a place is shown, by population: a megacity whole at z9, a town of a few thousand at z12.
export function zoomForPopulation(population: number): number {
  if (population >= 5_000_000) return 9;
  if (population >= 1_000_000) return 10;
  if (population >= 100_000) return 11;
  return 12;
}

/** Parses the tab-separated index (tile-server/place-index.ts writes it); its row order is kept as the rank. */
export function parsePlaceIndex(text: string): PlaceIndex {
  if (!text.startsWith(HEADER)) throw new PlaceIndexError(`not a place index (expected a first line starting "${HEADER}")`);
  const places: Place[] = [];
  const folded: string[] = [];
  let start = text.indexOf('\n') + 1;
  while (start > 0 && start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const [kind, name, country, population, lon, lat, zoom] = text.slice(start, end).split('\t');
    start = end + 1;
    if ((kind !== 'c' && kind !== 'p') || !name) continue;
    const pop = Number(population) || 0;
    places.push({
      kind: kind === 'c' ? 'country' : 'place',
      name,
      country: country ?? '',
      population: pop,
      lngLat: [Number(lon), Number(lat)],
      zoom: kind === 'c' ? Number(zoom) || 5 : zoomForPopulation(pop),
    });
    folded.push(foldForSearch(name));
  }
  return { places, folded };
}
