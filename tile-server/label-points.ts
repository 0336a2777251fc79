/// <reference path="./polylabel.d.ts" />
import { area } from '@turf/turf';
import type { Feature, Polygon, Position } from 'geojson';
import polylabel from 'polylabel';

// Label rank classes by area (km²): 1 ≥ 3M (Brazil, Australia), 2 ≥ 1M, 3 ≥ 300k, 4 ≥ 100k, 5 ≥ 20k, 6 smaller.
// The style sizes country names by rank and shows small countries only from deeper zooms.
const AREA_FLOORS_KM2 = [3_000_000, 1_000_000, 300_000, 100_000, 20_000, 0];

/** Rank 1 (largest) … 6 (smallest) of a region by its area in km². */
export function areaRank(km2: number): number {
  return AREA_FLOORS_KM2.findIndex((floor) => km2 >= floor) + 1;
}

const mercatorY = (lat: number) => (Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360)) * 180) / Math.PI;
const latitude = (y: number) => (Math.atan(Math.exp((y * Math.PI) / 180)) * 360) / Math.PI - 90;

// Parts of a (Multi)Polygon, each as rings of positions.
function parts(feature: Feature): Position[][][] {
  const g = feature.geometry;
  if (g?.type === 'Polygon') return [g.coordinates];
  if (g?.type === 'MultiPolygon') return g.coordinates;
  return [];
}

// The part with the largest area: a country's mainland, not the overseas islands that widen its box.
function largestPart(feature: Feature): Position[][] | undefined {
  let best: Position[][] | undefined;
  let bestArea = -1;
  for (const rings of parts(feature)) {
    const a = area({ type: 'Polygon', coordinates: rings } as Polygon);
    if (a > bestArea) {
      bestArea = a;
      best = rings;
    }
  }
  return best;
}

/**
 * One point feature per named polygon feature, where its name reads best: the pole of inaccessibility of its largest
 * part, found in Mercator (as the map shows it), so a label sits inside the shape rather than at a centroid that may
 * fall outside (Chile, Croatia). Properties: `name` and `rank` (by the whole feature's area).
 */
export function labelPoints(features: readonly Feature[]): Feature[] {
  const out: Feature[] = [];
  for (const f of features) {
    const name = String(f.properties?.name ?? '');
    const part = largestPart(f);
    if (!name || !part) continue;
    const projected = part.map((ring) => ring.map(([lon, lat]) => [lon!, mercatorY(Math.max(-85, Math.min(85, lat!)))]));
    // 0.01° ≈ 1 km: finer than any pixel where the label shows; polylabel's default (1) would drop small islands to a corner.
    const [x, y] = polylabel(projected, 0.01);
    out.push({
      type: 'Feature',
      properties: { name, rank: areaRank(area(f) / 1e6) },
      geometry: { type: 'Point', coordinates: [x!, latitude(y!)] },
    });
  }
  return out;
}
