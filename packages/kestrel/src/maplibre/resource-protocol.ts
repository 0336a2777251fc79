import type { AddProtocolAction, AddProtocolResponseData } from 'maplibre-gl';
import type { Remote } from 'comlink';
import type { EngineApi, EngineFailure, TileRequest } from '../contract/engine-api.ts';
import { decodeResource, type ResponseType } from './resource-routing.ts';
import { shapedRequest } from '../contract/shaped-request.ts';

// The style, TileJSON, sprites and glyphs through the engine (kind 'resource'): the same cache tiers and
// freshness rules as tiles, so a style opened once works offline. The engine validates the bytes (an HTML error
// page is a failure, and a stale copy is served instead when there is one); this handler gives MapLibre the
// shape it asked for.
// `style`: the document is the map style, input from the URL and untrusted; one past the engine's size cap is
// refused (parsing a giant style can take the page down), never loaded directly.
export function resourceProtocol(engine: Remote<EngineApi>, idPrefix: string, style: boolean): AddProtocolAction {
  let nextId = 0;
  return async (params, abortController) => {
    const url = params.url.slice(params.url.indexOf('://') + 3);
    const type = params.type as ResponseType | undefined;
    const id = `${idPrefix}${style ? 'style' : 'res'}${++nextId}`;
    const shaped = shapedRequest(params);
    const signal = abortController.signal;
    const onAbort = () => void engine.cancel(id);
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      const result = await engine.request({ id, url, kind: 'resource', purpose: 'visible', ...shaped });
      if (signal.aborted) throw new DOMException('The request was cancelled', 'AbortError');
      if (!result.ok) {
        // A GeoJSON `data` URL may be larger than the engine's per-response cap: MapLibre's own way, uncached.
        if (result.failure.reason === 'oversized' && !style) return loadDirect(url, type, signal, shaped);
        if (result.failure.reason === 'oversized') throw new Error(`the style document is too large (${result.failure.message})`);
        throw failed(result.failure);
      }
      const { response } = result;
      if (response.status === 'no-tile') {
        // A glyph range the server does not have draws nothing; a missing style, TileJSON or sprite is an error.
        if (type === 'arrayBuffer') return { data: new ArrayBuffer(0) };
        throw Object.assign(new Error(`Resource not found (HTTP 404 or 204)`), { status: 404 });
      }
      return { data: decodeResource(response.data!, type) as AddProtocolResponseData, cacheControl: response.cacheControl, expires: response.expires };
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  };
}

// `status` is what watch-style-errors.ts shows for a style that failed.
function failed(failure: EngineFailure): Error {
  const error = new Error(`Resource failed (${failure.reason}): ${failure.message}`);
  return failure.status === undefined ? error : Object.assign(error, { status: failure.status });
}

async function loadDirect(url: string, type: ResponseType | undefined, signal: AbortSignal, shaped: Pick<TileRequest, 'headers' | 'credentials'>): Promise<{ data: AddProtocolResponseData }> {
  const response = await fetch(url, { ...shaped, signal });
  if (!response.ok) throw Object.assign(new Error(`HTTP ${response.status}`), { status: response.status });
  return { data: decodeResource(await response.arrayBuffer(), type) as AddProtocolResponseData };
}
