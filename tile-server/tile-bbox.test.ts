import { describe, expect, test } from 'vitest';
import { MERCATOR_MAX_LAT } from './antimeridian.ts';
import { BboxError, bboxCenter, parseBbox, tileRange, WORLD_BBOX } from './tile-bbox.ts';

describe('export bbox', () => {
  test('parses "w,s,e,n" and clamps latitudes to web mercator', () => {
    expect(parseBbox('-125,24,-66.5,49.5')).toEqual([-125, 24, -66.5, 49.5]);
    expect(parseBbox(' -180, -90, 180, 90 ')).toEqual(WORLD_BBOX);
  });

  test.each(['', '1,2,3', '1,2,3,4,5', 'a,b,c,d', '10,0,-10,5', '0,5,10,5', '-181,0,0,1', '0,-91,1,0', '0,86,1,89', '1e2,0,2,1'])(
    'refuses "%s"',
    (text) => {
      expect(() => parseBbox(text)).toThrow(BboxError);
    },
  );

  test('the world covers every tile at every zoom', () => {
    for (const z of [0, 1, 4, 10]) expect(tileRange(WORLD_BBOX, z)).toEqual({ minX: 0, maxX: 2 ** z - 1, minY: 0, maxY: 2 ** z - 1 });
  });

  test('a region covers the tiles it overlaps, not those it only touches', () => {
    // The north-east quadrant of the map: lon 0…180, lat 0…85.05.
    expect(tileRange([0, 0, 180, MERCATOR_MAX_LAT], 1)).toEqual({ minX: 1, maxX: 1, minY: 0, maxY: 0 });
    expect(tileRange([0, 0, 180, MERCATOR_MAX_LAT], 2)).toEqual({ minX: 2, maxX: 3, minY: 0, maxY: 1 });
    // The contiguous US at z4: x 2–5, y 5–6 (as any slippy-map tile calculator gives).
    expect(tileRange([-125, 24, -66.5, 49.5], 4)).toEqual({ minX: 2, maxX: 5, minY: 5, maxY: 6 });
    // A point-sized box still has its tile.
    expect(tileRange([2.35, 48.85, 2.3501, 48.8501], 10)).toEqual({ minX: 518, maxX: 518, minY: 352, maxY: 352 });
  });

  test('center: the middle of the box, at the deepest zoom that shows all of it, within the export’s zooms', () => {
    expect(bboxCenter(WORLD_BBOX, 0, 4)).toEqual([0, 0, 0]);
    expect(bboxCenter(WORLD_BBOX, 2, 4)[2]).toBe(2);
    const [lon, lat, zoom] = bboxCenter([-125, 24, -66.5, 49.5], 0, 6);
    expect(lon).toBeCloseTo(-95.75, 6);
    // The mercator middle lies north of the arithmetic one (36.75).
    expect(lat).toBeGreaterThan(36.75);
    expect(lat).toBeLessThan(49.5);
    expect(zoom).toBe(2);
    expect(bboxCenter([2.3, 48.8, 2.4, 48.9], 0, 4)[2]).toBe(4);
  });
});
