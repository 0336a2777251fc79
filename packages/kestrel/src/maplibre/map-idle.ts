import type { Map as MapLibreMap } from 'maplibre-gl';

// Loaded, every visible tile settled (loaded or errored) and no camera motion: what a suite means by "idle".
export function isMapIdle(map: MapLibreMap): boolean {
  return map.loaded() && map.areTilesLoaded() && !map.isMoving();
}

// Resolves at once when the map is already idle, else on MapLibre's next `idle` event (fired once nothing
// is loading and no render is pending).
export function whenIdle(map: MapLibreMap): Promise<void> {
  if (isMapIdle(map)) return Promise.resolve();
  return new Promise((resolve) => map.once('idle', () => resolve()));
}

export function whenLoaded(map: MapLibreMap): Promise<void> {
  if (map.loaded()) return Promise.resolve();
  return new Promise((resolve) => map.once('load', () => resolve()));
}
