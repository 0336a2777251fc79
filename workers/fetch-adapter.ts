import type { Fetcher } from '../src/engine/ports.ts';
import { CorsProbe } from './cors-probe.ts';

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
 * the HTTP cache answer too would hide the network from our statistics and double-store tiles. A failed
 * cross-origin fetch is told apart from a network failure (CorsError) so the page can say why.
 *
 * Two behaviours of real hosts are absorbed here, where the browser's CORS rules live:
 * - A host that does not answer preflights (nginx's static handler says 405 to OPTIONS) can never be asked a
 *   conditional question cross-origin. When a conditional fetch fails and the same URL then loads as a plain GET,
 *   the host is remembered as refusing preflights, and its revalidations go as plain GETs from then on: a full
 *   body instead of a 304, but the tile is refreshed (the engine still sees "unchanged" when the validator matches).
 * - A host that sends Access-Control-Allow-Origin on its 200s but not on its errors (a location's `add_header`
 *   without `always`): a CORS refusal from an origin that has answered this page with CORS before is an error
 *   answer we may not read (CorsErrorAnswer), transient like a 429 or 5xx, not a misconfigured host.
 */
export function createFetchAdapter(deps: FetchAdapterDeps): Fetcher {
  const probe = deps.probe ?? new CorsProbe((url, signal) => deps.fetch(url, { mode: 'no-cors', credentials: 'omit', cache: 'no-store', signal }), deps.origin);
  const refusesPreflight = new Set<string>();
  const answeredWithCors = new Set<string>();
  const get = (url: string, signal: AbortSignal, headers?: Record<string, string>) =>
    deps.fetch(url, { signal, headers, mode: 'cors', credentials: 'omit', cache: 'no-store' });

  return async (url, init) => {
    const origin = originOf(url);
    const crossOrigin = origin !== undefined && origin !== deps.origin();
    const conditional = init.headers !== undefined && Object.keys(init.headers).some((h) => CONDITIONAL.includes(h.toLowerCase()));
    const headers = crossOrigin && conditional && refusesPreflight.has(origin) ? withoutConditional(init.headers!) : init.headers;
    try {
      const response = await get(url, init.signal, headers);
      if (crossOrigin) answeredWithCors.add(origin);
      return response;
    } catch (error) {
      if (init.signal.aborted) throw error;
      if (crossOrigin && conditional && headers === init.headers) {
        // Was it the preflight? The same request without the conditional headers needs none.
        try {
          const plain = await get(url, init.signal, withoutConditional(init.headers!));
          refusesPreflight.add(origin);
          answeredWithCors.add(origin);
          return plain;
        } catch {
          if (init.signal.aborted) throw error;
        }
      }
      if (crossOrigin && (await probe.blocks(url, init.signal))) {
        if (answeredWithCors.has(origin)) throw corsErrorAnswer(origin);
        throw probe.error(url);
      }
      throw error;
    }
  };
}

/** The adapter the engine worker uses: the worker's own fetch and origin. */
export const fetchAdapter: Fetcher = createFetchAdapter({ fetch: (url, init) => fetch(url, init), origin: () => self.location.origin });

function withoutConditional(headers: Record<string, string>): Record<string, string> | undefined {
  const rest = Object.fromEntries(Object.entries(headers).filter(([name]) => !CONDITIONAL.includes(name.toLowerCase())));
  return Object.keys(rest).length > 0 ? rest : undefined;
}

function corsErrorAnswer(origin: string): Error {
  const error = new Error(`${origin} answered without CORS headers, though its tiles carry them: an error answer this page may not read`);
  error.name = 'CorsErrorAnswer';
  return error;
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}
