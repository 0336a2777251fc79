import { describe, expect, it } from 'vitest';
import type { TileCoord } from '../contract/engine-api.ts';
import { SpatialIndex, type TileExtent } from './spatial-index.ts';

function extent(z: number, x: number, y: number, source = 'osm'): TileExtent {
  return { key: `${source}|${z}/${x}/${y}`, source, coord: { z, x, y } };
}

function coords(found: TileExtent[]): TileCoord[] {
  return found.map((e) => e.coord).sort((a, b) => a.z - b.z || a.x - b.x || a.y - b.y);
}

const all = { minZoom: 0, maxZoom: 24 };

describe('SpatialIndex', () => {
  it('finds the tiles overlapping a box, not the neighbours that only share an edge', () => {
    const index = new SpatialIndex();
    index.load([extent(1, 0, 0), extent(1, 1, 0), extent(1, 0, 1), extent(1, 1, 1)]);
    // The north-east quarter of the world, bounded exactly by tile edges.
    expect(coords(index.search([0, 0, 180, 85], all))).toEqual([{ z: 1, x: 1, y: 0 }]);
  });

  it('keeps to the zoom range', () => {
    const index = new SpatialIndex();
    index.load([extent(0, 0, 0), extent(1, 1, 0), extent(2, 2, 1)]);
    expect(coords(index.search([10, 10, 20, 20], { minZoom: 1, maxZoom: 1 }))).toEqual([{ z: 1, x: 1, y: 0 }]);
    expect(index.search([10, 10, 20, 20], all)).toHaveLength(3);
  });

  it('matches the tiles under a point query', () => {
    const index = new SpatialIndex();
    index.load([extent(2, 2, 1), extent(2, 3, 1)]);
    expect(coords(index.search([45, 30, 45, 30], all))).toEqual([{ z: 2, x: 2, y: 1 }]);
  });

  it('searches both sides of a box that crosses the antimeridian', () => {
    const index = new SpatialIndex();
    index.load([extent(2, 0, 1), extent(2, 1, 1), extent(2, 3, 1)]);
    expect(coords(index.search([170, 10, -170, 20], all))).toEqual([
      { z: 2, x: 0, y: 1 },
      { z: 2, x: 3, y: 1 },
    ]);
  });

  it('does not index a key twice when start-up loading meets an earlier insert', () => {
    const index = new SpatialIndex();
    index.insert(extent(3, 4, 2));
    index.load([extent(3, 4, 2), extent(3, 5, 2)]);
    expect(index.size).toBe(2);
    expect(index.search([-180, -85, 180, 85], all)).toHaveLength(2);
  });

  it('forgets removed and cleared tiles', () => {
    const index = new SpatialIndex();
    index.load([extent(3, 4, 2), extent(3, 5, 2)]);
    expect(index.remove('osm|3/4/2')).toBe(true);
    expect(index.remove('osm|3/4/2')).toBe(false);
    expect(coords(index.search([-180, -85, 180, 85], all))).toEqual([{ z: 3, x: 5, y: 2 }]);
    index.clear();
    expect(index.search([-180, -85, 180, 85], all)).toEqual([]);
  });

  it('finds nothing in an empty index', () => {
    expect(new SpatialIndex().search([-180, -85, 180, 85], all)).toEqual([]);
  });
});
