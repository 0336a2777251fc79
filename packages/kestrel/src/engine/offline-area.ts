import { area as turfArea, bboxPolygon } from '@turf/turf';
import type { AreaBBox, AreaPlan, CacheStats, ResourceKind, SourceDescriptor, TileCoord } from '../contract/engine-api.ts';
import { MAX_LATITUDE, lngLatToWorld, normalizeLongitude, tilesInBBox, tileZoomFor } from './tile-math.ts';
import { fillTileTemplate, isPrefetchableTemplate } from './tile-template.ts';
import { RECORD_OVERHEAD_BYTES } from './tile-store.ts';

const MB = 1_000_000;

export interface AreaLimits {
  // beyond this the download takes hours on a phone link and the list alone is megabytes of keys
  maxTiles: number;
  maxBytes: number;
  // Saved tiles are pinned (never evicted), so they may take at most this share of the persistent tier's budget:
  // the rest stays for ordinary browsing, or every new tile would evict another unpinned one at once.
  pinnedShare: number;
}

export const DEFAULT_AREA_LIMITS: AreaLimits = { maxTiles: 20_000, maxBytes: 500 * MB, pinnedShare: 0.75 };

// A mean size per zoom is trusted from this many cached tiles on; fewer (one ocean tile) says little.
const MIN_SIZE_SAMPLES = 4;

// Before any tile has been cached, a rough size per tile. OpenMapTiles-like vector tiles average tens of kB,
// heavier at low zooms where a tile holds whole countries; a 256-px PNG raster is some 15–25 kB. Erring high makes
// the limit refuse early rather than fill the disk.
export function defaultTileBytes(z: number, kind: ResourceKind): number {
  if (kind === 'raster') return 25_000;
  if (z <= 6) return 80_000;
  if (z <= 11) return 50_000;
  return 30_000;
}

export type SizeSamples = ReadonlyMap<number, { count: number; bytes: number }>;

// The mean cached tile size at z, else at the nearest zoom with enough samples (the deeper one on a tie): tiles of
// one tileset differ far less between neighbouring zooms than tilesets differ from each other, so a measured
// neighbour beats the generic default.
export function meanTileBytes(sizes: SizeSamples, z: number): number | undefined {
  let best: { distance: number; mean: number } | undefined;
  for (const [zoom, { count, bytes }] of sizes) {
    if (count < MIN_SIZE_SAMPLES) continue;
    const distance = Math.abs(zoom - z) - (zoom > z ? 0.5 : 0);
    if (!best || distance < best.distance) best = { distance, mean: bytes / count };
  }
  return best?.mean;
}

export interface PlanInput {
  bbox: AreaBBox;
  minZoom: number;
  maxZoom: number;
}

export interface PlanContext {
  sources: readonly SourceDescriptor[];
  // cached tiles per zoom (count and payload bytes), for the estimate
  sizes: SizeSamples;
  // the persistent tier: saving needs it, and pinned tiles must fit in its budget
  storage: Pick<CacheStats['idb'], 'status' | 'detail' | 'budget'>;
  // bytes the areas already saved (or being saved) hold
  pinnedBytes: number;
  limits?: AreaLimits;
}

// One tile of an area, in the order it is downloaded: zoom by zoom from the lowest, so a half-saved area already
// shows everything at its outer zooms.
export interface AreaTile {
  source: SourceDescriptor;
  coord: TileCoord;
}

// Counts and estimates without listing tiles: a refused plan (the whole world at z0–14 is 358 million tiles) must
// cost no more than an accepted one.
export function planArea(input: PlanInput, context: PlanContext): AreaPlan {
  const limits = context.limits ?? DEFAULT_AREA_LIMITS;
  const bbox = normalizeBBox(input.bbox);
  const sources = savableSources(context.sources);
  const perZoom = new Map<number, { tiles: number; estimatedBytes: number }>();
  for (const { source, z } of sourceZooms(sources, input.minZoom, input.maxZoom)) {
    const tiles = countTilesInBBox(bbox, z);
    const perTile = meanTileBytes(context.sizes, z) ?? defaultTileBytes(z, source.kind);
    const row = perZoom.get(z) ?? { tiles: 0, estimatedBytes: 0 };
    row.tiles += tiles;
    row.estimatedBytes += Math.round(tiles * perTile);
    perZoom.set(z, row);
  }
  const zooms = [...perZoom].sort(([a], [b]) => a - b).map(([z, row]) => ({ z, ...row }));
  const tiles = zooms.reduce((sum, row) => sum + row.tiles, 0);
  const estimatedBytes = zooms.reduce((sum, row) => sum + row.estimatedBytes, 0);
  const plan: AreaPlan = { tiles, estimatedBytes, areaKm2: bboxAreaKm2(bbox), zooms };
  const refused = refusal(input, context, sources, plan, limits);
  return refused ? { ...plan, refused } : plan;
}

// Every tile of the area, in download order. Only called for plans the limits accepted.
export function listAreaTiles(input: PlanInput, sources: readonly SourceDescriptor[]): AreaTile[] {
  const bbox = normalizeBBox(input.bbox);
  const tiles: AreaTile[] = [];
  for (const { source, z } of sourceZooms(savableSources(sources), input.minZoom, input.maxZoom)) {
    for (const coord of tilesInBBox(bbox, z)) tiles.push({ source, coord });
  }
  return tiles;
}

export function areaTileUrl(tile: AreaTile): string {
  return fillTileTemplate(tile.source, tile.coord);
}

// Sources whose URLs the engine can build the way MapLibre does ({z}/{x}/{y}, no {ratio} or {quadkey}).
export function savableSources(sources: readonly SourceDescriptor[]): SourceDescriptor[] {
  return sources.filter((s) => s.tiles.length > 0 && s.tiles.every(isPrefetchableTemplate));
}

// The tile zooms each source serves for map zooms minZoom..maxZoom, lowest first. Past a source's maxzoom MapLibre
// overzooms its last level; below its minzoom it asks nothing. A raster source is covered as MapLibre rounds
// (not floors) its zoom, the same √2 trick as the prefetcher's.
export function sourceZooms(sources: readonly SourceDescriptor[], minZoom: number, maxZoom: number): { source: SourceDescriptor; z: number }[] {
  const out: { source: SourceDescriptor; z: number }[] = [];
  sources.forEach((source) => {
    const size = source.kind === 'raster' ? source.tileSize / Math.SQRT2 : source.tileSize;
    const lo = Math.max(source.minzoom, Math.min(source.maxzoom, tileZoomFor(Math.max(0, minZoom), size)));
    const hi = Math.min(source.maxzoom, tileZoomFor(Math.max(0, maxZoom), size));
    for (let z = lo; z <= hi; z++) out.push({ source, z });
  });
  return out.sort((a, b) => a.z - b.z);
}

// The same cover as tilesInBBox (a bbox is a rectangle in tile space: rows × columns), without listing it.
export function countTilesInBBox(bbox: AreaBBox, z: number): number {
  const [west, south, rawEast, north] = bbox;
  const east = west > rawEast ? rawEast + 360 : rawEast;
  const n = 2 ** z;
  const nw = lngLatToWorld(west, north);
  const se = lngLatToWorld(east, south);
  const minY = Math.max(0, nw.y * n);
  const maxY = Math.min(n, se.y * n);
  if (!(maxY >= minY)) return 0;
  const firstRow = Math.floor(minY + EDGE_EPSILON);
  const lastRow = Math.min(n - 1, Math.max(firstRow, Math.ceil(maxY - EDGE_EPSILON) - 1));
  const firstCol = Math.floor(nw.x * n + EDGE_EPSILON);
  const lastCol = Math.max(firstCol, Math.ceil(se.x * n - EDGE_EPSILON) - 1);
  return (lastRow - firstRow + 1) * Math.min(n, lastCol - firstCol + 1);
}

// tile-math's tolerance for edges that sit exactly on tile edges
const EDGE_EPSILON = 1e-9;

// Map bounds can run past ±180° (a wrapped view) or the Mercator limit: longitudes into [-180, 180) (a box wider
// than the world becomes the world), latitudes clamped.
export function normalizeBBox([west, south, east, north]: AreaBBox): AreaBBox {
  const s = Math.max(-MAX_LATITUDE, Math.min(south, north));
  const n = Math.min(MAX_LATITUDE, Math.max(south, north));
  if (east - west >= 360) return [-180, s, 180, n];
  const w = normalizeLongitude(west);
  const e = normalizeLongitude(east);
  // east on the antimeridian itself normalises to -180; keep it as the box's east edge
  return [w, s, e === -180 && east > west ? 180 : e, n];
}

export function bboxAreaKm2([west, south, east, north]: AreaBBox): number {
  const parts: AreaBBox[] = west > east ? [[west, south, 180, north], [-180, south, east, north]] : [[west, south, east, north]];
  return parts.reduce((sum, part) => sum + turfArea(bboxPolygon(part)), 0) / 1e6;
}

function refusal(input: PlanInput, context: PlanContext, sources: SourceDescriptor[], plan: AreaPlan, limits: AreaLimits): string | undefined {
  const { storage } = context;
  if (storage.status === 'unavailable' || storage.status === 'disabled') {
    return `Offline storage is unavailable${storage.detail ? ` (${storage.detail})` : ''}: saved tiles would not survive a reload.`;
  }
  if (!Number.isInteger(input.minZoom) || !Number.isInteger(input.maxZoom) || input.minZoom < 0 || input.minZoom > input.maxZoom) {
    return `The zoom range ${input.minZoom}–${input.maxZoom} is not valid: whole levels, from ≤ to, starting at 0 or more.`;
  }
  if (sources.length === 0) return 'The map has no tile sources to save yet (the style is still loading, or its URLs cannot be built).';
  if (plan.tiles === 0) return `No tiles to save: the map's sources have none for zooms ${input.minZoom}–${input.maxZoom} here.`;
  const reasons: string[] = [];
  if (plan.tiles > limits.maxTiles) {
    reasons.push(
      `${count(plan.tiles)} tiles is ${over(plan.tiles, limits.maxTiles, count)} the limit of ${count(limits.maxTiles)} tiles`,
    );
  }
  if (plan.estimatedBytes > limits.maxBytes) {
    reasons.push(`about ${bytes(plan.estimatedBytes)} is ${over(plan.estimatedBytes, limits.maxBytes, bytes)} the limit of ${bytes(limits.maxBytes)}`);
  }
  if (reasons.length > 0) return `Too large to save: ${reasons.join(', and ')}. Zoom in or narrow the zoom range.`;
  const room = Math.floor(storage.budget * limits.pinnedShare) - context.pinnedBytes;
  const needed = plan.estimatedBytes + plan.tiles * RECORD_OVERHEAD_BYTES;
  if (needed > room) {
    return (
      `Not enough room: about ${bytes(needed)} needed, but saved areas may use ${bytes(storage.budget * limits.pinnedShare)} ` +
      `of the ${bytes(storage.budget)} cache and ${bytes(context.pinnedBytes)} are taken (${bytes(needed - Math.max(0, room))} short). ` +
      'Delete a saved area, zoom in or narrow the zoom range.'
    );
  }
  return undefined;
}

// By how much: "5,000 over" for near misses, "17,896×" (read: 17,896× the limit) from twice the limit on.
function over(value: number, limit: number, format: (n: number) => string): string {
  return value >= 2 * limit ? `${count(Math.round(value / limit))}×` : `${format(value - limit)} over`;
}

function count(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

// Decimal units, as the limits are stated.
export function bytes(n: number): string {
  const units: [number, string][] = [
    [1e12, 'TB'],
    [1e9, 'GB'],
    [1e6, 'MB'],
    [1e3, 'kB'],
  ];
  for (const [size, unit] of units) if (n >= size) return `${(n / size).toFixed(n / size >= 100 ? 0 : 1)} ${unit}`;
  return `${Math.round(n)} B`;
}
