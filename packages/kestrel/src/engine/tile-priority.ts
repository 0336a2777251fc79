import type { CameraSnapshot, RequestPurpose, TileCoord } from '../contract/engine-api.ts';
import { DROP } from './priority-queue.ts';

export interface PriorityInput {
  purpose: RequestPurpose;
  coord?: TileCoord;
  // engine clock ms when the work first entered the queue (kept across retries)
  enqueuedAt: number;
  // asked only by tabs in the background (visibilitychange): their visible tiles wait behind the front tab's
  background?: boolean;
}

/**
 * Who asked, when one engine serves several tabs: whether that tab is in the background, and its own camera (a
 * tile is near or far from the view of the tab that wants it, not from whichever tab moved last). The engine reads
 * it when it ranks the ask, so the hub mutates it in place and then asks for a reprioritisation.
 */
export interface AskOrigin {
  background: boolean;
  camera?: CameraSnapshot;
}

export interface PriorityOptions {
  // a pure prefetch still queued this long after it was asked for is dropped (see tilePriority)
  prefetchExpiryMs: number;
}

// Each class owns a band this wide; within a band, ZOOM_STEP · |Δzoom| + distance stays below it.
const CLASS_BAND = 1000;
// Visible tiles of a background tab get a band of their own between the front tab's visible tiles and any prefetch:
// they still outrank every tab's speculative work, and never the tiles the user is looking at.
const CLASS_RANK: Record<RequestPurpose, number> = { visible: 0, prefetch: 2, revalidate: 3, 'offline-save': 3 };
const BACKGROUND_VISIBLE_RANK = 1;
// One zoom level of difference outweighs any on-screen distance (capped at MAX_DISTANCE tiles), so tiles at the
// current zoom always come first and distance only orders tiles within a zoom.
const ZOOM_STEP = 100;
const MAX_ZOOM_DELTA = 9;
const MAX_DISTANCE = 99;
// Aging: 0.05 units per ms waited = one zoom level per 2 s, one whole class band per 20 s (visible → prefetch is two
// bands, 40 s). Slow enough that normal panning keeps visible work first, fast enough that a starved revalidation
// eventually runs.
export const AGING_PER_MS = 0.05;

// Lower runs sooner. Aging is written as `+ AGING_PER_MS · enqueuedAt` rather than `− AGING_PER_MS · waited`:
// the two differ by the same `AGING_PER_MS · now` for every entry, so the heap order stays valid as time
// passes and needs re-running only when the camera changes, not on every tick.
export function tilePriority(
  input: PriorityInput,
  camera: CameraSnapshot | undefined,
  now: number,
  options: PriorityOptions,
): number {
  // A prediction that neither came true (a visible ask would have upgraded it) nor ran within its horizon is
  // a wrong guess: spending a slot on it later only delays real work.
  if (input.purpose === 'prefetch' && now - input.enqueuedAt > options.prefetchExpiryMs) return DROP;
  const rank = input.purpose === 'visible' && input.background ? BACKGROUND_VISIBLE_RANK : CLASS_RANK[input.purpose];
  return rank * CLASS_BAND + spatialScore(input.coord, camera) + AGING_PER_MS * input.enqueuedAt;
}

// Tiles without coords (styles, sprites, glyphs) score 0: the map cannot draw anything before them, and equal
// scores leave them first-in first-out through the aging term.
function spatialScore(coord: TileCoord | undefined, camera: CameraSnapshot | undefined): number {
  if (!coord || !camera) return 0;
  const zoomDelta = Math.min(MAX_ZOOM_DELTA, Math.abs(coord.z - Math.round(camera.zoom)));
  return ZOOM_STEP * zoomDelta + Math.min(MAX_DISTANCE, tileDistance(coord, camera.center));
}

// Distance in tile units at the tile's own zoom from the tile's centre to the camera centre, the shorter way
// round the antimeridian.
export function tileDistance(coord: TileCoord, center: [number, number]): number {
  const n = 2 ** coord.z;
  const [cx, cy] = lngLatToTile(center[0], center[1], coord.z);
  const rawDx = Math.abs(coord.x + 0.5 - cx) % n;
  const dx = Math.min(rawDx, n - rawDx);
  const dy = coord.y + 0.5 - cy;
  return Math.hypot(dx, dy);
}

// Web Mercator lng/lat → fractional tile x/y at zoom z (a minimal private copy; tile-math.ts has the full set).
// Latitude is clamped to Mercator's ±85.0511° so the poles stay finite.
function lngLatToTile(lng: number, lat: number, z: number): [number, number] {
  const n = 2 ** z;
  const clamped = Math.max(-85.05112878, Math.min(85.05112878, lat));
  const phi = (clamped * Math.PI) / 180;
  const x = ((lng + 180) / 360) * n;
  const y = ((1 - Math.log(Math.tan(phi) + 1 / Math.cos(phi)) / Math.PI) / 2) * n;
  return [x, y];
}
