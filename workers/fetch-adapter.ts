import type { Fetcher } from '../src/engine/ports.ts';

// The browser's fetch as the engine's Fetcher port. `cache: 'no-store'` because the engine owns caching:
// letting the HTTP cache answer too would hide the network from our statistics and double-store tiles.
// Cross-origin tile servers must expose ETag/Cache-Control/Retry-After (Access-Control-Expose-Headers).
export const fetchAdapter: Fetcher = (url, init) =>
  fetch(url, { signal: init.signal, headers: init.headers, mode: 'cors', credentials: 'omit', cache: 'no-store' });
