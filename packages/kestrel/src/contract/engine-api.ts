import type { SharingStats } from './engine-hub.ts';
// The one typed interface between the app (main thread) and the engine worker.
// Everything here crosses a thread boundary: plain data only (structured-cloneable).

export interface TileCoord {
  z: number;
  x: number;
  y: number;
}

// Why a request exists decides its scheduling class: visible beats prefetch beats background work.
export type RequestPurpose = 'visible' | 'prefetch' | 'revalidate' | 'offline-save';

export type ResourceKind = 'vector' | 'raster' | 'resource';

export interface TileRequest {
  // Unique per ask; `cancel(id)` refers to it.
  id: string;
  // The upstream URL (http/https), exactly as the style gave it, tokens included.
  url: string;
  kind: ResourceKind;
  // Source id from the style, part of the cache key.
  source?: string;
  // When known (parsed from the URL template), drives priority and the spatial index.
  coord?: TileCoord;
  purpose?: RequestPurpose;
  // What the app's own `transformRequest` added (an Authorization or API-key header): sent with the upstream
  // fetch, never part of a cache key, never stored, logged or exported.
  headers?: Record<string, string>;
  // The app's `credentials` for this request (cookies on a cross-origin tile host); without one the engine
  // sends none ('omit'), as tile hosts answer `Access-Control-Allow-Origin: *`, which forbids credentials.
  credentials?: RequestCredentials;
}

export type Tier = 'memory' | 'idb' | 'network';

export interface TileResponse {
  // 'no-tile': 204/404 — nothing to draw here, MapLibre handles that as an empty tile.
  status: 'ok' | 'no-tile';
  data: ArrayBuffer | null;
  tier: Tier;
  // True when served from cache past its freshness (offline, breaker open, or stale-while-revalidate).
  stale: boolean;
  cacheControl?: string;
  expires?: string;
  // served from a cache entry that prefetch wrote and no visible request had read yet
  prefetched?: boolean;
}

// Where a visible tile's answer came from, as the overlay's map layer colours it: a tier, or a cache entry that
// prefetch wrote before MapLibre asked (whichever tier held it).
export type TileSource = Tier | 'prefetched';

export type TileResult = { ok: true; response: TileResponse } | { ok: false; failure: EngineFailure };

export type FailureReason =
  | 'network'
  | 'timeout'
  | 'deadline'
  | 'http-4xx'
  | 'http-5xx'
  | 'http-429'
  | 'html-body'
  | 'json-body'
  | 'truncated'
  | 'oversized'
  | 'opaque'
  // a cross-origin server answered without Access-Control-Allow-Origin for this page: nothing can be read, not
  // retried, not held against the host's breaker
  | 'cors'
  // 200 with bytes that are not a tile of the requested kind (no image magic, not a plausible MVT)
  | 'garbage'
  // a host whose good answers carry CORS headers sent one without them: an error answer (a 429, 404 or 5xx page
  // that the host's CORS config does not cover), which the page may not read; retried like a transient failure
  | 'unreadable-error'
  | 'breaker-open'
  | 'retry-budget'
  // the device is offline (navigator.onLine false) and the one network attempt failed: not retried, not held
  // against the host's breaker
  | 'offline'
  // the asker cancelled (cancel(id) or its AbortSignal), or the scheduler dropped a stale prefetch
  | 'aborted'
  // PMTiles archives (src/engine/pmtiles/): the host answered a byte-range request with the whole file (200), so it
  // does not serve ranges; refused unread rather than downloading the archive
  | 'range-ignored'
  // the host refused the byte range (416): the archive is shorter than its own directories say
  | 'range-refused'
  // not a PMTiles v3 archive (wrong magic number or spec version), or its header or directories do not add up
  // (a truncated upload, a range past the end)
  | 'archive-invalid'
  // the archive changed (its ETag) again while a tile was being read from the version that replaced it
  | 'archive-replaced';

// The error a failed `request` rejects with, as plain data (comlink clones thrown Errors poorly).
export interface EngineFailure {
  reason: FailureReason;
  message: string;
  status?: number;
  attempts: number;
}

export type BreakerState = 'closed' | 'open' | 'half-open';

/** One tile host's circuit breaker, as `stats().breakers[host]` reports it. */
export interface BreakerSnapshot {
  state: BreakerState;
  /** failures since the host last answered (the breaker opens at its threshold) */
  consecutiveFailures: number;
  /** every attempt the host answered (any HTTP status that is not a 5xx), since the engine started */
  answered: number;
  /** every attempt that failed on the host's side (5xx, network error, timeout, cut body), since the engine started */
  failed: number;
  /** when the breaker last opened, on the engine's clock */
  openedAt?: number;
}

export interface LatencySummary {
  p50: number;
  p95: number;
  p99: number;
  count: number;
}

export interface EngineStats {
  // ms since the worker started (engine clock) when the snapshot was taken
  time: number;
  requests: {
    total: number;
    ok: number;
    noTile: number;
    failed: number;
    aborted: number;
    coalesced: number;
    retried: number;
  };
  latencyMs: {
    all: LatencySummary;
    network: LatencySummary;
    memory: LatencySummary;
    idb: LatencySummary;
    // the window the percentiles are computed over
    window: { maxSamples: number; maxAgeMs: number };
  };
  inFlight: { now: number; max: number; limit: number; configuredMax: number };
  queue: { now: number; max: number; byPurpose: Record<RequestPurpose, number> };
  // paced: asked again after a 429 that named no Retry-After (no budget spent; the host is paced instead)
  retries: { total: number; budgetExhausted: number; waitingNow: number; paced: number };
  // hosts being paced after 429s without Retry-After: the least ms between two request starts
  pacing?: Record<string, number>;
  // the HTTP version each tile host speaks, as the worker's Resource Timing reports it ('http/1.1', 'h2', 'h3');
  // an h2/h3 host is bounded by maxInFlight alone (no 6-connection cap to respect)
  hostProtocols?: Record<string, string>;
  failures: Partial<Record<FailureReason, number>>;
  breakers: Record<string, BreakerSnapshot>;
  bytes: { network: number };
  // Every request this engine put on the wire, counted as the host counts them (see NetworkStats). Absent from
  // engines built before it existed (a page talking to an older worker bundle).
  network?: NetworkStats;
  // every revalidation that reached the host (foreground and background): the host said not modified (a 304, or a
  // 200 carrying the same validator), or sent a changed tile
  revalidations: { notModified: number; changed: number };
  cache: CacheStats;
  prefetch: PrefetchStats;
  // Who shares this engine, and this tab's share of it (contract/engine-hub.ts): every other field is the engine's
  // as a whole. Absent from engines that predate sharing.
  sharing?: SharingStats;
  // The style, TileJSON, sprites and glyphs, counted apart: every figure above is about tiles. Absent from
  // engines that serve no resources.
  resources?: ResourceStats;
  // PMTiles archives read through the engine, by archive URL (credential-free). Absent when none was read.
  archives?: Record<string, ArchiveStats>;
}

/** An HTTP status class, or `none` for an attempt that got no status (network error, hang cut by a timeout, abort). */
export type StatusClass = '2xx' | '3xx' | '4xx' | '5xx' | 'none';

/**
 * The engine's requests as the host sees them, for checking against the server's own counts.
 *
 * `attempts` counts every request handed to the browser: first attempts, retries, attempts cut by a timeout,
 * attempts aborted because nobody wanted the tile any more, and the `no-cors` probe that tells a CORS refusal from
 * a network failure. The browser's HTTP cache never answers these (the fetcher asks for `no-store`/`no-cache`),
 * so each one reaches the host, except one aborted in the instant between being handed to the browser and being
 * written to the connection, which the host never sees.
 */
export interface NetworkStats {
  attempts: number;
  // attempts by the status they got; `none` covers those that got no status line
  byStatusClass: Record<StatusClass, number>;
  // response body bytes as they crossed the wire (Resource Timing's encodedBodySize: compressed when the response
  // was), by status class; only responses Resource Timing reported, which needs Timing-Allow-Origin cross-origin
  bytesByStatusClass: Record<StatusClass, number>;
  // attempts cut by the adaptive (tail) timeout rather than the fixed attemptTimeoutMs
  tailTimeouts: number;
  // Per request, the two halves of a network answer's latency: `queueMs` from the engine's ask to the first attempt
  // starting (waiting for a slot, a paused host, pacing), `wireMs` from the request leaving the browser to its last
  // byte arriving (Resource Timing: responseEnd − requestStart; the whole fetch duration where the host sends no
  // Timing-Allow-Origin). Wire time is what the server's own service time should match.
  queueMs: LatencySummary;
  wireMs: LatencySummary;
}

/** One PMTiles archive as the engine reads it. */
export interface ArchiveStats {
  // the version being served: the archive's ETag (or Last-Modified and size, when it sends no ETag)
  version: string;
  tileType: 'mvt' | 'png' | 'jpeg' | 'webp' | 'avif' | 'unknown';
  // byte-range requests that reached the host, by what they read: the header (with the root directory),
  // leaf directories and metadata, tiles
  rangeRequests: { header: number; directory: number; tile: number };
  // header and directory reads answered from the engine's tiers instead
  cachedReads: number;
  // times the archive was seen to change (a new ETag): the old version's directories and tiles were dropped
  replaced: number;
  // why the latest read of this archive failed, when it was the archive's or its host's fault (not a cancellation
  // or the network): a damaged file, a host that ignores Range…
  problem?: { reason: FailureReason; message: string };
}

export interface ResourceStats {
  requests: EngineStats['requests'];
  hits: CacheStats['hits'];
  failures: Partial<Record<FailureReason, number>>;
}

export interface CacheStats {
  hits: { memory: number; idb: number; network: number; revalidated304: number; staleServed: number };
  memory: { bytes: number; entries: number; budget: number; evictions: number };
  idb: {
    // opening: the first open has not settled yet; disabled: no persistent tier configured
    status: 'ok' | 'opening' | 'unavailable' | 'degraded' | 'reopening' | 'disabled';
    detail?: string;
    bytes: number;
    entries: number;
    budget: number;
    evictions: number;
    quotaErrors: number;
    corruptDropped: number;
    // the last LRU eviction: its transaction's duration and how many records it removed. `waitMs`: until the
    // transaction began (other transactions on the same stores go first); `walkMs`: the LRU walk; `commitMs`: the
    // deletes and the commit.
    lastEviction?: { ms: number; records: number; waitMs?: number; walkMs?: number; commitMs?: number };
    // the browser's answer to navigator.storage.persist() (false: the data may be evicted under pressure)
    persisted?: boolean;
    // reads: `transactions` carried `records` key reads (asks that arrive together share one); `absentSkipped`:
    // asks answered "not stored" without a read, the key having been found absent a moment before
    reads?: { transactions: number; records: number; absentSkipped: number };
    // the last open, in ms: `openMs` indexedDB.open until the connection, `quotaMs` navigator.storage.estimate(),
    // `totalsMs` reading the running totals (the store answers reads from then on; the quota is read beside them,
    // and `quotaMs` appears once it is known)
    opening?: { openMs: number; quotaMs?: number; totalsMs: number };
  };
  // the last warm start (EngineApi.warmStart): tiles read into memory ahead of their asks, and how long it took
  warmStart?: { tiles: number; ms: number };
}

export interface PrefetchStats {
  enabled: boolean;
  /**
   * Why `enabled` is false: the `prefetch.enabled` option, the link (`save-data`, `slow-connection`: 2g), or
   * `background`: no page the engine serves is in front. Absent while enabled, and from engines before 0.4.
   */
  disabledBy?: 'option' | 'save-data' | 'slow-connection' | 'background';
  issued: number;
  completed: number;
  used: number;
  wasted: number;
  bytes: number;
  hitRatio: number;
  // issued, then dropped before completing because the prediction changed (or the engine shut down)
  cancelled: number;
  // Where the prefetched network bytes (`bytes`) went: answered a visible request, evicted or expired unused,
  // or completed and still waiting to be asked for. wastedBytes / bytes is the wasted share.
  usedBytes: number;
  wastedBytes: number;
  unusedBytes: number;
  // The same books by why each tile was guessed, to tell which guesses pay (absent from engines before 0.4).
  byReason?: Partial<Record<PrefetchReason, PrefetchReasonStats>>;
  // guesses held back because the waste budget (`prefetch.maxWasteShare`) was spent; absent before 0.4
  heldByWasteBudget?: number;
}

/**
 * Why a tile was prefetched: the known end of a flyTo/easeTo (`destination`), the extrapolated path of a moving
 * camera (`path`), the next level's children or the parents during a zoom (`zoom-in`, `zoom-out`), or the ring of
 * neighbours around a view at rest (`ring`).
 */
export type PrefetchReason = 'destination' | 'path' | 'zoom-in' | 'zoom-out' | 'ring';

/** One reason's share of {@link PrefetchStats}: tiles issued, and where their network bytes went. */
export interface PrefetchReasonStats {
  issued: number;
  usedBytes: number;
  wastedBytes: number;
  unusedBytes: number;
}

export interface EngineOptions {
  maxInFlight: number;
  maxInFlightPerHost: number;
  retry: {
    baseMs: number;
    capMs: number;
    maxAttempts: number;
    attemptTimeoutMs: number;
    deadlineMs: number;
    // retries may be at most this share of requests over the window, plus `budgetFloor`
    budgetRatio: number;
    budgetFloor: number;
    budgetWindowMs: number;
    // Adaptive attempt timeouts (engine/tail-timeout.ts): once a host has answered `tailMinSamples` times, an
    // attempt to it is cut at `tailFactor` × its recent p95 attempt time (at least `tailFloorMs`, at most
    // `attemptTimeoutMs`) and retried, so a hung request costs the host's normal tail. `tailFactor` 0 turns it off.
    tailFactor: number;
    tailFloorMs: number;
    tailMinSamples: number;
  };
  breaker: { failureThreshold: number; coolDownMs: number };
  aimd: { decreaseFactor: number; increaseStep: number; latencyTargetMs: number };
  maxTileBytes: number;
  memoryCacheBytes: number;
  idbCacheBytes: number;
  // read the first view's stored tiles into memory while the style loads (EngineApi.warmStart)
  warmStart: boolean;
  // query parameter names whose value is only a credential: removed from URLs before they become persistent cache
  // keys (a rotated token still hits), and from stored resource bodies
  credentialParams: string[];
  // query parameter names that may be a credential or may select content (`key`, `token`): never persisted in
  // clear (cache keys keep a digest, so two values never share a cached body), and kept out of stored bodies
  secretParams: string[];
  // maxWasteShare: guesses (every reason but a known destination) start only while the prefetched bytes of the last
  // minute that went unused, or sit unused, stay under this share of what was prefetched (prefetch-ledger.ts); 1 is
  // no limit
  prefetch: { enabled: boolean; maxShare: number; bytesPerMinute: number; horizonMs: number; maxWasteShare: number };
  // record the SHA-256 of every tile handed to MapLibre (`audit()`); for chaos suites, off by default
  audit?: boolean;
}

// What the engine handed to MapLibre, per tile address, while `audit` was on (see src/engine/delivery-audit.ts).
export interface DeliveryAuditReport {
  enabled: boolean;
  // "host/z/x/y" → the distinct SHA-256 hashes of the bodies handed out (one, unless something went wrong), how
  // many bodies and how many "no tile" answers
  tiles: Record<string, { sha256: string[]; ok: number; noTile: number }>;
  delivered: number;
  noTile: number;
  byTier: Record<Tier, number>;
  // addresses forgotten past the audit's capacity
  dropped: number;
  hashFailures: number;
}

// What the main thread tells the worker about the camera (throttled from MapLibre's `move`).
export interface CameraSnapshot {
  center: [number, number];
  zoom: number;
  bearing: number;
  pitch: number;
  width: number;
  height: number;
  // [west, south, east, north] of the visible area
  bounds: [number, number, number, number];
  time: number;
  // the known destination of a flyTo/easeTo in progress
  destination?: CameraDestination;
}

// Where a flyTo/easeTo ends and when. `fly`: a flyTo's start and curve, so the engine can follow its zoom-out arc
// (the in-between views are at far lower zooms than either end on a long flight).
export interface CameraDestination {
  center: [number, number];
  zoom: number;
  durationMs: number;
  fly?: { from: [number, number]; fromZoom: number; curve: number };
}

// A tiled source of the current style, as MapLibre resolved it (TileJSON already read), so the engine can build
// the URLs of tiles MapLibre has not asked for yet (prefetch). URLs are filled exactly as MapLibre fills them.
export interface SourceDescriptor {
  id: string;
  kind: 'vector' | 'raster';
  // URL templates with {z}/{x}/{y} (MapLibre picks tiles[(x + y) % length])
  tiles: string[];
  minzoom: number;
  maxzoom: number;
  tileSize: number;
  // 'tms' flips y in the URL
  scheme?: 'xyz' | 'tms';
}

// [west, south, east, north] in degrees; west > east crosses the antimeridian.
export type AreaBBox = [number, number, number, number];

// What saving an area would take, computed before anything is downloaded.
export interface AreaPlan {
  tiles: number;
  // payload bytes, from the mean size of cached tiles per zoom where known, else a per-zoom default
  estimatedBytes: number;
  areaKm2: number;
  // tile zooms across the style's sources (a 256-px source is one level deeper than the map zoom)
  zooms: { z: number; tiles: number; estimatedBytes: number }[];
  // why this area cannot be saved, in words for the user; absent when it can
  refused?: string;
}

export interface SaveAreaRequest {
  name: string;
  bbox: AreaBBox;
  // map zooms, whole levels
  minZoom: number;
  maxZoom: number;
}

export type AreaStatus = 'queued' | 'downloading' | 'paused' | 'done' | 'failed';

export interface SavedArea {
  id: string;
  name: string;
  bbox: AreaBBox;
  minZoom: number;
  maxZoom: number;
  status: AreaStatus;
  done: number;
  failed: number;
  total: number;
  // payload bytes saved so far
  bytes: number;
  estimatedBytes: number;
  // wall-clock epoch ms
  created: number;
  // the last failure, or why a queued area waits
  detail?: string;
}

export interface StorageReport {
  indexedDb: 'ok' | 'unavailable';
  detail?: string;
  persisted?: boolean;
}

/** What a new engine worker needs before anything else (`EngineApi.init`). */
export interface WorkerConfig {
  // the IndexedDB database that holds this engine's cache and saved areas
  dbName: string;
  // the BroadcastChannel MapLibre's workers reach this engine on (tile-channel.ts, `pageTileChannel`)
  tileChannel: string;
}

export interface EngineApi {
  // Called once, first, on every new worker (the host replays the rest after it).
  init(config: WorkerConfig): Promise<void>;
  configure(options: DeepPartial<EngineOptions>): Promise<void>;
  // Never rejects for a tile that failed: failures come back as data, because comlink
  // clones a thrown Error down to name/message and the reason would be lost.
  request(req: TileRequest): Promise<TileResult>;
  cancel(id: string): void;
  setCamera(camera: CameraSnapshot): void;
  // Whether the caller's page is in front (document.visibilityState). With no page in front the engine plans no
  // prefetch and drops what it had queued; a hub serving several tabs also ranks a hidden tab's asks lower.
  setVisibility(visible: boolean): void;
  // Warm start: the map's first camera, sent as soon as a map is attached (before its style loads). The engine
  // reads the stored tiles of that view into memory, so the first asks are answered from memory. Resolves with
  // how many tiles memory gained.
  warmStart(camera: CameraSnapshot): Promise<number>;
  // the style's tiled sources; sent after the style loads and whenever its sources change
  setSources(sources: SourceDescriptor[]): void;
  stats(): Promise<EngineStats>;
  resetStats(): Promise<void>;
  // what only the main thread can learn about storage: whether IndexedDB opens at all here (private mode,
  // blocked by policy) and the answer to navigator.storage.persist(), which does not exist in workers
  setStorage(storage: StorageReport): void;
  // empties both cache tiers
  clearCache(): Promise<void>;
  // drops a region [west, south, east, north] from both tiers; resolves with the number of tiles dropped
  invalidate(bbox: [number, number, number, number], zoom?: { minZoom?: number; maxZoom?: number }): Promise<number>;
  // the cached tiles ("z/x/y") inside bbox at a zoom
  coverage(bbox: [number, number, number, number], zoom: number): Promise<string[]>;
  // where the latest visible answer for each tile ("z/x/y") came from; addresses never answered are left out.
  // Pulled by the overlay's map layer for the tiles on screen, so no per-tile message reaches the main thread.
  tileSources(tiles: string[]): Promise<Record<string, TileSource>>;
  // Offline areas. Saved tiles are downloaded as 'offline-save' work (bulk, below visible and prefetch), kept out
  // of the persistent tier's LRU eviction while their area exists, and resumed after a reload.
  planArea(bbox: AreaBBox, minZoom: number, maxZoom: number): Promise<AreaPlan>;
  // rejects with the plan's `refused` message when the area cannot be saved
  saveArea(request: SaveAreaRequest): Promise<string>;
  pauseArea(id: string): Promise<void>;
  // also retries the failed tiles of a finished area
  resumeArea(id: string): Promise<void>;
  // stops the download and forgets the area; tiles saved so far stay as ordinary (evictable) cache entries
  cancelArea(id: string): Promise<void>;
  // forgets the area and drops its tiles from both tiers (tiles another saved area also covers stay)
  deleteArea(id: string): Promise<void>;
  // poll for progress (the panel asks at most twice a second); no per-tile messages cross the thread boundary
  listAreas(): Promise<SavedArea[]>;
  // what was handed to MapLibre since the worker started (empty unless the `audit` option is on); waits for the
  // hashes still being computed
  audit(): Promise<DeliveryAuditReport>;
}

export type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? (T[K] extends unknown[] ? T[K] : DeepPartial<T[K]>) : T[K] };
