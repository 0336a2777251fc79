import type { Feature, Position } from 'geojson';
import { describe, expect, test } from 'vitest';
import { MERCATOR_MAX_LAT, planarRingArea, repairLine, repairPolygon, unwrapRing } from './antimeridian.ts';
import { loadWorld } from './data-sources.ts';
import type { WorldResolution } from './layer-catalog.ts';

const EARTH_RADIUS_KM = 6371.0088;

// Signed spherical ring area (Chamberlain & Duquette, as in geojson-area); valid once no edge crosses ±180°.
function ringAreaKm2(ring: readonly Position[]): number {
  const rad = Math.PI / 180;
  let sum = 0;
  for (let i = 0; i < ring.length - 1; i++) {
    const [x1, y1] = ring[i];
    const [x2, y2] = ring[i + 1];
    sum += (x2 - x1) * rad * (2 + Math.sin(y1 * rad) + Math.sin(y2 * rad));
  }
  return (sum * EARTH_RADIUS_KM * EARTH_RADIUS_KM) / 2;
}

function polygonsOf(f: Feature): Position[][][] {
  if (f.geometry.type === 'Polygon') return [f.geometry.coordinates];
  if (f.geometry.type === 'MultiPolygon') return f.geometry.coordinates;
  return [];
}

function areaKm2(f: Feature): number {
  let total = 0;
  for (const [outer, ...holes] of polygonsOf(f)) {
    total += Math.abs(ringAreaKm2(outer));
    for (const hole of holes) total -= Math.abs(ringAreaKm2(hole));
  }
  return total;
}

function lonSpan(ring: readonly Position[]): number {
  const xs = ring.map((p) => p[0]);
  return Math.max(...xs) - Math.min(...xs);
}

const touchesMercatorEdge = (ring: readonly Position[]) => ring.some((p) => Math.abs(Math.abs(p[1]) - MERCATOR_MAX_LAT) < 1e-9);

describe('unwrapRing', () => {
  test('makes longitudes continuous where a ring crosses ±180°', () => {
    expect(unwrapRing([[179, 0], [-179, 1], [-178, 0], [179, 0]])).toEqual([[179, 0], [181, 1], [182, 0], [179, 0]]);
  });
});

describe('repairPolygon', () => {
  test('splits a ring that crosses the antimeridian into one polygon on each side', () => {
    const polygons = repairPolygon([[[170, -10], [-170, -10], [-170, 10], [170, 10], [170, -10]]]);
    expect(polygons).toHaveLength(2);
    const spans = polygons.map(([outer]) => [Math.min(...outer.map((p) => p[0])), Math.max(...outer.map((p) => p[0]))]).sort((a, b) => a[0] - b[0]);
    expect(spans).toEqual([[-180, -170], [170, 180]]);
  });

  test('closes a ring that goes round the south pole along the mercator edge, not across the map', () => {
    // Westward around Antarctica's latitude, as in world-atlas: the last point is a whole turn from the first.
    const ring: Position[] = [];
    for (let lon = 180; lon >= -180; lon -= 30) ring.push([lon === -180 ? 180 : lon, -70]);
    const polygons = repairPolygon([ring]);
    const outer = polygons.flatMap((p) => p[0]);
    expect(Math.min(...outer.map((p) => p[1]))).toBeCloseTo(-MERCATOR_MAX_LAT, 9);
    expect(Math.max(...outer.map((p) => p[1]))).toBe(-70);
  });

  test('drops rings that lie entirely beyond the mercator latitude', () => {
    expect(repairPolygon([[[0, 86], [10, 86], [10, 88], [0, 88], [0, 86]]])).toEqual([]);
  });

  test('winds outer rings counter-clockwise and holes clockwise', () => {
    const outerCw: Position[] = [[0, 0], [0, 10], [10, 10], [10, 0], [0, 0]];
    const holeCcw: Position[] = [[2, 2], [4, 2], [4, 4], [2, 4], [2, 2]];
    const [[outer, hole]] = repairPolygon([outerCw, holeCcw]);
    expect(planarRingArea(outer)).toBeGreaterThan(0);
    expect(planarRingArea(hole)).toBeLessThan(0);
  });

  test('keeps a hole with the piece that contains it after a split', () => {
    const outer: Position[] = [[170, -10], [-170, -10], [-170, 10], [170, 10], [170, -10]];
    const hole: Position[] = [[-175, -1], [-175, 1], [-172, 1], [-172, -1], [-175, -1]];
    const polygons = repairPolygon([outer, hole]);
    const west = polygons.find(([o]) => o.some((p) => p[0] < 0))!;
    const east = polygons.find(([o]) => o.every((p) => p[0] >= 0))!;
    expect(west).toHaveLength(2);
    expect(east).toHaveLength(1);
  });
});

describe('repairLine', () => {
  test('cuts a line where it crosses ±180° instead of drawing it across the map', () => {
    const lines = repairLine([[170, 0], [-170, 0]]);
    expect(lines).toEqual([
      [[170, 0], [180, 0]],
      [[-180, 0], [-170, 0]],
    ]);
  });

  test('keeps a line that does not cross in one piece', () => {
    expect(repairLine([[0, 0], [10, 5], [20, 0]])).toEqual([[[0, 0], [10, 5], [20, 0]]]);
  });
});

describe.each<WorldResolution>(['110m', '50m', '10m'])('Natural Earth %s after repair', (resolution) => {
  const world = loadWorld(resolution);
  const country = (name: string) => world.countries.find((f) => f.properties?.name === name)!;

  const rings = [...world.countries, ...world.land].flatMap((f) => polygonsOf(f).flat());

  test('has no coordinate outside [-180, 180] × [-85.06, 85.06]', () => {
    const outside = rings.flat().filter(([x, y]) => Math.abs(x) > 180 || Math.abs(y) > 85.06);
    expect(outside).toEqual([]);
  });

  test('has no edge jumping across the map (more than 90° of longitude) except along the pole line', () => {
    const jumps = rings.flatMap((ring) =>
      ring.slice(1).filter((p, i) => Math.abs(p[0] - ring[i][0]) > 90 && !(Math.abs(p[1]) === MERCATOR_MAX_LAT && p[1] === ring[i][1])),
    );
    expect(jumps).toEqual([]);
  });

  // Land is exempt: Afro-Eurasia legitimately spans ~198°.
  test('has no country ring spanning more than 180° of longitude except rings closed along the pole line', () => {
    const wide = world.countries.flatMap((f) => polygonsOf(f).flatMap((polygon) => polygon.filter((ring) => lonSpan(ring) > 180 && !touchesMercatorEdge(ring))));
    expect(wide).toEqual([]);
  });

  test('keeps border lines inside [-180, 180] with no segment jumping across the map', () => {
    const lines = world.boundaries.flatMap((f) => (f.geometry.type === 'MultiLineString' ? f.geometry.coordinates : f.geometry.type === 'LineString' ? [f.geometry.coordinates] : []));
    expect(lines.length).toBeGreaterThan(100);
    const bad = lines.flatMap((line) => line.filter((p, i) => Math.abs(p[0]) > 180 || (i > 0 && Math.abs(p[0] - line[i - 1][0]) > 90)));
    expect(bad).toEqual([]);
  });

  test('gives Russia, Fiji and Antarctica plausible areas', () => {
    // Russia 17.1M km²; Fiji 18.3k km²; Natural Earth's Antarctica has no ice shelves (~12.3M km²), less the
    // ~0.95M km² cap south of 85.05°S that mercator cannot show.
    expect(areaKm2(country('Russia'))).toBeGreaterThan(15.5e6);
    expect(areaKm2(country('Russia'))).toBeLessThan(18.5e6);
    expect(areaKm2(country('Fiji'))).toBeGreaterThan(12e3);
    expect(areaKm2(country('Fiji'))).toBeLessThan(25e3);
    expect(areaKm2(country('Antarctica'))).toBeGreaterThan(10.5e6);
    expect(areaKm2(country('Antarctica'))).toBeLessThan(13e6);
  });

  test('puts Fiji on both sides of the antimeridian', () => {
    const xs = polygonsOf(country('Fiji')).flatMap(([outer]) => outer.map((p) => p[0]));
    expect(Math.min(...xs)).toBeLessThan(-179);
    expect(Math.max(...xs)).toBeGreaterThan(177);
  });

  test('closes Antarctica along the southern mercator edge', () => {
    const outers = polygonsOf(country('Antarctica')).map(([outer]) => outer);
    expect(outers.some((ring) => ring.some((p) => p[1] === -MERCATOR_MAX_LAT))).toBe(true);
    expect(Math.max(...outers.flat().map((p) => p[1]))).toBeLessThan(-48);
  });
});
