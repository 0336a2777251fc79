import { describe, expect, test } from 'vitest';
import { GLYPH_BUFFER, outlineRings, sdfGlyph, type Ring } from './glyph-sdf.ts';

// A 10 × 10 px square sitting on the baseline, 2 px right of the pen (y down: from −10 up to 0).
const square: Ring[] = [[[2, -10], [12, -10], [12, 0], [2, 0]]];
const EDGE = 191; // 255 − 0.25 · 256: MapLibre's outline value

function at(g: ReturnType<typeof sdfGlyph>, col: number, row: number): number {
  return g.bitmap![row * (g.width + 2 * GLYPH_BUFFER) + col]!;
}

describe('sdfGlyph', () => {
  test('gives the box in whole pixels: left from the pen, top above the baseline, advance rounded', () => {
    const g = sdfGlyph(65, square, 14.4);
    expect(g).toMatchObject({ id: 65, width: 10, height: 10, left: 2, top: 10, advance: 14 });
    expect(g.bitmap).toHaveLength((10 + 6) * (10 + 6));
  });

  test('measures top from the ascender line when given one (fontnik’s and MapLibre’s convention)', () => {
    expect(sdfGlyph(65, square, 14, 26)).toMatchObject({ top: 10 - 26, left: 2, width: 10, height: 10 });
  });

  test('encodes inside as high, outside as low, the outline near 191', () => {
    const g = sdfGlyph(65, square, 14);
    const centre = at(g, 3 + 5, 3 + 5);
    const corner = at(g, 0, 0);
    expect(centre).toBe(255);
    expect(corner).toBeLessThan(EDGE - 64);
    // The pixel centres either side of the left edge are ±0.5 px from it: ±16 levels around the edge.
    expect(at(g, 2, 8)).toBe(EDGE - 16);
    expect(at(g, 3, 8)).toBe(EDGE + 16);
  });

  test('leaves a hole where an inner ring winds the other way (an O), and fills overlapping contours of the same winding', () => {
    const outer: Ring = [[0, -10], [10, -10], [10, 0], [0, 0]];
    const holeReversed: Ring = [[3, -7], [3, -3], [7, -3], [7, -7]];
    const o = sdfGlyph(79, [outer, holeReversed], 10);
    expect(at(o, 3 + 5, 3 + 5)).toBeLessThan(EDGE);
    const overlapping: Ring = [[3, -7], [7, -7], [7, -3], [3, -3]];
    const filled = sdfGlyph(79, [outer, overlapping], 10);
    // Inside (above the edge value); the inner contour still counts as a nearby edge, as in fontnik.
    expect(at(filled, 3 + 5, 3 + 5)).toBeGreaterThan(EDGE);
  });

  test('a glyph without outline (a space) has zero size, no bitmap, and keeps its advance', () => {
    expect(sdfGlyph(32, [], 6.2)).toEqual({ id: 32, advance: 6, width: 0, height: 0, left: 0, top: 0 });
  });
});

describe('outlineRings', () => {
  test('flattens lines, quadratic and cubic curves into closed rings', () => {
    const rings = outlineRings([
      { type: 'M', x: 0, y: 0 },
      { type: 'L', x: 10, y: 0 },
      { type: 'Q', x1: 10, y1: 10, x: 0, y: 10 },
      { type: 'Z' },
      { type: 'M', x: 20, y: 0 },
      { type: 'C', x1: 30, y1: 0, x2: 30, y2: 10, x: 20, y: 10 },
      { type: 'Z' },
    ]);
    expect(rings).toHaveLength(2);
    expect(rings[0]![0]).toEqual([0, 0]);
    expect(rings[0]!.at(-1)).toEqual([0, 10]);
    // The curves bulge toward their control points: the quadratic's middle is (7.5, 7.5), the cubic reaches x 27.5.
    const mid = rings[0]![2 + 3]!;
    expect(mid[0]).toBeCloseTo(7.5);
    expect(mid[1]).toBeCloseTo(7.5);
    expect(Math.max(...rings[1]!.map(([x]) => x))).toBeCloseTo(27.5);
  });
});
