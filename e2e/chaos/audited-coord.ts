import { parseCacheKey } from '../../packages/kestrel/src/engine/cache-key.ts';
import { parseTileCoord } from '../../packages/kestrel/src/engine/tile-url.ts';

/**
 * The "z/x/y" of an audited answer on the tile host, or undefined for another host. The engine keys its audit by
 * cache key (source|z/x/y|url), the bridges by the URL they were asked for; both name the host in the URL.
 */
export function auditedCoord(key: string, tileHost: string): string | undefined {
  const parts = parseCacheKey(key);
  const url = parts?.coord ? parts.url : key;
  let host: string;
  try {
    host = new URL(url).host;
  } catch {
    return undefined;
  }
  if (host !== tileHost) return undefined;
  const coord = parts?.coord ?? parseTileCoord(url);
  return coord ? `${coord.z}/${coord.x}/${coord.y}` : undefined;
}
