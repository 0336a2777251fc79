import type { Map as MapLibreMap } from 'maplibre-gl';
import type { EngineStats } from '../contract/engine-api.ts';

// How often the page looks (it reads the snapshot engine-health.ts already pulls, no extra request).
const LOOK_EVERY_MS = 1000;

/**
 * A PMTiles archive replaced on its host: the engine drops the old version and reads only the new one, but the map
 * still shows tiles it drew from the old one. Reloading the map's sources of that archive (MapLibre's `setUrl` with
 * the same URL: the TileJSON and every tile asked again) brings the whole view to the new version, instead of a
 * patchwork of both. Returns what stops it.
 */
export function reloadReplacedArchives(map: MapLibreMap, latest: () => EngineStats | undefined): () => void {
  const seen = new Map<string, number>();
  const look = () => {
    const archives = latest()?.archives;
    if (!archives) return;
    for (const [archive, stats] of Object.entries(archives)) {
      const before = seen.get(archive) ?? 0;
      seen.set(archive, stats.replaced);
      if (stats.replaced > before) reloadSourcesOf(map, archive);
    }
  };
  const timer = setInterval(look, LOOK_EVERY_MS);
  return () => clearInterval(timer);
}

function reloadSourcesOf(map: MapLibreMap, archive: string): void {
  const sources = map.getStyle()?.sources ?? {};
  for (const [id, spec] of Object.entries(sources)) {
    const url = (spec as { url?: unknown }).url;
    if (typeof url !== 'string' || !sameArchive(url, archive)) continue;
    (map.getSource(id) as { setUrl?(url: string): unknown } | undefined)?.setUrl?.(url);
  }
}

/**
 * Whether a style's `pmtiles://` source URL names the archive the engine reports. The engine reports archives in
 * their persisted form (secrets as digests), so the query is left out of the comparison.
 */
export function sameArchive(sourceUrl: string, archive: string): boolean {
  const bare = (url: string) => url.replace(/^pmtiles:\/\//i, '').split(/[?#]/)[0];
  return sourceUrl.toLowerCase().startsWith('pmtiles://') && bare(sourceUrl) === bare(archive);
}
