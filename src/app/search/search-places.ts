import { foldForSearch } from './fold-for-search.ts';
import type { Place, PlaceIndex } from './place-index.ts';

/** How many results the box lists. */
export const DEFAULT_RESULT_LIMIT = 8;

/**
 * Up to `limit` places matching `query`, best first: names that start with the query, then names with a word that
 * does ("York" finds New York), each group in index order (countries, then places by population). Diacritics and
 * case are ignored on both sides. An empty query finds nothing.
 */
export function searchPlaces(index: PlaceIndex, query: string, limit = DEFAULT_RESULT_LIMIT): Place[] {
  const q = foldForSearch(query);
  if (!q) return [];
  const prefix: Place[] = [];
  const word: Place[] = [];
  const inWord = ` ${q}`;
  const { folded, places } = index;
  // One pass in rank order; it stops once the prefix matches alone fill the list, as better ones cannot follow.
  for (let i = 0; i < folded.length && prefix.length < limit; i++) {
    const name = folded[i]!;
    if (name.startsWith(q)) prefix.push(places[i]!);
    else if (word.length < limit && name.includes(inWord)) word.push(places[i]!);
  }
  return [...prefix, ...word].slice(0, limit);
}
