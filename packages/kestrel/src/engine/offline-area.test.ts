import { describe, expect, it } from 'vitest';
import type { AreaBBox, SourceDescriptor } from '../contract/engine-api.ts';
import {
  type PlanContext,
  bboxAreaKm2,
  countTilesInBBox,
  defaultTileBytes,
  listAreaTiles,
  meanTileBytes,
  normalizeBBox,
  planArea,
  sourceZooms,
} from './offline-area.ts';
import { tilesInBBox } from './tile-math.ts';

const vector: SourceDescriptor = { id: 'v', kind: 'vector', tiles: ['https://t.test/v/{z}/{x}/{y}.pbf'], minzoom: 0, maxzoom: 14, tileSize: 512 };
const raster: SourceDescriptor = { id: 'r', kind: 'raster', tiles: ['https://t.test/r/{z}/{x}/{y}.png'], minzoom: 0, maxzoom: 18, tileSize: 256 };
const paris: AreaBBox = [2.2, 48.8, 2.45, 48.92];
const world: AreaBBox = [-180, -90, 180, 90];

function context(overrides: Partial<PlanContext> = {}): PlanContext {
  return { sources: [vector], sizes: new Map(), storage: { status: 'ok', budget: 256 * 1024 * 1024 }, pinnedBytes: 0, ...overrides };
}

describe('countTilesInBBox', () => {
  const boxes: AreaBBox[] = [
    paris,
    world,
    [-10, -10, 10, 10],
    // antimeridian crossing
    [170, -20, -170, 20],
    // edges exactly on tile edges at z1..z3
    [0, 0, 90, 66.51326044311186],
    // a point
    [5, 5, 5, 5],
    // beyond the Mercator limit
    [-30, 80, 30, 90],
  ];
  it('agrees with tilesInBBox for boxes of every kind at zooms 0–8', () => {
    for (const box of boxes) for (let z = 0; z <= 8; z++) expect(countTilesInBBox(box, z), `${box} z${z}`).toBe(tilesInBBox(box, z).length);
  });

  it('counts the whole world at z14 without listing it', () => {
    expect(countTilesInBBox([-180, -90, 180, 90], 14)).toBe(4 ** 14);
  });
});

describe('normalizeBBox', () => {
  it('turns a view wider than the world into the world, clamped to the Mercator limit', () => {
    expect(normalizeBBox([-300, -89, 250, 89])).toEqual([-180, -85.0511287798066, 180, 85.0511287798066]);
  });

  it('brings a wrapped view back into ±180°, crossing the antimeridian', () => {
    expect(normalizeBBox([170, 0, 190, 10])).toEqual([170, 0, -170, 10]);
  });

  it('keeps an east edge on the antimeridian as 180', () => {
    expect(normalizeBBox([100, 0, 180, 10])).toEqual([100, 0, 180, 10]);
  });
});

describe('sourceZooms', () => {
  it('gives a 512-px vector source the map zooms, overzooming past its maxzoom', () => {
    expect(sourceZooms([vector], 12, 16).map((s) => s.z)).toEqual([12, 13, 14]);
  });

  it('gives a 256-px raster source one level deeper, as MapLibre asks', () => {
    expect(sourceZooms([raster], 3, 4).map((s) => s.z)).toEqual([4, 5]);
  });

  it('asks nothing below a source minzoom, and the last level when the range starts past its maxzoom', () => {
    expect(sourceZooms([{ ...vector, minzoom: 6 }], 3, 7).map((s) => s.z)).toEqual([6, 7]);
    expect(sourceZooms([vector], 16, 18).map((s) => s.z)).toEqual([14]);
  });
});

describe('planArea', () => {
  it('counts tiles per zoom and estimates with the default sizes when nothing is cached', () => {
    const plan = planArea({ bbox: paris, minZoom: 10, maxZoom: 12 }, context());
    expect(plan.zooms.map((z) => z.z)).toEqual([10, 11, 12]);
    expect(plan.tiles).toBe([10, 11, 12].reduce((sum, z) => sum + tilesInBBox(paris, z).length, 0));
    expect(plan.estimatedBytes).toBe(plan.zooms.reduce((sum, z) => sum + z.tiles * defaultTileBytes(z.z, 'vector'), 0));
    expect(plan.areaKm2).toBeGreaterThan(200);
    expect(plan.areaKm2).toBeLessThan(300);
    expect(plan.refused).toBeUndefined();
  });

  it('estimates from the mean cached size of a zoom, else of the nearest zoom with enough cached tiles', () => {
    const sizes = new Map([
      [10, { count: 10, bytes: 10 * 2000 }],
      // two samples are too few to trust
      [11, { count: 2, bytes: 2 * 99 }],
      [14, { count: 4, bytes: 4 * 500 }],
    ]);
    const plan = planArea({ bbox: paris, minZoom: 10, maxZoom: 12 }, context({ sizes }));
    expect(plan.zooms.map((z) => z.estimatedBytes / z.tiles)).toEqual([2000, 2000, 500]);
    expect(meanTileBytes(sizes, 13)).toBe(500);
    // a tie goes to the deeper zoom
    expect(meanTileBytes(sizes, 12)).toBe(500);
    expect(meanTileBytes(new Map(), 12)).toBeUndefined();
  });

  it('adds the tiles of every source', () => {
    const plan = planArea({ bbox: paris, minZoom: 10, maxZoom: 10 }, context({ sources: [vector, raster] }));
    expect(plan.tiles).toBe(tilesInBBox(paris, 10).length + tilesInBBox(paris, 11).length);
  });

  it('refuses the whole world at z0–14 and says by how much, for tiles and for bytes', () => {
    const plan = planArea({ bbox: world, minZoom: 0, maxZoom: 14 }, context());
    expect(plan.tiles).toBe((4 ** 15 - 1) / 3);
    expect(plan.refused).toMatch(/^Too large to save: 357,913,941 tiles is 17,896× the limit of 20,000 tiles, and about .* TB is .*× the limit of 500 MB/);
  });

  it('states a near miss as an amount over the limit', () => {
    const plan = planArea({ bbox: paris, minZoom: 10, maxZoom: 12 }, context({ limits: { maxTiles: 10, maxBytes: 1e12, pinnedShare: 1 } }));
    expect(plan.refused).toBe(`Too large to save: ${plan.tiles} tiles is ${plan.tiles - 10} over the limit of 10 tiles. Zoom in or narrow the zoom range.`);
  });

  it('refuses when what saved areas already hold leaves no room in the cache budget', () => {
    const plan = planArea({ bbox: paris, minZoom: 10, maxZoom: 12 }, context({ storage: { status: 'ok', budget: 4_000_000 }, pinnedBytes: 2_900_000 }));
    expect(plan.refused).toMatch(/^Not enough room: about .* needed, but saved areas may use 3.0 MB of the 4.0 MB cache and 2.9 MB are taken/);
  });

  it('refuses without a persistent tier, since nothing would survive a reload', () => {
    const plan = planArea({ bbox: paris, minZoom: 10, maxZoom: 12 }, context({ storage: { status: 'unavailable', detail: 'blocked', budget: 0 } }));
    expect(plan.refused).toBe('Offline storage is unavailable (blocked): saved tiles would not survive a reload.');
  });

  it('refuses a reversed zoom range and a style with no usable source', () => {
    expect(planArea({ bbox: paris, minZoom: 12, maxZoom: 10 }, context()).refused).toMatch(/zoom range 12–10 is not valid/);
    const quadkey = { ...vector, tiles: ['https://t.test/{quadkey}.pbf'] };
    expect(planArea({ bbox: paris, minZoom: 10, maxZoom: 12 }, context({ sources: [quadkey] })).refused).toMatch(/no tile sources/);
  });
});

describe('listAreaTiles', () => {
  it('lists exactly the planned tiles, lowest zoom first', () => {
    const input = { bbox: paris, minZoom: 9, maxZoom: 12 };
    const tiles = listAreaTiles(input, [vector]);
    expect(tiles).toHaveLength(planArea(input, context()).tiles);
    const zooms = tiles.map((t) => t.coord.z);
    expect(zooms).toEqual([...zooms].sort((a, b) => a - b));
  });
});

describe('bboxAreaKm2', () => {
  it('measures a box across the antimeridian as the sum of its halves', () => {
    const across = bboxAreaKm2([179, 0, -179, 1]);
    expect(across).toBeCloseTo(2 * bboxAreaKm2([0, 0, 1, 1]), 0);
    expect(bboxAreaKm2([0, 0, 1, 1])).toBeCloseTo(12_364, -2);
  });
});
