import type { Map as MapLibreMap } from 'maplibre-gl';
import type { EngineStats } from '../../contract/engine-api.ts';

// MapLibre never asks again for a tile that errored until it leaves and re-enters the view. When the engine has
// given up on a tile (server down, breaker open, deadline passed) the hole would stay. So every few seconds, while
// errored tiles are in view and no breaker is open, ask MapLibre to reload them: the engine's breaker, retry
// budget and concurrency bound keep this polite, and the map heals by itself when the server returns.
const CHECK_MS = 3000;

// `latestStats`: the health watcher's last snapshot (engine-health.ts), so this loop adds no stats round trip.
export function retryErroredTiles(map: MapLibreMap, latestStats: () => EngineStats | undefined): () => void {
  let stopped = false;
  const tick = () => {
    if (stopped) return;
    try {
      const errored = erroredTiles(map);
      // Offline, every retry would fail again (and log a failed request): wait for the network to come back.
      const stats = latestStats();
      if (errored.size > 0 && navigator.onLine !== false && stats) {
        const anyOpen = Object.values(stats.breakers).some((b) => b.state === 'open');
        if (!anyOpen) for (const [sourceId, ids] of errored) map.refreshTiles(sourceId, ids);
      }
    } catch {
      // the map or the worker is between states: try again at the next tick
    }
    if (!stopped) setTimeout(tick, CHECK_MS);
  };
  setTimeout(tick, CHECK_MS);
  return () => {
    stopped = true;
  };
}

export function erroredTiles(map: MapLibreMap): Map<string, { x: number; y: number; z: number }[]> {
  const found = new Map<string, { x: number; y: number; z: number }[]>();
  const managers = map.style?.tileManagers ?? {};
  for (const [sourceId, manager] of Object.entries(managers)) {
    for (const id of manager.getIds()) {
      const tile = manager.getTileByID(id);
      if (tile?.state !== 'errored') continue;
      const { x, y, z } = tile.tileID.canonical;
      const list = found.get(sourceId) ?? [];
      list.push({ x, y, z });
      found.set(sourceId, list);
    }
  }
  return found;
}
