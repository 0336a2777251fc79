import type { Map as MapLibreMap } from 'maplibre-gl';

export interface TileCensus {
  // tiles MapLibre holds for the current view (ideal and retained), by state
  loaded: number;
  errored: number;
  loading: number;
  total: number;
}

// What is on screen now, as opposed to the timeline's history: "no holes" means errored = loading = 0 here.
export function tileCensus(map: MapLibreMap): TileCensus {
  const census: TileCensus = { loaded: 0, errored: 0, loading: 0, total: 0 };
  for (const manager of Object.values(map.style?.tileManagers ?? {})) {
    for (const id of manager.getIds()) {
      const state = manager.getTileByID(id)?.state;
      if (!state) continue;
      census.total++;
      if (state === 'errored') census.errored++;
      else if (state === 'loaded' || state === 'expired') census.loaded++;
      else census.loading++;
    }
  }
  return census;
}
