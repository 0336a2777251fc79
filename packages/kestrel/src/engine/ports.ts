import type { CacheStats } from '../contract/engine-api.ts';

// The engine reaches the world only through these ports, so Node tests can drive every race deterministically.

/**
 * What the app's own request carried (its MapLibre `transformRequest`: an Authorization or API-key header,
 * cookies on a cross-origin tile host), for the upstream fetch only. Never part of a cache key, never stored,
 * counted, logged or exported: the engine passes it from the request to the Fetcher and nowhere else.
 */
export interface AppRequestInit {
  // sent as given, same-origin or not (unlike the engine's conditional headers)
  appHeaders?: Record<string, string>;
  // absent: the fetcher's own default (the browser adapter's is 'omit')
  credentials?: RequestCredentials;
}

/** What the engine hands the Fetcher with each URL. */
export interface FetcherInit extends AppRequestInit {
  signal: AbortSignal;
  // The engine's own validators for a revalidation (If-None-Match / If-Modified-Since), kept apart from the app's
  // headers because a fetcher may have to drop them (cross-origin they would cost a preflight).
  conditionalHeaders?: Record<string, string>;
  // The last answer for this URL had a bad body; bypass any HTTP cache between us and the server, so a stored bad
  // copy cannot be served again (the browser adapter uses `cache: 'reload'`).
  fresh?: boolean;
  // A byte range of the resource (a PMTiles archive): sent as `Range: bytes=offset-(offset+length-1)`, a
  // CORS-safelisted header, so cross-origin it costs no preflight.
  range?: ByteRange;
  // Called when the fetcher sends a request of its own for this one (the browser adapter's `no-cors` probe after a
  // failed cross-origin fetch): it reaches the host too, and the engine counts every request the host sees.
  onProbe?: () => void;
}

/** `length` bytes from `offset`. */
export interface ByteRange {
  offset: number;
  length: number;
}

// A subset of WHATWG fetch. The worker passes `fetch`; tests pass test/controllable-fetcher.
// Implementations must reject with an AbortError when `init.signal` aborts, and may reject with an error named
// 'CorsError' when a cross-origin server answered but does not let this page read the answer.
export type Fetcher = (url: string, init: FetcherInit) => Promise<Response>;

export interface Clock {
  // Monotonic ms: timeouts, latency, windows.
  now(): number;
  // Epoch ms, only to read HTTP dates (Retry-After) when the response has no Date header; absent → now().
  wallTime?(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

// Uniform in [0, 1).
export type Random = () => number;

export const systemClock: Clock = {
  now: () => performance.now(),
  wallTime: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

// The cache tiers as the request pipeline sees them (memory LRU in front of a persistent store).
// Implemented by src/engine/tile-cache.ts; the pipeline only talks to this interface.
export interface CachedTile {
  // null: the server said "no tile here" (204/404) and that answer is cached too
  bytes: Uint8Array | null;
  tier: 'memory' | 'idb';
  // fresh: serve; stale: serve, revalidate in the background; revalidate: ask the network first (no-cache)
  freshness: 'fresh' | 'stale' | 'revalidate';
  // conditional request headers (If-None-Match / If-Modified-Since) for a revalidation
  revalidationHeaders: Record<string, string>;
  cacheControl?: string;
  expires?: string;
  // set when this entry was written by prefetch and not yet read by a visible request
  prefetched?: boolean;
  // the stored answer's ETag: a PMTiles tile is only served while it names the archive version being read
  validator?: string;
}

export interface NetworkAnswer {
  url: string;
  status: number;
  headers: Record<string, string>;
  bytes: Uint8Array | null;
  purpose?: string;
}

// Why the pipeline reads the cache. Only a visible read (the default) uses up a prefetched entry's
// `prefetched` flag; prefetch, revalidate and offline-save reads leave it for the visible one.
export interface CacheUse {
  purpose?: string;
  // the asking URL: a stored resource kept without its token is completed with the one this URL carries
  url?: string;
}

export interface TileCache {
  // Normalised key: source + z/x/y + URL with credentials stripped.
  keyFor(req: { url: string; source?: string; coord?: { z: number; x: number; y: number } }): string;
  get(key: string, use?: CacheUse): Promise<CachedTile | undefined>;
  // Off the critical path: returns at once; the durable write is batched.
  put(key: string, answer: NetworkAnswer): void;
  // A 304 refreshed the entry's freshness without new bytes.
  refreshed(key: string, headers: Record<string, string>): void;
  // A corrupt or unusable entry: drop from every tier.
  drop(key: string): void;
  // Optional so fakes stay small; the engine reports zeros when absent. Drops the engine itself requests
  // through drop() are counted by the engine (idb.corruptDropped), so count only corruption found inside the cache.
  stats?(): CachePortStats;
  // The prefetcher's view (optional so fakes stay small; without it nothing is prefetched): whether the memory
  // tier holds the key, without touching recency, and a listener for keys the memory tier's LRU pushed out.
  inMemory?(key: string): boolean;
  onEvict?(listener: (key: string) => void): void;
}

export interface CachePortStats {
  memory: CacheStats['memory'];
  idb: CacheStats['idb'];
}
