import type { AddProtocolAction } from 'maplibre-gl';
import type { Remote } from 'comlink';
import type { EngineApi, ResourceKind } from '../contract/engine-api.ts';
import { parseBridgedTileUrl } from '../contract/tile-channel.ts';
import { shapedRequest } from '../contract/shaped-request.ts';

/** Per-instance counters of the main-thread tile path. */
export interface MainThreadAsks {
  // tile asks that took the main-thread path (raster tiles always do; vector tiles only without the worker bridge)
  count: number;
}

// A 1×1 transparent PNG: "no tile here" for a raster source. Throwing instead would mark the tile errored,
// and errored tiles are retried (retry-errored-tiles.ts); an empty answer is not a failure.
const EMPTY_PNG = Uint8Array.from(
  atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=='),
  (c) => c.charCodeAt(0),
);

// MapLibre's protocol handler for tiles on the main thread (`maplibregl.addProtocol(<scheme>, …)`): raster tiles,
// and vector tiles whenever the worker bridge is not there. Ids carry the instance's prefix, so two instances on
// one page never cancel each other's asks.
export function tileProtocol(engine: Remote<EngineApi>, asks: MainThreadAsks, idPrefix: string): AddProtocolAction {
  let nextId = 0;
  return async (params, abortController) => {
    const { url } = parseBridgedTileUrl(params.url);
    const kind: ResourceKind = params.type === 'image' ? 'raster' : 'vector';
    const id = `${idPrefix}t${++nextId}`;
    asks.count++;
    const signal = abortController.signal;
    const onAbort = () => void engine.cancel(id);
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      const result = await engine.request({ id, url, kind, purpose: 'visible', ...shapedRequest(params) });
      if (signal.aborted) throw new DOMException('The tile left the view', 'AbortError');
      if (!result.ok) {
        // MapLibre marks the tile errored and keeps showing what it has around it.
        throw new Error(`Tile failed (${result.failure.reason}): ${result.failure.message}`);
      }
      const { response } = result;
      if (response.status === 'no-tile') {
        // A vector source treats an empty buffer as an empty tile; a raster one needs an image, so a blank one.
        return { data: kind === 'raster' ? EMPTY_PNG.slice().buffer : new ArrayBuffer(0) };
      }
      return { data: response.data!, cacheControl: response.cacheControl, expires: response.expires };
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  };
}
