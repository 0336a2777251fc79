import type { TileCoord } from '../contract/engine-api.ts';

// Web Mercator stops where the projected world is square: atan(sinh(π)) in degrees.
export const MAX_LATITUDE = 85.0511287798066;

// MapLibre defines zoom against 512-px tiles: at map zoom Z the world is 512·2^Z px wide.
export const WORLD_TILE_SIZE = 512;

// MapLibre's default vertical field of view (its transform's `fov`, 36.87°), used for the pitch approximation.
const FOV_RAD = 0.6435011087932844;

// A pitched view's far edge is cut off at this many half-heights ahead of the centre. MapLibre draws that distant
// band from lower zoom levels, so covering it at the centre's zoom would multiply the tile count for tiles that
// matter least; beyond ~89° the top ray never meets the ground at all.
export const PITCH_FAR_LIMIT = 3;

// Viewport edges that sit exactly on tile edges must not pick up a neighbour through floating-point noise.
const EDGE_EPSILON = 1e-9;

// The part of a camera that decides what is on screen.
export interface Viewport {
  center: [number, number];
  zoom: number;
  bearing: number;
  pitch: number;
  width: number;
  height: number;
}

// Mercator "world" units: the unit square, x east from -180°, y south from the north edge.
// Tile units at zoom z are world units × 2^z. x is left unwrapped so motion across ±180° stays continuous.
export interface Point {
  x: number;
  y: number;
}

// [west, south, east, north] in degrees.
export type BBox = [number, number, number, number];

export interface CoverOptions {
  // Source tile size in px; 512 for MapLibre vector tiles, 256 for classic raster.
  tileSize?: number;
  minZoom?: number;
  maxZoom?: number;
  // Cover at this tile zoom instead of the one the map zoom implies (parents, children).
  tileZoom?: number;
}

export function clampLatitude(lat: number): number {
  return Math.max(-MAX_LATITUDE, Math.min(MAX_LATITUDE, lat));
}

export function lngLatToWorld(lng: number, lat: number): Point {
  const sin = Math.sin((clampLatitude(lat) * Math.PI) / 180);
  return { x: (lng + 180) / 360, y: 0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI) };
}

export function worldToLngLat(p: Point): [number, number] {
  const lat = (Math.atan(Math.sinh(Math.PI * (1 - 2 * p.y))) * 180) / Math.PI;
  return [p.x * 360 - 180, lat];
}

// Fractional tile coordinates; x is not wrapped (lng 190° gives x beyond 2^z).
export function lngLatToTile(lng: number, lat: number, z: number): Point {
  const w = lngLatToWorld(lng, lat);
  const n = 2 ** z;
  return { x: w.x * n, y: w.y * n };
}

export function tileToLngLat(x: number, y: number, z: number): [number, number] {
  const n = 2 ** z;
  return worldToLngLat({ x: x / n, y: y / n });
}

// Into [-180, 180).
export function normalizeLongitude(lng: number): number {
  return ((((lng + 180) % 360) + 360) % 360) - 180;
}

export function wrapTileX(x: number, z: number): number {
  const n = 2 ** z;
  return ((x % n) + n) % n;
}

export function tileKey(tile: TileCoord): string {
  return `${tile.z}/${tile.x}/${tile.y}`;
}

export function tileBBox(tile: TileCoord): BBox {
  const [west, north] = tileToLngLat(tile.x, tile.y, tile.z);
  const [east, south] = tileToLngLat(tile.x + 1, tile.y + 1, tile.z);
  return [west, south, east, north];
}

export function parentTile(tile: TileCoord): TileCoord | undefined {
  if (tile.z === 0) return undefined;
  return { z: tile.z - 1, x: Math.floor(tile.x / 2), y: Math.floor(tile.y / 2) };
}

export function childTiles(tile: TileCoord): TileCoord[] {
  const z = tile.z + 1;
  const x = tile.x * 2;
  const y = tile.y * 2;
  return [
    { z, x, y },
    { z, x: x + 1, y },
    { z, x, y: y + 1 },
    { z, x: x + 1, y: y + 1 },
  ];
}

// Distance from the tile's centre to a point given in fractional tile units of the tile's zoom,
// the short way round the antimeridian.
export function tileCentreDistance(tile: TileCoord, point: Point): number {
  const n = 2 ** tile.z;
  let dx = (tile.x + 0.5 - point.x) % n;
  if (dx > n / 2) dx -= n;
  if (dx < -n / 2) dx += n;
  return Math.hypot(dx, tile.y + 0.5 - point.y);
}

// The integer zoom MapLibre requests for a map zoom: floor for vector sources. A 256-px source is one level deeper.
export function tileZoomFor(mapZoom: number, tileSize = WORLD_TILE_SIZE): number {
  return Math.max(0, Math.floor(mapZoom + Math.log2(WORLD_TILE_SIZE / tileSize) + EDGE_EPSILON));
}

// Tiles covering a bbox. West > east, or edges beyond ±180°, wrap x modulo 2^z without duplicates.
export function tilesInBBox(bbox: BBox, z: number): TileCoord[] {
  const [west, south, rawEast, north] = bbox;
  const east = west > rawEast ? rawEast + 360 : rawEast;
  const nw = lngLatToWorld(west, north);
  const se = lngLatToWorld(east, south);
  return tilesCoveringPolygon(
    [nw, { x: se.x, y: nw.y }, se, { x: nw.x, y: se.y }],
    z,
  );
}

// Tiles that a convex polygon (world units, any winding, x unwrapped) touches at zoom z.
// Scanline per tile row: a convex polygon's extent within a horizontal strip is set by the vertices inside the
// strip and the edge crossings of its two borders.
export function tilesCoveringPolygon(ring: readonly Point[], z: number): TileCoord[] {
  const n = 2 ** z;
  const pts = ring.map((p) => ({ x: p.x * n, y: p.y * n }));
  const ys = pts.map((p) => p.y);
  const minY = Math.max(0, Math.min(...ys));
  const maxY = Math.min(n, Math.max(...ys));
  if (!(maxY >= minY)) return [];
  const firstRow = Math.floor(minY + EDGE_EPSILON);
  const lastRow = Math.min(n - 1, Math.max(firstRow, Math.ceil(maxY - EDGE_EPSILON) - 1));
  const tiles: TileCoord[] = [];
  for (let y = firstRow; y <= lastRow; y++) {
    const extent = stripExtent(pts, Math.max(y, minY), Math.min(y + 1, maxY));
    if (!extent) continue;
    for (const x of wrappedColumns(extent[0], extent[1], n)) tiles.push({ z, x, y });
  }
  return tiles;
}

function stripExtent(pts: readonly Point[], lo: number, hi: number): [number, number] | undefined {
  let min = Infinity;
  let max = -Infinity;
  const take = (x: number) => {
    min = Math.min(min, x);
    max = Math.max(max, x);
  };
  for (let i = 0; i < pts.length; i++) {
    const a = pts[i];
    const b = pts[(i + 1) % pts.length];
    if (a.y >= lo && a.y <= hi) take(a.x);
    for (const edgeY of [lo, hi]) {
      if ((a.y - edgeY) * (b.y - edgeY) < 0) take(a.x + ((edgeY - a.y) / (b.y - a.y)) * (b.x - a.x));
    }
  }
  return min <= max ? [min, max] : undefined;
}

function wrappedColumns(minX: number, maxX: number, n: number): number[] {
  const first = Math.floor(minX + EDGE_EPSILON);
  const last = Math.max(first, Math.ceil(maxX - EDGE_EPSILON) - 1);
  if (last - first + 1 >= n) return Array.from({ length: n }, (_, i) => i);
  const columns: number[] = [];
  for (let x = first; x <= last; x++) columns.push(((x % n) + n) % n);
  return columns;
}

// The viewport's footprint on the ground, in world units: far-left, far-right, near-right, near-left.
// Bearing rotates the screen axes; pitch stretches the far edge (see groundExtent).
export function viewportQuad(view: Viewport): Point[] {
  const scale = WORLD_TILE_SIZE * 2 ** view.zoom;
  const c = lngLatToWorld(view.center[0], view.center[1]);
  const { far, near, farHalfWidth, nearHalfWidth } = groundExtent(view.width, view.height, view.pitch);
  const { right, up } = screenAxes(view.bearing);
  const at = (ahead: number, across: number): Point => ({
    x: c.x + (up.x * ahead + right.x * across) / scale,
    y: c.y + (up.y * ahead + right.y * across) / scale,
  });
  return [at(far, -farHalfWidth), at(far, farHalfWidth), at(-near, nearHalfWidth), at(-near, -nearHalfWidth)];
}

// World directions (x east, y south) of the screen's right and up for a MapLibre bearing (the compass direction up).
export function screenAxes(bearingDeg: number): { right: Point; up: Point } {
  const b = (bearingDeg * Math.PI) / 180;
  return { right: { x: Math.cos(b), y: Math.sin(b) }, up: { x: Math.sin(b), y: -Math.cos(b) } };
}

// Distances in centre-scale px from the centre to the far and near edges, and the half-widths there.
// Approximation: a pinhole camera with MapLibre's default fov looking at the centre, centre at the screen middle
// (no padding); the far edge is clamped to PITCH_FAR_LIMIT half-heights.
function groundExtent(width: number, height: number, pitchDeg: number) {
  const halfH = height / 2;
  const halfW = width / 2;
  const p = (Math.max(0, pitchDeg) * Math.PI) / 180;
  if (p < 1e-6) return { far: halfH, near: halfH, farHalfWidth: halfW, nearHalfWidth: halfW };
  const halfFov = FOV_RAD / 2;
  const d = halfH / Math.tan(halfFov);
  const height0 = d * Math.cos(p);
  const behind = d * Math.sin(p);
  const farAngle = p + halfFov;
  const far = farAngle >= (89 * Math.PI) / 180
    ? PITCH_FAR_LIMIT * halfH
    : Math.min(PITCH_FAR_LIMIT * halfH, height0 * Math.tan(farAngle) - behind);
  const near = behind - height0 * Math.tan(p - halfFov);
  // the screen width at a ground point scales with its depth along the camera axis
  const widthAt = (fromFoot: number) => (halfW * (fromFoot * Math.sin(p) + height0 * Math.cos(p))) / d;
  return { far, near, farHalfWidth: widthAt(behind + far), nearHalfWidth: widthAt(behind - near) };
}

// Tiles a source serves for this viewport: the map zoom's tile zoom capped at maxZoom (MapLibre overzooms),
// nothing below minZoom.
export function tilesForViewport(view: Viewport, options: CoverOptions = {}): TileCoord[] {
  const z = Math.min(options.tileZoom ?? tileZoomFor(view.zoom, options.tileSize), options.maxZoom ?? Infinity);
  if (z < (options.minZoom ?? 0) || z < 0) return [];
  return tilesCoveringPolygon(viewportQuad(view), z);
}
