// A longitude/latitude box and the web-mercator tiles it touches, for exports limited to a region.
import { MERCATOR_MAX_LAT } from './antimeridian.ts';

// [west, south, east, north], degrees.
export type Bbox = [number, number, number, number];

export const WORLD_BBOX: Bbox = [-180, -MERCATOR_MAX_LAT, 180, MERCATOR_MAX_LAT];

export class BboxError extends Error {
  override name = 'BboxError';
}

// "w,s,e,n" in degrees. Latitudes are clamped to web mercator's ±85.0511°; a box across the antimeridian
// (west > east) is refused rather than guessed at.
export function parseBbox(text: string): Bbox {
  const parts = text.split(',').map((p) => p.trim());
  const numbers = parts.map((p) => (/^-?\d+(\.\d+)?$/.test(p) ? Number(p) : NaN));
  if (numbers.length !== 4 || numbers.some((n) => !Number.isFinite(n))) {
    throw new BboxError(`bbox must be four numbers "west,south,east,north" in degrees, got "${text}"`);
  }
  const [west, south, east, north] = numbers;
  if (west < -180 || east > 180) throw new BboxError(`bbox longitudes must be within −180…180, got "${text}"`);
  if (south < -90 || north > 90) throw new BboxError(`bbox latitudes must be within −90…90, got "${text}"`);
  if (west >= east) throw new BboxError(`bbox west (${west}) must be below east (${east}); boxes across ±180° are not supported`);
  if (south >= north) throw new BboxError(`bbox south (${south}) must be below north (${north})`);
  const clampLat = (lat: number) => Math.max(-MERCATOR_MAX_LAT, Math.min(MERCATOR_MAX_LAT, lat));
  if (clampLat(south) >= clampLat(north)) throw new BboxError(`bbox "${text}" lies beyond web mercator's ±${MERCATOR_MAX_LAT.toFixed(4)}°`);
  return [west, clampLat(south), east, clampLat(north)];
}

// Fractional tile coordinates at zoom 0 (0…1), y downwards.
const lonToUnit = (lon: number) => (lon + 180) / 360;
function latToUnit(lat: number): number {
  const sin = Math.sin((lat * Math.PI) / 180);
  return 0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI);
}

export interface TileRange {
  minX: number;
  maxX: number;
  minY: number;
  maxY: number;
}

// Tiles at zoom z whose area overlaps the box (a tile that only touches its edge is left out).
export function tileRange(bbox: Bbox, z: number): TileRange {
  const n = 2 ** z;
  const [west, south, east, north] = bbox;
  const lo = (unit: number) => Math.min(n - 1, Math.max(0, Math.floor(unit * n)));
  const hi = (unit: number) => Math.min(n - 1, Math.max(0, Math.ceil(unit * n) - 1));
  const minX = lo(lonToUnit(west));
  const minY = lo(latToUnit(north));
  return { minX, maxX: Math.max(minX, hi(lonToUnit(east))), minY, maxY: Math.max(minY, hi(latToUnit(south))) };
}

// The box's middle, at the deepest zoom (within minZoom…maxZoom) at which the whole box still fits one
// 512-pixel tile's width and height: a first view that shows all of it.
export function bboxCenter(bbox: Bbox, minZoom: number, maxZoom: number): [number, number, number] {
  const [west, south, east, north] = bbox;
  const width = lonToUnit(east) - lonToUnit(west);
  const height = latToUnit(south) - latToUnit(north);
  const fit = Math.floor(Math.log2(1 / Math.max(width, height)));
  const zoom = Math.min(maxZoom, Math.max(minZoom, fit));
  const midY = (latToUnit(north) + latToUnit(south)) / 2;
  const midLat = (Math.atan(Math.sinh(Math.PI * (1 - 2 * midY))) * 180) / Math.PI;
  return [(west + east) / 2, midLat, zoom];
}
