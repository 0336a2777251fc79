import type { Feature } from 'geojson';
import { describe, expect, test } from 'vitest';
import { areaRank, labelPoints } from './label-points.ts';

const square = (x0: number, y0: number, size: number) => [[[x0, y0], [x0 + size, y0], [x0 + size, y0 + size], [x0, y0 + size], [x0, y0]]];

describe('labelPoints', () => {
  test('puts the label inside the largest part of a multipolygon, not between its parts', () => {
    const f: Feature = {
      type: 'Feature',
      properties: { name: 'Mainland' },
      geometry: { type: 'MultiPolygon', coordinates: [square(0, 0, 10), square(40, 0, 1)] },
    };
    const [point] = labelPoints([f]);
    const [lon, lat] = (point!.geometry as { coordinates: number[] }).coordinates;
    expect(lon).toBeGreaterThan(0);
    expect(lon).toBeLessThan(10);
    expect(lat).toBeGreaterThan(0);
    expect(lat).toBeLessThan(10);
    expect(point!.properties).toMatchObject({ name: 'Mainland' });
  });

  test('keeps a label inside a U-shaped region whose centroid falls outside it', () => {
    const u: Feature = {
      type: 'Feature',
      properties: { name: 'U' },
      geometry: { type: 'Polygon', coordinates: [[[0, 0], [10, 0], [10, 10], [8, 10], [8, 2], [2, 2], [2, 10], [0, 10], [0, 0]]] },
    };
    const [point] = labelPoints([u]);
    const [lon, lat] = (point!.geometry as { coordinates: number[] }).coordinates;
    const inArm = lon! < 2 || lon! > 8 || lat! < 2;
    expect(inArm).toBe(true);
  });

  test('skips features without a name or without polygon geometry', () => {
    const nameless: Feature = { type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: square(0, 0, 1) } };
    const line: Feature = { type: 'Feature', properties: { name: 'L' }, geometry: { type: 'LineString', coordinates: [[0, 0], [1, 1]] } };
    expect(labelPoints([nameless, line])).toEqual([]);
  });
});

describe('areaRank', () => {
  test('ranks 1 for continental countries down to 6 for micro-states', () => {
    expect(areaRank(8_500_000)).toBe(1);
    expect(areaRank(1_500_000)).toBe(2);
    expect(areaRank(350_000)).toBe(3);
    expect(areaRank(120_000)).toBe(4);
    expect(areaRank(30_000)).toBe(5);
    expect(areaRank(2)).toBe(6);
  });
});
