export { placeIndexLoader } from './load-place-index.ts';
export type { Place, PlaceIndex } from './place-index.ts';
export { PlaceSearchBox, SEARCH_MEASURE, type PlaceSearchSource } from './place-search-box.tsx';
