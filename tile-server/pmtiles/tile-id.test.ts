import * as reader from 'pmtiles';
import { describe, expect, test } from 'vitest';
import { firstTileIdOfZoom, tileIdToZxy, tileIdZoom, zxyToTileId } from './tile-id.ts';

describe('PMTiles tile IDs (Hilbert curve per zoom)', () => {
  // The table in spec v3 §4.1.
  test.each([
    [0, 0, 0, 0],
    [1, 0, 0, 1],
    [1, 0, 1, 2],
    [1, 1, 1, 3],
    [1, 1, 0, 4],
    [2, 0, 0, 5],
    [12, 3423, 1763, 19078479],
  ])('z%i x%i y%i is tile ID %i, as the spec lists', (z, x, y, id) => {
    expect(zxyToTileId(z, x, y)).toBe(id);
    expect(tileIdToZxy(id)).toEqual([z, x, y]);
  });

  test('each zoom starts after all tiles of the zooms below it', () => {
    expect([0, 1, 2, 3, 4, 14].map(firstTileIdOfZoom)).toEqual([0, 1, 5, 21, 85, 89478485]);
    expect(tileIdZoom(84)).toBe(3);
    expect(tileIdZoom(85)).toBe(4);
  });

  test('agrees with the pmtiles reader on every tile of z0–7, both ways, and visits each ID once', () => {
    for (let z = 0; z <= 7; z++) {
      const n = 2 ** z;
      const seen = new Set<number>();
      for (let x = 0; x < n; x++) {
        for (let y = 0; y < n; y++) {
          const id = zxyToTileId(z, x, y);
          expect(id).toBe(reader.zxyToTileId(z, x, y));
          expect(tileIdToZxy(id)).toEqual([z, x, y]);
          seen.add(id);
        }
      }
      expect(Math.min(...seen)).toBe(firstTileIdOfZoom(z));
      expect(Math.max(...seen)).toBe(firstTileIdOfZoom(z + 1) - 1);
      expect(seen.size).toBe(n * n);
    }
  });

  test('neighbouring IDs are neighbouring tiles (a Hilbert curve never jumps)', () => {
    for (let id = firstTileIdOfZoom(5); id < firstTileIdOfZoom(6) - 1; id++) {
      const [, x0, y0] = tileIdToZxy(id);
      const [, x1, y1] = tileIdToZxy(id + 1);
      expect(Math.abs(x1 - x0) + Math.abs(y1 - y0)).toBe(1);
    }
  });

  test('stays exact at deep zooms, where IDs pass 2^32', () => {
    for (const [z, x, y] of [
      [14, 16383, 0],
      [18, 123456, 98765],
      [20, 1048575, 1048575],
      [26, 2 ** 26 - 1, 12345678],
    ] as const) {
      const id = zxyToTileId(z, x, y);
      expect(id).toBe(reader.zxyToTileId(z, x, y));
      expect(tileIdToZxy(id)).toEqual([z, x, y]);
    }
    expect(zxyToTileId(20, 0, 0)).toBeGreaterThan(2 ** 32);
  });

  test('refuses tiles outside their zoom and IDs that are not tile IDs', () => {
    expect(() => zxyToTileId(2, 4, 0)).toThrow(RangeError);
    expect(() => zxyToTileId(2, 0, -1)).toThrow(RangeError);
    expect(() => zxyToTileId(27, 0, 0)).toThrow(RangeError);
    expect(() => zxyToTileId(1.5, 0, 0)).toThrow(RangeError);
    expect(() => tileIdToZxy(-1)).toThrow(RangeError);
    expect(() => tileIdToZxy(0.5)).toThrow(RangeError);
  });
});
