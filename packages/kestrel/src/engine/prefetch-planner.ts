import type { PrefetchReason, TileCoord } from '../contract/engine-api.ts';
import type { Prediction } from './motion-model.ts';
import {
  lngLatToWorld,
  tileKey,
  tilesForViewport,
  tileZoomFor,
  wrapTileX,
  WORLD_TILE_SIZE,
  type Point,
  type Viewport,
} from './tile-math.ts';

// About the leading edge of a 1920×1080 view plus one zoom level of children around the centre; a wrong guess
// (a reversal) then wastes at most a few hundred kB.
export const DEFAULT_MAX_PREFETCH_TILES = 32;

// Levels/s below which a zoom change is the drift of a pan, not a zoom gesture worth planning children/parents for.
const ZOOM_GESTURE_RATE = 0.1;

export type { PrefetchReason };

export interface PlannedTile extends TileCoord {
  key: string;
  reason: PrefetchReason;
  // when the tile is expected on screen, ms from the prediction's `now`
  inMs: number;
}

export interface PrefetchPlanOptions {
  maxTiles?: number;
  // the source's tile size and zoom range
  tileSize?: number;
  minZoom?: number;
  maxZoom?: number;
}

// "Already visible or cached": such tiles are never planned.
export type TileAvailable = (tile: TileCoord, key: string) => boolean;

interface Candidate extends PlannedTile {
  // the known destination outranks guesses: it is the one view that stays on screen
  group: number;
  distance: number;
}

// The ordered tiles worth fetching before they are asked for: soonest needed first, then nearest the predicted
// path, capped at maxTiles. Visible and cached tiles are left out.
export function planPrefetch(
  camera: Viewport,
  prediction: Prediction | undefined,
  isAvailable: TileAvailable,
  options: PrefetchPlanOptions = {},
): PlannedTile[] {
  const tileSize = options.tileSize ?? WORLD_TILE_SIZE;
  const minZoom = options.minZoom ?? 0;
  // MapLibre's default source maxzoom
  const maxZoom = options.maxZoom ?? 22;
  const cover = { tileSize, minZoom, maxZoom };
  const visible = tilesForViewport(camera, cover);
  // visible tiles, and tiles the predicate called available: never planned, asked about once
  const skip = new Set(visible.map(tileKey));
  const candidates = new Map<string, Candidate>();
  const offer = (tiles: TileCoord[], reason: PrefetchReason, inMs: number, group = 1) => {
    for (const tile of tiles) {
      const key = tileKey(tile);
      if (skip.has(key) || tile.z < minZoom || tile.z > maxZoom) continue;
      const seen = candidates.get(key);
      if (seen) {
        if (compare(seen, { group, inMs }) > 0) Object.assign(seen, { reason, inMs, group });
      } else if (isAvailable(tile, key)) {
        skip.add(key);
      } else {
        candidates.set(key, { ...tile, key, reason, inMs, group, distance: 0 });
      }
    }
  };

  const destination = prediction?.destination;
  if (destination) offer(tilesForViewport(destination, cover), 'destination', destination.inMs, 0);
  for (const view of prediction?.path ?? []) offer(tilesForViewport(view, cover), 'path', view.inMs);
  const zoomRate = prediction?.zoomRate ?? 0;
  const tileZoom = Math.min(tileZoomFor(camera.zoom, tileSize), maxZoom);
  const levelOffset = Math.log2(WORLD_TILE_SIZE / tileSize);
  if (zoomRate > ZOOM_GESTURE_RATE && tileZoom + 1 <= maxZoom) {
    // the view as it will be when the next level starts to load: the children around the (predicted) centre
    const levelStart = tileZoom + 1 - levelOffset;
    const end = prediction?.path.at(-1) ?? camera;
    const view = { ...end, zoom: Math.max(end.zoom, levelStart) };
    const children = tilesForViewport(view, { ...cover, tileZoom: tileZoom + 1 });
    offer(children, 'zoom-in', timeToZoom(camera.zoom, levelStart, zoomRate));
  } else if (zoomRate < -ZOOM_GESTURE_RATE && tileZoom - 1 >= minZoom) {
    // the parents of what is visible, needed once the zoom drops below this level
    const parents = tilesForViewport(camera, { ...cover, tileZoom: tileZoom - 1 });
    offer(parents, 'zoom-out', timeToZoom(camera.zoom, tileZoom - levelOffset, zoomRate));
  }
  if (!prediction?.moving) offer(ringAround(visible), 'ring', 0);

  // destination tiles by nearness to where the flight ends, the rest by nearness to the path there
  const line = pathLine(camera, prediction);
  const arrival = line.slice(-1);
  const planned = [...candidates.values()];
  for (const c of planned) c.distance = distanceToLine(c, c.group === 0 ? arrival : line);
  planned.sort((a, b) => compare(a, b) || a.distance - b.distance);
  return planned
    .slice(0, options.maxTiles ?? DEFAULT_MAX_PREFETCH_TILES)
    .map(({ z, x, y, key, reason, inMs }) => ({ z, x, y, key, reason, inMs }));
}

// What to start and what to cancel when a new plan replaces the previous one (e.g. the pan reversed).
export function diffPlans<T extends TileCoord>(
  previous: readonly T[],
  next: readonly T[],
): { add: T[]; cancel: T[] } {
  const before = new Set(previous.map(tileKey));
  const after = new Set(next.map(tileKey));
  return {
    add: next.filter((t) => !before.has(tileKey(t))),
    cancel: previous.filter((t) => !after.has(tileKey(t))),
  };
}

function compare(a: { group: number; inMs: number }, b: { group: number; inMs: number }): number {
  return a.group - b.group || a.inMs - b.inMs;
}

function timeToZoom(from: number, to: number, rate: number): number {
  return Math.max(0, ((to - from) / rate) * 1000);
}

// One ring of tiles around the visible cover (8-neighbourhood, x wrapped, y within the world).
function ringAround(visible: TileCoord[]): TileCoord[] {
  const ring: TileCoord[] = [];
  for (const t of visible) {
    const n = 2 ** t.z;
    for (let dy = -1; dy <= 1; dy++) {
      for (let dx = -1; dx <= 1; dx++) {
        const y = t.y + dy;
        if ((dx || dy) && y >= 0 && y < n) ring.push({ z: t.z, x: wrapTileX(t.x + dx, t.z), y });
      }
    }
  }
  return ring;
}

// The camera's centre, then the predicted centres, then the destination: world units, x unwrapped step by step.
function pathLine(camera: Viewport, prediction: Prediction | undefined): Point[] {
  const centres = [camera.center, ...(prediction?.path ?? []).map((v) => v.center)];
  if (prediction?.destination) centres.push(prediction.destination.center);
  const line: Point[] = [];
  for (const [lng, lat] of centres) {
    const p = lngLatToWorld(lng, lat);
    const prev = line.at(-1);
    line.push(prev ? { x: p.x - Math.round(p.x - prev.x), y: p.y } : p);
  }
  return line;
}

// In tile units of the tile's zoom, the short way round the antimeridian.
function distanceToLine(tile: TileCoord, line: Point[]): number {
  const n = 2 ** tile.z;
  const centre = { x: (tile.x + 0.5) / n, y: (tile.y + 0.5) / n };
  let best = Infinity;
  for (let i = 0; i < line.length; i++) {
    const a = line[i];
    const b = line[i + 1] ?? a;
    const c = { x: centre.x - Math.round(centre.x - a.x), y: centre.y };
    best = Math.min(best, distanceToSegment(c, a, b) * n);
  }
  return best;
}

function distanceToSegment(p: Point, a: Point, b: Point): number {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / len2));
  return Math.hypot(p.x - (a.x + t * dx), p.y - (a.y + t * dy));
}
