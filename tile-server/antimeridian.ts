import type { Geometry, Position } from 'geojson';

// The latitude where the square web-mercator world ends; anything beyond cannot be drawn.
export const MERCATOR_MAX_LAT = 85.0511287798066;

type Rect = { minX: number; maxX: number; minY: number; maxY: number };

// Longitudes made continuous: each step takes the short way round, so a ring that crosses ±180°
// keeps going to 181°, 182°… instead of jumping back to -179°.
export function unwrapRing(ring: readonly Position[]): Position[] {
  if (ring.length === 0) return [];
  const out: Position[] = [[ring[0][0], ring[0][1]]];
  let x = ring[0][0];
  for (let i = 1; i < ring.length; i++) {
    let dx = ring[i][0] - ring[i - 1][0];
    if (dx > 180) dx -= 360;
    else if (dx < -180) dx += 360;
    x += dx;
    out.push([x, ring[i][1]]);
  }
  return out;
}

// A closed ring whose unwrapped longitude ends a whole turn away from where it started goes round a pole
// (Antarctica): it has no "inside" in the plane until it is closed along the pole line.
export function enclosesPole(unwrapped: readonly Position[]): boolean {
  if (unwrapped.length < 2) return false;
  return Math.abs(unwrapped[unwrapped.length - 1][0] - unwrapped[0][0]) > 180;
}

function closeAlongPole(unwrapped: Position[]): Position[] {
  let latSum = 0;
  for (const p of unwrapped) latSum += p[1];
  // Real data only has Antarctica here, but pick the pole the ring sits closer to rather than assume south.
  const poleLat = latSum < 0 ? -90 : 90;
  const first = unwrapped[0];
  const last = unwrapped[unwrapped.length - 1];
  return [...unwrapped, [last[0], poleLat], [first[0], poleLat], [first[0], first[1]]];
}

function clipAgainst(points: Position[], inside: (p: Position) => boolean, cross: (a: Position, b: Position) => Position): Position[] {
  const out: Position[] = [];
  for (let i = 0; i < points.length; i++) {
    const current = points[i];
    const previous = points[(i + points.length - 1) % points.length];
    const currentIn = inside(current);
    if (currentIn !== inside(previous)) out.push(cross(previous, current));
    if (currentIn) out.push(current);
  }
  return out;
}

function atX(a: Position, b: Position, x: number): Position {
  const t = (x - a[0]) / (b[0] - a[0]);
  return [x, a[1] + t * (b[1] - a[1])];
}

function atY(a: Position, b: Position, y: number): Position {
  const t = (y - a[1]) / (b[1] - a[1]);
  return [a[0] + t * (b[0] - a[0]), y];
}

// Sutherland–Hodgman against an axis-aligned rectangle. A concave ring may come back with zero-width
// "bridges" along the rectangle edge; they cover no area, so fills and tile clipping are unaffected.
export function clipRingToRect(ring: readonly Position[], r: Rect): Position[] {
  let pts = ring.slice(0, ring.length - 1);
  pts = clipAgainst(pts, (p) => p[0] >= r.minX, (a, b) => atX(a, b, r.minX));
  pts = clipAgainst(pts, (p) => p[0] <= r.maxX, (a, b) => atX(a, b, r.maxX));
  pts = clipAgainst(pts, (p) => p[1] >= r.minY, (a, b) => atY(a, b, r.minY));
  pts = clipAgainst(pts, (p) => p[1] <= r.maxY, (a, b) => atY(a, b, r.maxY));
  const deduped = pts.filter((p, i) => i === 0 || p[0] !== pts[i - 1][0] || p[1] !== pts[i - 1][1]);
  if (deduped.length < 3) return [];
  return [...deduped, [deduped[0][0], deduped[0][1]]];
}

export function planarRingArea(ring: readonly Position[]): number {
  let sum = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    sum += (ring[j][0] - ring[i][0]) * (ring[j][1] + ring[i][1]);
  }
  return sum / 2; // positive = counter-clockwise with y pointing north
}

function windowRect(k: number): Rect {
  return { minX: k * 360 - 180, maxX: k * 360 + 180, minY: -MERCATOR_MAX_LAT, maxY: MERCATOR_MAX_LAT };
}

function clampLon(x: number): number {
  return Math.min(180, Math.max(-180, x));
}

// Cuts an unwrapped ring into the 360°-wide worlds it touches and shifts every piece back into [-180, 180].
function clipToWorlds(unwrapped: readonly Position[]): Position[][] {
  let minX = Infinity;
  let maxX = -Infinity;
  for (const p of unwrapped) {
    if (p[0] < minX) minX = p[0];
    if (p[0] > maxX) maxX = p[0];
  }
  const pieces: Position[][] = [];
  for (let k = Math.floor((minX + 180) / 360); k <= Math.floor((maxX + 180) / 360); k++) {
    const clipped = clipRingToRect(unwrapped, windowRect(k));
    if (clipped.length < 4 || planarRingArea(clipped) === 0) continue;
    pieces.push(clipped.map((p) => [clampLon(p[0] - k * 360), p[1]]));
  }
  return pieces;
}

function withWinding(ring: Position[], counterClockwise: boolean): Position[] {
  return planarRingArea(ring) > 0 === counterClockwise ? ring : ring.slice().reverse();
}

function pointInRing(p: Position, ring: readonly Position[]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > p[1] !== yj > p[1] && p[0] < ((xj - xi) * (p[1] - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

// A hole piece's vertices on the cut line are shared with its outer piece, so test a vertex off the line.
function samplePoint(ring: readonly Position[]): Position {
  return ring.find((p) => Math.abs(p[0]) < 180 && Math.abs(p[1]) < MERCATOR_MAX_LAT) ?? ring[0];
}

// Returns the polygon as one or more polygons inside [-180, 180] × [-85.05, 85.05], outer rings
// counter-clockwise and holes clockwise (RFC 7946).
export function repairPolygon(rings: readonly Position[][]): Position[][][] {
  const repaired = rings.map((ring) => {
    const unwrapped = unwrapRing(ring);
    const aroundPole = enclosesPole(unwrapped);
    return { aroundPole, pieces: clipToWorlds(aroundPole ? closeAlongPole(unwrapped) : unwrapped) };
  });
  let outer = repaired[0];
  if (!outer) return [];
  // d3-style spherical data (world-atlas 50m Antarctica) can give a polygon whose outer ring is a
  // degenerate circle at -89.999° and whose coastline is a "hole" around the pole. In the plane the
  // polar circle vanishes beyond the mercator edge and the coastline, closed along the pole, is the outer ring.
  if (outer.pieces.length === 0 && outer.aroundPole) {
    const promoted = repaired.findIndex((r, i) => i > 0 && r.aroundPole && r.pieces.length > 0);
    if (promoted < 0) return [];
    outer = repaired[promoted];
    repaired.splice(promoted, 1);
  }
  const polygons = outer.pieces.map((ring) => [withWinding(ring, true)]);
  if (polygons.length === 0) return [];
  for (const hole of repaired.slice(1)) {
    for (const piece of hole.pieces) {
      const probe = samplePoint(piece);
      const owner = polygons.find((polygon) => pointInRing(probe, polygon[0])) ?? (polygons.length === 1 ? polygons[0] : undefined);
      owner?.push(withWinding(piece, false));
    }
  }
  return polygons;
}

// Lines are cut where they cross ±180° (and where they leave the mercator latitudes) rather than drawn the long way round.
export function repairLine(line: readonly Position[]): Position[][] {
  const unwrapped = unwrapRing(line);
  const out: Position[][] = [];
  let current: Position[] = [];
  const flush = () => {
    if (current.length >= 2) out.push(current);
    current = [];
  };
  for (let i = 1; i < unwrapped.length; i++) {
    const a = unwrapped[i - 1];
    const b = unwrapped[i];
    const ka = Math.floor((a[0] + 180) / 360);
    const kb = Math.floor((b[0] + 180) / 360);
    const step = kb >= ka ? 1 : -1;
    // Walk the worlds in the segment's own direction so the pieces come out in drawing order.
    for (let w = ka; w !== kb + step; w += step) {
      const seg = clipSegment(a, b, windowRect(w));
      if (!seg) continue;
      const [p, q] = seg.map((s) => [clampLon(s[0] - w * 360), s[1]]);
      const last = current[current.length - 1];
      if (!last || last[0] !== p[0] || last[1] !== p[1]) {
        flush();
        current.push(p);
      }
      current.push(q);
    }
  }
  flush();
  return out;
}

// Liang–Barsky.
function clipSegment(a: Position, b: Position, r: Rect): [Position, Position] | null {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  let t0 = 0;
  let t1 = 1;
  const edges: [number, number][] = [
    [-dx, a[0] - r.minX],
    [dx, r.maxX - a[0]],
    [-dy, a[1] - r.minY],
    [dy, r.maxY - a[1]],
  ];
  for (const [p, q] of edges) {
    if (p === 0) {
      if (q < 0) return null;
      continue;
    }
    const t = q / p;
    if (p < 0) t0 = Math.max(t0, t);
    else t1 = Math.min(t1, t);
    if (t0 > t1) return null;
  }
  if (t0 === t1 && (dx !== 0 || dy !== 0)) return null;
  return [
    [a[0] + t0 * dx, a[1] + t0 * dy],
    [a[0] + t1 * dx, a[1] + t1 * dy],
  ];
}

export function repairGeometry(geometry: Geometry | null): Geometry | null {
  if (!geometry) return null;
  switch (geometry.type) {
    case 'Polygon':
    case 'MultiPolygon': {
      const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
      const repaired = polygons.flatMap((polygon) => repairPolygon(polygon));
      if (repaired.length === 0) return null;
      return repaired.length === 1 ? { type: 'Polygon', coordinates: repaired[0] } : { type: 'MultiPolygon', coordinates: repaired };
    }
    case 'LineString':
    case 'MultiLineString': {
      const lines = geometry.type === 'LineString' ? [geometry.coordinates] : geometry.coordinates;
      const repaired = lines.flatMap((line) => repairLine(line));
      if (repaired.length === 0) return null;
      return repaired.length === 1 ? { type: 'LineString', coordinates: repaired[0] } : { type: 'MultiLineString', coordinates: repaired };
    }
    default:
      return geometry;
  }
}
