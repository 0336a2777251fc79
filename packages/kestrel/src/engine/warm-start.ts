import type { CameraSnapshot } from '../contract/engine-api.ts';
import type { ZoomRange } from './spatial-index.ts';
import type { BBox } from './tile-math.ts';

/** What a warm start reads out of IndexedDB: the stored tiles in `bbox` within `zoom`, at most `max`. */
export interface WarmStartPlan {
  bbox: BBox;
  zoom: ZoomRange;
  max: number;
}

// The first view of an 800 × 600 map holds some 6 tiles of a 512 px source and 20 of a 256 px one: a few sources of
// each fit well below this, and a reload of a crowded style still reads a bounded amount before the first ask.
const MAX_WARM_TILES = 256;

/**
 * The stored tiles a map shows first, from its camera before the style has loaded (the URL hash or the app's
 * initial view): the tiles of the view's bounds at the map's zoom (512 px tiles) and one deeper (256 px tiles),
 * whatever their source, as the sources are not known yet. Longitudes are clamped to the world (a view wider than
 * the world asks for all of it).
 */
export function warmStartPlan(camera: Pick<CameraSnapshot, 'bounds' | 'zoom'>): WarmStartPlan | undefined {
  const [west, south, east, north] = camera.bounds;
  if (![west, south, east, north, camera.zoom].every(Number.isFinite)) return undefined;
  const z = Math.max(0, Math.floor(camera.zoom));
  const wholeWorld = east - west >= 360;
  const bbox: BBox = wholeWorld ? [-180, south, 180, north] : [clampLng(west), south, clampLng(east), north];
  return { bbox, zoom: { minZoom: z, maxZoom: z + 1 }, max: MAX_WARM_TILES };
}

function clampLng(lng: number): number {
  return Math.max(-180, Math.min(180, lng));
}
