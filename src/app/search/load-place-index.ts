import { parsePlaceIndex, type PlaceIndex } from './place-index.ts';

/**
 * Fetches and parses the index once per URL; later calls share the first promise. A failed load is forgotten, so
 * the next focus of the search box tries again (the service worker answers from its precache when offline).
 */
export function placeIndexLoader(url: string, fetchText: (url: string) => Promise<string> = defaultFetchText): () => Promise<PlaceIndex> {
  let pending: Promise<PlaceIndex> | undefined;
  return () => {
    pending ??= fetchText(url)
      .then(parsePlaceIndex)
      .catch((error: unknown) => {
        pending = undefined;
        throw error;
      });
    return pending;
  };
}

async function defaultFetchText(url: string): Promise<string> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`the place index answered ${response.status}`);
  return response.text();
}
