import type { Fetcher, FetcherInit } from '../engine/ports.ts';
import { CorsProbe, originOf } from './cors-probe.ts';

type BrowserFetch = (url: string, init: RequestInit) => Promise<Response>;

export interface FetchAdapterDeps {
  fetch: BrowserFetch;
  origin: () => string;
  probe?: CorsProbe;
}

// Headers a conditional request carries: not CORS-safelisted, so cross-origin they cost a preflight (OPTIONS).
const CONDITIONAL = ['if-none-match', 'if-modified-since'];

/**
 * The browser's fetch as the engine's Fetcher port. `cache: 'no-store'` because the engine owns caching: letting
 * the HTTP cache answer too would hide the network from our statistics and double-store tiles.
 *
 * Revalidation without preflights. A conditional header set by script (If-None-Match) is not CORS-safelisted, so
 * cross-origin it costs a preflight per tile URL, and hosts that do not answer OPTIONS (nginx's static handler says
 * 405) refuse it outright: nothing was ever revalidated. So cross-origin the engine's validators are never sent.
 * A revalidation goes out as a plain GET in `cache: 'no-cache'` mode instead: the browser stores that answer in
 * its HTTP cache, and at the next revalidation of the URL asks the host itself with the validators it stored (the
 * browser's own conditional request needs no preflight). A 304 then reaches us as the stored 200, whose ETag
 * equals the one the engine holds, so the engine counts it as not modified (network-attempt.ts). The first
 * revalidation of a URL costs a full body, every later one a 304, with no OPTIONS ever; `no-cache` still goes to
 * the server every time, so the statistics see every request. Only revalidated URLs enter the HTTP cache.
 * Same-origin, where no preflight exists, the engine's own conditional headers go out as before.
 *
 * `fresh` (a bad body was just refused) uses `cache: 'reload'`: a stored bad copy must not be served again.
 *
 * The app's own headers (`appHeaders`, from its `transformRequest`) go out as given, cross-origin too: the app chose
 * them and the host expects them (it has to allow them in its preflight answer). `credentials` is the app's when it
 * named one; otherwise 'omit', so no cookie rides along with a tile unless the app asked for it.
 *
 * A failed cross-origin fetch is told apart from a network failure (CorsError) so the page can say why. A host
 * that sends Access-Control-Allow-Origin on its 200s but not on its errors (a location's `add_header` without
 * `always`) gives a CORS failure for every 429, 404 page or 5xx: from an origin that has answered this page with
 * CORS before, that is an error answer we may not read (CorsErrorAnswer), transient, not a misconfigured host.
 */
export function createFetchAdapter(deps: FetchAdapterDeps): Fetcher {
  const probe = deps.probe ?? new CorsProbe((url, signal) => deps.fetch(url, { mode: 'no-cors', credentials: 'omit', cache: 'no-store', signal }), deps.origin);
  const answeredWithCors = new Set<string>();

  return async (url, init) => {
    const origin = originOf(url);
    const crossOrigin = origin !== undefined && origin !== deps.origin();
    const conditional = init.conditionalHeaders !== undefined && Object.keys(init.conditionalHeaders).some((h) => CONDITIONAL.includes(h.toLowerCase()));
    const cache: RequestCache = init.fresh ? 'reload' : crossOrigin && conditional ? 'no-cache' : 'no-store';
    const engineHeaders = crossOrigin ? withoutConditional(init.conditionalHeaders) : init.conditionalHeaders;
    const headers = merged(merged(init.appHeaders, engineHeaders), rangeHeader(init.range));
    const request: RequestInit = { signal: init.signal, headers, mode: 'cors', credentials: init.credentials ?? 'omit', cache };
    try {
      const response = await deps.fetch(url, request);
      if (crossOrigin) answeredWithCors.add(origin);
      return response;
    } catch (error) {
      if (init.signal.aborted || !crossOrigin) throw error;
      if (await probe.blocks(url, init.signal, init.onProbe)) throw answeredWithCors.has(origin) ? corsErrorAnswer(origin) : probe.error(url);
      throw error;
    }
  };
}

/** The adapter the engine worker uses: the worker's own fetch and origin. */
export const fetchAdapter: Fetcher = createFetchAdapter({ fetch: (url, init) => fetch(url, init), origin: () => self.location.origin });

// One range (`bytes=first-last`): CORS-safelisted, so a cross-origin archive needs no preflight for it.
function rangeHeader(range: FetcherInit['range']): Record<string, string> | undefined {
  return range ? { Range: `bytes=${range.offset}-${range.offset + range.length - 1}` } : undefined;
}

function withoutConditional(headers: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!headers) return undefined;
  const rest = Object.fromEntries(Object.entries(headers).filter(([name]) => !CONDITIONAL.includes(name.toLowerCase())));
  return Object.keys(rest).length > 0 ? rest : undefined;
}

// The app's headers and the engine's validators in one set; undefined when there are none, as before.
function merged(app: Record<string, string> | undefined, engine: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!app) return engine;
  if (!engine) return app;
  return { ...app, ...engine };
}

function corsErrorAnswer(origin: string): Error {
  const error = new Error(`${origin} answered without CORS headers, though its tiles carry them: an error answer this page may not read`);
  error.name = 'CorsErrorAnswer';
  return error;
}
