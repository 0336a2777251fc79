import { describe, expect, test } from 'vitest';
import { LAYERS } from './layer-catalog.ts';
import { ATTRIBUTION, buildStyle, buildTileJson } from './style.ts';

const ORIGIN = 'http://tiles.test:4321';

type StyleLayer = { id: string; type: string; source?: string; 'source-layer'?: string; minzoom?: number };

describe('buildStyle', () => {
  const style = buildStyle(ORIGIN) as { version: number; sources: Record<string, { tiles: string[] }>; layers: StyleLayer[]; center: number[]; zoom: number };

  test('is a v8 style whose tiles come from the given origin', () => {
    expect(style.version).toBe(8);
    expect(style.sources.kestrel.tiles).toEqual([`${ORIGIN}/tiles/{z}/{x}/{y}.pbf`]);
  });

  test('needs no fonts or sprites: no symbol layers, no glyphs, no sprite', () => {
    expect(style).not.toHaveProperty('glyphs');
    expect(style).not.toHaveProperty('sprite');
    expect(style.layers.filter((l) => l.type === 'symbol')).toEqual([]);
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
    expect((tj.vector_layers as { id: string }[]).map((l) => l.id)).toEqual(['land', 'countries', 'boundaries', 'states', 'counties', 'places']);
  });
});
