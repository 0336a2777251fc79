import type { Map as MapLibreMap } from 'maplibre-gl';
import type { EngineStats } from '../contract/engine-api.ts';
import { ErroredTileBackoff, type ErroredTile, failureReasonOf } from './errored-tile-backoff.ts';

// MapLibre never asks again for a tile that errored until it leaves and re-enters the view. When the engine has
// given up on a tile (server down, breaker open, deadline passed) the hole would stay. So every few seconds the
// errored tiles in view are looked at, and those whose backoff has run out are reloaded (errored-tile-backoff.ts:
// per tile, longer for refusals the server will repeat, never towards a host whose breaker is open, at once when
// the network has just answered). The map heals by itself when the server returns, without hammering one that
// refuses a tile for good.
const CHECK_MS = 3000;

// `latestStats`: the health watcher's last snapshot (engine-health.ts), so this loop adds no stats round trip.
export function retryErroredTiles(map: MapLibreMap, latestStats: () => EngineStats | undefined, backoff = new ErroredTileBackoff()): () => void {
  let stopped = false;
  let networkBytes: number | undefined;
  const onError = (event: { sourceId?: string; tile?: { tileID: { canonical: { x: number; y: number; z: number } } }; error?: { message?: string } }) => {
    if (event.sourceId && event.tile) backoff.noteFailure(tileId(event.sourceId, event.tile.tileID.canonical), failureReasonOf(event.error?.message));
  };
  map.on('error', onError);
  const tick = () => {
    if (stopped) return;
    try {
      const stats = latestStats();
      // Offline, every retry would fail again (and log a failed request): wait for the network to come back.
      if (stats && navigator.onLine !== false) {
        const openHosts = new Set(Object.entries(stats.breakers).filter(([, b]) => b.state === 'open').map(([host]) => host));
        const networkAnswered = networkBytes !== undefined && stats.bytes.network > networkBytes;
        networkBytes = stats.bytes.network;
        const errored = erroredTiles(map);
        const listed: ErroredTile[] = [];
        for (const [sourceId, coords] of errored) {
          const host = sourceHost(map, sourceId);
          for (const c of coords) listed.push({ id: tileId(sourceId, c), host });
        }
        const due = new Set(backoff.due(listed, performance.now(), { openHosts, networkAnswered }));
        for (const [sourceId, coords] of errored) {
          const ids = coords.filter((c) => due.has(tileId(sourceId, c)));
          if (ids.length > 0) map.refreshTiles(sourceId, ids);
        }
      }
    } catch {
      // the map or the worker is between states: try again at the next tick
    }
    if (!stopped) setTimeout(tick, CHECK_MS);
  };
  setTimeout(tick, CHECK_MS);
  return () => {
    stopped = true;
    map.off('error', onError);
  };
}

function tileId(sourceId: string, c: { x: number; y: number; z: number }): string {
  return `${sourceId}/${c.z}/${c.x}/${c.y}`;
}

// The host a source's tiles come from, named as the engine names its breakers.
function sourceHost(map: MapLibreMap, sourceId: string): string | undefined {
  const template = (map.getSource(sourceId) as { tiles?: string[] } | undefined)?.tiles?.[0];
  if (!template) return undefined;
  try {
    return new URL(template.replace(/\{[^}]*\}/g, '0')).host;
  } catch {
    return undefined;
  }
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
