import type { Fetcher } from '../src/engine/ports.ts';
import { CorsProbe } from './cors-probe.ts';

const cors = new CorsProbe((url, signal) => fetch(url, { mode: 'no-cors', credentials: 'omit', cache: 'no-store', signal }), () => self.location.origin);

// The browser's fetch as the engine's Fetcher port. `cache: 'no-store'` because the engine owns caching:
// letting the HTTP cache answer too would hide the network from our statistics and double-store tiles.
// Cross-origin tile servers must expose ETag/Cache-Control/Retry-After (Access-Control-Expose-Headers).
// A failed cross-origin fetch is told apart from a network failure (CorsError) so the page can say why.
export const fetchAdapter: Fetcher = async (url, init) => {
  try {
    return await fetch(url, { signal: init.signal, headers: init.headers, mode: 'cors', credentials: 'omit', cache: 'no-store' });
  } catch (error) {
    if (!init.signal.aborted && (await cors.blocks(url, init.signal))) throw cors.error(url);
    throw error;
  }
};
