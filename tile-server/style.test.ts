import { describe, expect, test } from 'vitest';
import { FONT_STACK } from './glyph-font.ts';
import { LAYERS } from './layer-catalog.ts';
import { ATTRIBUTION, buildStyle, buildTileJson } from './style.ts';

const ORIGIN = 'http://tiles.test:4321';

type StyleLayer = {
  id: string;
  type: string;
  source?: string;
  'source-layer'?: string;
  minzoom?: number;
  layout?: Record<string, unknown>;
  paint?: Record<string, unknown>;
};

describe('buildStyle', () => {
  const style = buildStyle(ORIGIN) as {
    version: number;
    glyphs: string;
    sources: Record<string, { tiles: string[] }>;
    layers: StyleLayer[];
    center: number[];
    zoom: number;
  };
  const symbols = style.layers.filter((l) => l.type === 'symbol');

  test('is a v8 style whose tiles come from the given origin', () => {
    expect(style.version).toBe(8);
    expect(style.sources.kestrel.tiles).toEqual([`${ORIGIN}/tiles/{z}/{x}/{y}.pbf`]);
  });

  test('takes its glyphs from the same origin and needs no sprite', () => {
    expect(style.glyphs).toBe(`${ORIGIN}/fonts/{fontstack}/{range}.pbf`);
    expect(style).not.toHaveProperty('sprite');
  });

  test('labels countries, US states and places by name, in the one font stack the server has', () => {
    expect(symbols.map((l) => [l.id, l['source-layer']])).toEqual([
      ['state-labels', 'state_labels'],
      ['place-labels', 'places'],
      ['country-labels', 'country_labels'],
    ]);
    for (const l of symbols) {
      expect(l.layout?.['text-field'], l.id).toEqual(['get', 'name']);
      expect(l.layout?.['text-font'], l.id).toEqual([FONT_STACK]);
    }
  });

  test('gives every label a halo, and places bigger places first where labels collide', () => {
    for (const l of symbols) {
      expect(l.paint?.['text-halo-width'], l.id).toBeGreaterThan(0);
      expect(l.paint?.['text-halo-color'], l.id).toBeTruthy();
    }
    const places = symbols.find((l) => l.id === 'place-labels')!;
    expect(places.layout?.['symbol-sort-key']).toEqual(['get', 'rank']);
    // Country names are placed before city names (MapLibre places the topmost layer first).
    expect(symbols.at(-1)?.id).toBe('country-labels');
  });

  test('shows US state names at mid zooms only', () => {
    expect(symbols.find((l) => l.id === 'state-labels')).toMatchObject({ minzoom: 4, maxzoom: 9 });
  });

  test('paints water as the background and only uses source layers the tiles contain', () => {
    expect(style.layers[0]).toMatchObject({ id: 'background', type: 'background' });
    const known = new Set(LAYERS.map((l) => l.id));
    for (const layer of style.layers.slice(1)) expect(known.has(layer['source-layer'] as never), layer.id).toBe(true);
  });

  test('draws US state borders from z3 and county borders from z6', () => {
    expect(style.layers.find((l) => l.id === 'state-borders')?.minzoom).toBe(3);
    expect(style.layers.find((l) => l.id === 'county-borders')?.minzoom).toBe(6);
  });

  test('draws no polygon outlines, which would trace the cuts at ±180°', () => {
    const lineSources = style.layers.filter((l) => l.type === 'line').map((l) => l['source-layer']);
    expect(new Set(lineSources)).toEqual(new Set(['boundaries']));
  });

  test('has a default center and zoom', () => {
    expect(style.center).toHaveLength(2);
    expect(style.zoom).toBeGreaterThanOrEqual(0);
  });
});

describe('buildTileJson', () => {
  test('is TileJSON 3.0 with tiles from the origin, zoom range, bounds, layers and attribution', () => {
    const tj = buildTileJson(ORIGIN) as Record<string, unknown>;
    expect(tj).toMatchObject({ tilejson: '3.0.0', tiles: [`${ORIGIN}/tiles/{z}/{x}/{y}.pbf`], minzoom: 0, maxzoom: 14, attribution: ATTRIBUTION });
    expect((tj.bounds as number[])[3]).toBeCloseTo(85.0511, 4);
    expect((tj.vector_layers as { id: string }[]).map((l) => l.id)).toEqual([
      'land',
      'countries',
      'boundaries',
      'states',
      'counties',
      'places',
      'country_labels',
      'state_labels',
    ]);
  });
});
