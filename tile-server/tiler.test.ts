import { describe, expect, test } from 'vitest';
import { decodeTile, type DecodedLayer } from './decode-tile.ts';
import { TILE_BUFFER, TILE_EXTENT } from './layer-catalog.ts';
import { createTiler } from './tiler.ts';

// One tiler for the file: each data source loads once, on first use.
const tiler = createTiler();

function layersOf(z: number, x: number, y: number): Record<string, DecodedLayer> {
  const bytes = tiler.getTile(z, x, y);
  expect(bytes, `tile ${z}/${x}/${y}`).not.toBeNull();
  return decodeTile(bytes!);
}

function populations(layer: DecodedLayer | undefined): number[] {
  return (layer?.features ?? []).map((f) => Number(f.properties.population));
}

// Tiles over known places (xyz, web mercator).
const US_Z3 = [3, 1, 3] as const; // western US, west of 90°W
const US_Z5 = [5, 7, 12] as const; // Kansas / Oklahoma
const US_Z6 = [6, 14, 24] as const; // Kansas
const CHICAGO_Z7 = [7, 32, 47] as const;
const SOUTH_PACIFIC_Z3 = [3, 1, 5] as const; // open ocean
const SOUTH_PACIFIC_Z4 = [4, 0, 9] as const;

describe('createTiler', () => {
  test('cuts a z0 tile with land, countries, boundaries, places and country labels, and no US layers', () => {
    const layers = layersOf(0, 0, 0);
    expect(Object.keys(layers).sort()).toEqual(['boundaries', 'countries', 'country_labels', 'land', 'places']);
    for (const layer of Object.values(layers)) {
      expect(layer.extent).toBe(TILE_EXTENT);
      expect(layer.version).toBe(2);
    }
  });

  test('encodes polygons, lines and points with the documented properties', () => {
    const layers = layersOf(0, 0, 0);
    expect(new Set(layers.land.features.map((f) => f.type))).toEqual(new Set([3]));
    expect(new Set(layers.countries.features.map((f) => f.type))).toEqual(new Set([3]));
    expect(new Set(layers.boundaries.features.map((f) => f.type))).toEqual(new Set([2]));
    expect(new Set(layers.places.features.map((f) => f.type))).toEqual(new Set([1]));
    const france = layers.countries.features.find((f) => f.properties.name === 'France');
    expect(france?.properties).toMatchObject({ name: 'France', id: '250' });
    expect(france?.properties.tone).toBeTypeOf('number');
    const tokyo = layers.places.features.find((f) => f.properties.name === 'Tokyo');
    expect(tokyo?.properties.population).toBeGreaterThan(5e6);
    expect(tokyo?.properties.rank).toBeLessThanOrEqual(2);
  });

  test('carries one label point per country, inside it, with its name and area rank; small countries from deeper zooms', () => {
    const z0 = layersOf(0, 0, 0).country_labels!.features;
    expect(new Set(z0.map((f) => f.type))).toEqual(new Set([1]));
    const names = z0.map((f) => f.properties.name);
    expect(names).toContain('Brazil');
    expect(names).not.toContain('Luxembourg');
    expect(z0.find((f) => f.properties.name === 'Russia')?.properties.rank).toBe(1);
    expect(Math.max(...z0.map((f) => Number(f.properties.rank)))).toBeLessThanOrEqual(2);
    // Luxembourg at z5: tile 5/16/10 covers it (≈6°E, 49.7°N).
    const lux = layersOf(5, 16, 10).country_labels?.features.find((f) => f.properties.name === 'Luxembourg');
    expect(lux?.properties.rank).toBe(6);
  });

  test('carries US state label points from z3, with names', () => {
    expect(layersOf(2, 0, 1).state_labels).toBeUndefined();
    const z6 = layersOf(...US_Z6).state_labels!.features.map((f) => f.properties.name);
    expect(z6).toContain('Kansas');
  });

  test('adds US states from z3 and counties from z6', () => {
    expect(layersOf(2, 0, 1).states).toBeUndefined();
    expect(layersOf(...US_Z3).states?.features.length).toBeGreaterThan(15);
    expect(layersOf(...US_Z3).counties).toBeUndefined();
    expect(layersOf(...US_Z5).counties).toBeUndefined();
    const z6 = layersOf(...US_Z6);
    expect(z6.counties?.features.length).toBeGreaterThan(50);
    expect(z6.states?.features.map((f) => f.properties.name)).toContain('Kansas');
  });

  test('puts country borders in boundaries at every zoom, US state borders from z3 and county borders from z6', () => {
    const levels = (key: readonly [number, number, number]) => new Set(layersOf(...key).boundaries.features.map((f) => f.properties.admin_level));
    expect(levels([2, 0, 1])).toEqual(new Set([2]));
    expect(levels(US_Z3)).toEqual(new Set([2, 4]));
    expect(levels(US_Z6)).toEqual(new Set([4, 6]));
  });

  test('draws no border along the ±180° cut (Chukotka, z3)', () => {
    // Tile 3/0/2 starts at 180°W: a cut edge would be a segment running down its left edge, x = 0.
    const segments = layersOf(3, 0, 2).boundaries.features.flatMap((f) => f.geometry.flatMap((line) => line.slice(1).map((p, i) => [line[i], p])));
    expect(segments.length).toBeGreaterThan(0);
    expect(segments.filter(([a, b]) => a.x === 0 && b.x === 0)).toEqual([]);
  });

  test('thins places by population as zoom decreases', () => {
    expect(Math.min(...populations(layersOf(0, 0, 0).places))).toBeGreaterThanOrEqual(5_000_000);
    expect(Math.min(...populations(layersOf(...US_Z3).places))).toBeGreaterThanOrEqual(1_000_000);
    expect(Math.min(...populations(layersOf(...US_Z6).places))).toBeGreaterThanOrEqual(50_000);
    const chicago = populations(layersOf(...CHICAGO_Z7).places);
    expect(Math.min(...chicago)).toBeLessThan(50_000);
    expect(Math.min(...chicago)).toBeGreaterThanOrEqual(10_000);
  });

  test('returns null for an open-ocean tile', () => {
    expect(tiler.getTile(...SOUTH_PACIFIC_Z3)).toBeNull();
    expect(tiler.getTile(...SOUTH_PACIFIC_Z4)).toBeNull();
  });

  test('keeps every coordinate within the tile plus its buffer', () => {
    const keys: (readonly [number, number, number])[] = [[0, 0, 0], [2, 3, 1], US_Z6];
    for (const key of keys) {
      const coords = Object.values(layersOf(...key)).flatMap((l) => l.features.flatMap((f) => f.geometry.flat()));
      const outside = coords.filter((p) => Math.min(p.x, p.y) < -TILE_BUFFER || Math.max(p.x, p.y) > TILE_EXTENT + TILE_BUFFER);
      expect(outside).toEqual([]);
    }
  });

  test('overzooms to the data max zoom (z14) and the tile still decodes', () => {
    // Central Paris.
    const layers = layersOf(14, 8299, 5636);
    expect(layers.countries.features[0].properties.name).toBe('France');
  });

  test('produces identical bytes after an index outgrows maxIndexTiles and is rebuilt', () => {
    const tiny = createTiler({ maxIndexTiles: 8 });
    const first = tiny.getTile(1, 1, 0);
    const second = tiny.getTile(1, 1, 0);
    expect(second).toEqual(first);
    expect(Buffer.from(first!).equals(Buffer.from(tiler.getTile(1, 1, 0)!))).toBe(true);
  });
});
