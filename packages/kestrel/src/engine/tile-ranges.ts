import { MAX_LATITUDE, lngLatToWorld, type BBox } from './tile-math.ts';

/** A rectangle of tiles at one zoom, bounds inclusive: what an index on [z, x, y] can be asked for. */
export interface TileRange {
  z: number;
  minX: number;
  maxX: number;
  minY: number;
  maxY: number;
}

// Box edges that sit exactly on tile edges must not pick up the neighbour through floating-point noise (the same
// tolerance as tile-math's).
const EDGE_EPSILON = 1e-9;

/**
 * The tiles at zoom z whose area overlaps the box, as one range (two when the box crosses the antimeridian). The
 * rule is the spatial index's: sharing only an edge does not count, except for a degenerate box (a point or a line),
 * which matches the tiles it touches. The box is [west, south, east, north] in degrees; west > east crosses ±180°.
 */
export function tileRangesInBBox([west, south, east, north]: BBox, z: number): TileRange[] {
  const s = Math.max(-MAX_LATITUDE, south);
  const n = Math.min(MAX_LATITUDE, north);
  if (s > n) return [];
  const parts: [number, number][] = west <= east ? [[west, east]] : [[west, 180], [-180, east]];
  const ranges: TileRange[] = [];
  for (const [w, e] of parts) {
    const nw = lngLatToWorld(w, n);
    const se = lngLatToWorld(e, s);
    const size = 2 ** z;
    const [minX, maxX] = axis(nw.x * size, se.x * size, size);
    const [minY, maxY] = axis(nw.y * size, se.y * size, size);
    if (minX <= maxX && minY <= maxY) ranges.push({ z, minX, maxX, minY, maxY });
  }
  return ranges;
}

// Inclusive tile indices overlapping [lo, hi] in tile units, clamped to the world.
function axis(lo: number, hi: number, size: number): [number, number] {
  const degenerate = hi - lo <= EDGE_EPSILON;
  const first = degenerate ? Math.ceil(lo - EDGE_EPSILON) - 1 : Math.floor(lo + EDGE_EPSILON);
  const last = degenerate ? Math.floor(hi + EDGE_EPSILON) : Math.ceil(hi - EDGE_EPSILON) - 1;
  return [Math.max(0, first), Math.min(size - 1, last)];
}

/** Whether a tile lies in a range. */
export function inTileRange(range: TileRange, coord: { z: number; x: number; y: number }): boolean {
  return coord.z === range.z && coord.x >= range.minX && coord.x <= range.maxX && coord.y >= range.minY && coord.y <= range.maxY;
}
