import { describe, expect, it } from 'vitest';
import type { TileCoord } from '../contract/engine-api.ts';
import { SpatialIndex } from './spatial-index.ts';
import type { BBox } from './tile-math.ts';
import { inTileRange, tileRangesInBBox } from './tile-ranges.ts';

// Every tile of a small zoom, indexed the way the memory tier is: the witness the ranges must agree with.
function everyTile(z: number): SpatialIndex {
  const index = new SpatialIndex();
  const n = 2 ** z;
  const all = [];
  for (let x = 0; x < n; x++) for (let y = 0; y < n; y++) all.push({ key: `${z}/${x}/${y}`, source: 's', coord: { z, x, y } });
  index.load(all);
  return index;
}

function sorted(coords: TileCoord[]): string[] {
  return coords.map((c) => `${c.z}/${c.x}/${c.y}`).sort();
}

function inRanges(bbox: BBox, z: number): string[] {
  const out: TileCoord[] = [];
  for (const r of tileRangesInBBox(bbox, z)) for (let x = r.minX; x <= r.maxX; x++) for (let y = r.minY; y <= r.maxY; y++) out.push({ z, x, y });
  return sorted(out);
}

describe('tileRangesInBBox', () => {
  it('covers exactly the tiles the spatial index finds, for boxes on and off tile edges, points, lines and the antimeridian', () => {
    const boxes: BBox[] = [
      [0, 0, 180, 85],
      [5, 45, 10, 50],
      [-180, -85, 180, 85],
      [45, 30, 45, 30],
      [0, -10, 0, 10],
      [170, 10, -170, 20],
      [-12.3, 33.3, 44.4, 71.9],
      [90, 0, 90, 0],
    ];
    for (const z of [0, 1, 2, 3, 5]) {
      const index = everyTile(z);
      for (const bbox of boxes) {
        const expected = sorted(index.search(bbox, { minZoom: z, maxZoom: z }).map((e) => e.coord));
        expect(inRanges(bbox, z), `${bbox.join(',')} at z${z}`).toEqual(expected);
      }
    }
  });

  it('splits a box that crosses the antimeridian into two ranges', () => {
    expect(tileRangesInBBox([170, 10, -170, 20], 2)).toEqual([
      { z: 2, minX: 3, maxX: 3, minY: 1, maxY: 1 },
      { z: 2, minX: 0, maxX: 0, minY: 1, maxY: 1 },
    ]);
  });

  it('stays within the world at deep zooms', () => {
    const [range] = tileRangesInBBox([-180, -90, 180, 90], 30);
    expect(range).toEqual({ z: 30, minX: 0, maxX: 2 ** 30 - 1, minY: 0, maxY: 2 ** 30 - 1 });
  });

  it('#inTileRange checks zoom and both axes', () => {
    const range = { z: 4, minX: 2, maxX: 3, minY: 5, maxY: 5 };
    expect(inTileRange(range, { z: 4, x: 3, y: 5 })).toBe(true);
    expect(inTileRange(range, { z: 5, x: 3, y: 5 })).toBe(false);
    expect(inTileRange(range, { z: 4, x: 4, y: 5 })).toBe(false);
  });
});
