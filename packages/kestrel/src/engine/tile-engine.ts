import type {
  CameraSnapshot,
  DeepPartial,
  DeliveryAuditReport,
  EngineOptions,
  EngineStats,
  SourceDescriptor,
  TileRequest,
  TileResponse,
  TileSource,
} from '../contract/engine-api.ts';
import { HostPacer } from './host-pacer.ts';
import { abortable } from './abortable.ts';
import { AppRequestMemory, appRequestOf } from './app-request-memory.ts';
import { CircuitBreaker } from './circuit-breaker.ts';
import { ConcurrencyController } from './concurrency-controller.ts';
import { EngineError, isAborted, Superseded, toEngineFailure } from './engine-error.ts';
import { DeferredRevalidations } from './deferred-revalidations.ts';
import { CacheKey } from './cache-key.ts';
import { DeliveryAudit, type Digest } from './delivery-audit.ts';
import { defaultEngineOptions, resolveEngineOptions } from './engine-options.ts';
import { EngineStatsRecorder } from './engine-stats.ts';
import { type NetworkResult, type NetworkTaskContext, networkTask } from './network-task.ts';
import { TailTimeouts } from './tail-timeout.ts';
import type { WireTiming } from './engine-stats.ts';
import type { AppRequestInit, CachedTile, Clock, Fetcher, Random, TileCache } from './ports.ts';
import type { ConnectionHint } from './prefetch-ledger.ts';
import { Prefetcher } from './prefetcher.ts';
import { RetryBudget } from './retry-budget.ts';
import { RetryPolicy } from './retry-policy.ts';
import { Scheduler, type SchedulerLimits } from './scheduler.ts';
import { checkTileBytes } from './tile-bytes-check.ts';
import { type AskOrigin, tilePriority } from './tile-priority.ts';
import { TileSourceLog } from './tile-source-log.ts';
import { withTileAddress } from './tile-url.ts';
import type { RangeAsk, RangeRead } from './pmtiles/archive-source.ts';
import { ArchiveTiles } from './pmtiles/archive-tiles.ts';
import { isArchiveUrl } from './pmtiles/archive-url.ts';
import type { ByteRange } from './ports.ts';

// Re-exported so the worker composes the engine from one module.
export { defaultEngineOptions } from './engine-options.ts';
export { EngineError, toEngineFailure } from './engine-error.ts';

export interface EnginePorts {
  fetcher: Fetcher;
  clock: Clock;
  random: Random;
  cache?: TileCache;
  // false when the device knows it has no network (navigator.onLine): cached copies are served at once instead
  // of after every retry has failed
  isOnline?: () => boolean;
  // SHA-256 for the delivery audit (`audit` option); without it the audit stays empty
  digest?: Digest;
}

// Suffix for the coalescing key of conditional requests: a 304 only helps askers holding the cached copy, so
// they must not share a task with askers that have nothing cached.
const CONDITIONAL = '\u0000conditional';

// The engine core: cache lookup → scheduler (priority, bounds, coalescing) → fetch with timeouts, retries,
// breaker and budget → validation → cache write. Answers with stale cached bytes whenever the network cannot.
export class TileEngine {
  private options: EngineOptions;
  private camera: CameraSnapshot | undefined;
  private disposed = false;
  private readonly scheduler: Scheduler<NetworkResult>;
  private readonly aimd: ConcurrencyController;
  private readonly pacer = new HostPacer();
  // the HTTP version each host was seen to speak (Resource Timing's nextHopProtocol, from the worker)
  private readonly protocols = new Map<string, string>();
  private readonly budget: RetryBudget;
  private readonly policy: RetryPolicy;
  private readonly breakers = new Map<string, CircuitBreaker>();
  private readonly recorder = new EngineStatsRecorder();
  // cancel(id) aborts these; one id may be asked more than once
  private readonly askers = new Map<string, Set<AbortController>>();
  private readonly taskContext: NetworkTaskContext;
  private readonly prefetcher: Prefetcher;
  private readonly deferred: DeferredRevalidations;
  private readonly sources = new TileSourceLog();
  private readonly delivered?: DeliveryAudit;
  private readonly auditKeys = new CacheKey();
  // the app's headers per origin, for requests the engine makes by itself (prefetch, offline saves, revalidations)
  private readonly appRequests = new AppRequestMemory();
  // pmtiles:// sources: archives read by byte ranges through the same scheduler
  private readonly archives: ArchiveTiles;

  constructor(
    private readonly ports: EnginePorts,
    options: DeepPartial<EngineOptions> = {},
  ) {
    this.options = resolveEngineOptions(defaultEngineOptions, options);
    if (ports.digest) this.delivered = new DeliveryAudit(ports.digest);
    const o = this.options;
    this.aimd = new ConcurrencyController({ max: o.maxInFlight, ...o.aimd });
    this.budget = new RetryBudget(o.retry);
    this.policy = new RetryPolicy(o.retry, ports.random);
    this.scheduler = new Scheduler<NetworkResult>(
      {
        clock: ports.clock,
        priority: (task, now) => {
          const origin = task.origin;
          const input = { purpose: task.purpose, coord: task.coord, enqueuedAt: task.enqueuedAt, background: origin?.background };
          return tilePriority(input, origin?.camera ?? this.camera, now, { prefetchExpiryMs: this.options.prefetch.horizonMs });
        },
        adaptiveLimit: () => this.aimd.limit,
        spacingMs: (host) => this.pacer.intervalMs(host),
        hostLimit: (host) => this.hostLimit(host),
      },
      this.limits(),
    );
    this.taskContext = {
      fetcher: ports.fetcher,
      clock: ports.clock,
      cache: ports.cache,
      options: () => this.options,
      breaker: (host) => this.breaker(host),
      aimd: this.aimd,
      budget: this.budget,
      policy: this.policy,
      recorder: this.recorder,
      pauseHost: (host, until) => this.scheduler.pauseHost(host, until),
      pacer: this.pacer,
      refusedBodies: new Set(),
      isOnline: ports.isOnline,
      tail: new TailTimeouts(),
    };
    this.archives = new ArchiveTiles({
      readRange: (archive, range, ask, signal) => this.readRange(archive, range, ask, signal),
      cache: ports.cache,
      isOnline: ports.isOnline,
      now: () => ports.clock.now(),
      maxTileBytes: () => this.options.maxTileBytes,
    });
    this.deferred = new DeferredRevalidations({ clock: ports.clock, isOnline: () => ports.isOnline?.() !== false });
    this.prefetcher = new Prefetcher(
      {
        clock: ports.clock,
        request: (req) => this.request(req),
        cancel: (id, superseded) => this.cancel(id, { superseded }),
        cache: ports.cache,
        latencyMs: () => this.recorder.networkLatencyMs(ports.clock.now()),
      },
      this.options.prefetch,
    );
  }

  /**
   * Answers one ask from the cache tiers or the network. `origin` is the tab that asked when this engine serves
   * several (src/worker/engine-hub.ts): its camera and whether it is in the background rank the ask.
   */
  request(asked: TileRequest, signal?: AbortSignal, origin?: AskOrigin): Promise<TileResponse> {
    // The app's headers and credentials leave the request here and travel apart from it, straight to the fetcher:
    // everything below that sees the request (cache keys, the source log, the audit, the prefetch ledger) cannot
    // keep or show them.
    const { headers, credentials, ...address } = asked;
    const req = withTileAddress(address);
    const app = this.appRequestFor(req, appRequestOf(headers, credentials));
    const started = this.ports.clock.now();
    this.recorder.c.requests.total++;
    const controller = new AbortController();
    const cancel = () => controller.abort(EngineError.aborted());
    if (this.disposed || signal?.aborted) cancel();
    signal?.addEventListener('abort', cancel, { once: true });
    const mine = this.askers.get(req.id) ?? new Set();
    mine.add(controller);
    this.askers.set(req.id, mine);
    const cleanup = () => {
      signal?.removeEventListener('abort', cancel);
      mine.delete(controller);
      if (mine.size === 0 && this.askers.get(req.id) === mine) this.askers.delete(req.id);
    };
    return abortable(this.pipeline(req, app, controller.signal, origin), controller.signal).then(
      (response) => {
        cleanup();
        const counts = this.recorder.c.requests;
        if (response.status === 'ok') counts.ok++;
        else counts.noTile++;
        this.recorder.latencySample(response.tier, this.ports.clock.now() - started, this.ports.clock.now());
        if ((req.purpose ?? 'visible') === 'visible') this.sources.record(req, response);
        if ((req.purpose ?? 'visible') === 'visible' && this.options.audit && req.coord) this.delivered?.record(this.auditKey(req), response);
        return response;
      },
      (error: unknown) => {
        cleanup();
        const failure = error instanceof EngineError ? error : new EngineError(toEngineFailure(error));
        if (failure.reason === 'aborted') this.recorder.c.requests.aborted++;
        else this.recorder.c.requests.failed++;
        throw failure;
      },
    );
  }

  // Where the latest visible answer for each "z/x/y" came from (the overlay's map layer).
  tileSources(keys: readonly string[]): Record<string, TileSource> {
    return this.sources.lookup(keys);
  }

  /** True while the `audit` option is on: the MapLibre-worker bridge then audits what it hands MapLibre too. */
  get auditing(): boolean {
    return this.options.audit === true;
  }

  // The upstream resource an answer was for, credential-free: the cache key (or, without a cache, the default one).
  private auditKey(req: TileRequest): string {
    return (this.ports.cache ?? this.auditKeys).keyFor(req);
  }

  // What was handed out for each tile address while the `audit` option was on.
  async audit(): Promise<DeliveryAuditReport> {
    const enabled = this.options.audit === true && this.delivered !== undefined;
    const report = this.delivered ? await this.delivered.report() : undefined;
    return { enabled, ...(report ?? { tiles: {}, delivered: 0, noTile: 0, byTier: { memory: 0, idb: 0, network: 0 }, dropped: 0, hashFailures: 0 }) };
  }

  // Cancels every pending ask with this id: each rejects with 'aborted'; a shared fetch stops when no asker is left.
  // `superseded`: the ask is no longer wanted, so bulk work already on the wire may finish into the cache.
  cancel(id: string, options: { superseded?: boolean } = {}): void {
    const reason = options.superseded ? new Superseded() : EngineError.aborted();
    for (const controller of this.askers.get(id) ?? []) controller.abort(reason);
  }

  /**
   * The HTTP version `host` speaks ('http/1.1', 'h2', 'h3'). The per-host bound (maxInFlightPerHost, 6 by default)
   * exists because a browser opens at most 6 HTTP/1.1 connections per host, shared by every tab: more in flight
   * would only queue inside the browser, out of our priorities' reach. HTTP/2 and HTTP/3 multiplex one connection
   * without that cap, so such a host is bounded by the global maxInFlight alone.
   */
  setHostProtocol(host: string, protocol: string): void {
    this.protocols.set(host, protocol);
    this.scheduler.configure(this.limits()); // re-pumps: a host that just got a larger bound may start more now
  }

  private hostLimit(host: string): number | undefined {
    const protocol = this.protocols.get(host);
    if (protocol === 'h2' || protocol === 'h3') return Math.max(this.options.maxInFlight, this.options.maxInFlightPerHost);
    return undefined;
  }

  setCamera(camera: CameraSnapshot): void {
    this.camera = camera;
    this.scheduler.reprioritize();
    this.prefetcher.onCamera(camera);
  }

  /** Whether any page this engine serves is in front; with none, no prefetch (what is queued is dropped). */
  setInFront(inFront: boolean): void {
    this.prefetcher.setInFront(inFront);
  }

  /** Re-ranks the queue after an {@link AskOrigin} changed in place (a tab moved, or went to the background). */
  reprioritize(): void {
    this.scheduler.reprioritize();
  }

  // The style's tiled sources: what the prefetcher may build URLs for.
  setSources(sources: SourceDescriptor[]): void {
    this.prefetcher.setSources(sources);
  }

  // navigator.connection as the worker sees it: save-data and 2g links get no prefetch.
  setConnection(hint: ConnectionHint | undefined): void {
    this.prefetcher.setConnection(hint);
  }

  configure(patch: DeepPartial<EngineOptions>): void {
    this.options = resolveEngineOptions(this.options, patch);
    const o = this.options;
    this.aimd.configure({ max: o.maxInFlight, ...o.aimd });
    this.budget.configure(o.retry);
    this.policy.configure(o.retry);
    for (const breaker of this.breakers.values()) breaker.configure(o.breaker);
    this.scheduler.configure(this.limits());
    this.prefetcher.configure(o.prefetch);
  }

  /**
   * A Resource Timing entry seen on the engine's thread (the worker observes them): if it is one of this engine's
   * requests, its wire time and body bytes go into `stats().network`. Returns whether it was.
   */
  wireTiming(timing: WireTiming): boolean {
    return this.recorder.wireTiming(timing, this.ports.clock.now());
  }

  stats(): EngineStats {
    const now = this.ports.clock.now();
    const breakers: EngineStats['breakers'] = {};
    for (const [host, breaker] of this.breakers) breakers[host] = breaker.snapshot(now);
    const snapshot = this.recorder.snapshot({
      now,
      scheduler: this.scheduler.snapshot(),
      configuredMax: this.options.maxInFlight,
      breakers,
      cache: this.ports.cache?.stats?.(),
      hasCache: this.ports.cache !== undefined,
      memoryBudget: this.options.memoryCacheBytes,
      idbBudget: this.options.idbCacheBytes,
      prefetch: this.prefetcher.stats(),
    });
    snapshot.pacing = this.pacer.snapshot();
    snapshot.hostProtocols = Object.fromEntries(this.protocols);
    const archives = this.archives.stats();
    if (Object.keys(archives).length > 0) snapshot.archives = archives;
    return snapshot;
  }

  resetStats(): void {
    this.recorder.reset();
    this.scheduler.resetPeaks();
    this.prefetcher.resetStats();
  }

  // Rejects everything pending with 'aborted', clears every timer; later requests reject at once.
  dispose(): void {
    this.disposed = true;
    this.prefetcher.dispose();
    this.deferred.dispose();
    this.appRequests.clear();
    for (const set of this.askers.values()) for (const controller of set) controller.abort(EngineError.aborted('engine disposed'));
    this.scheduler.dispose();
  }

  private limits(): SchedulerLimits {
    const o = this.options;
    return { maxInFlight: o.maxInFlight, maxInFlightPerHost: o.maxInFlightPerHost, bulkShare: o.prefetch.maxShare };
  }

  private breaker(host: string): CircuitBreaker {
    let breaker = this.breakers.get(host);
    if (!breaker) {
      breaker = new CircuitBreaker(this.options.breaker);
      this.breakers.set(host, breaker);
    }
    return breaker;
  }

  // A visible request is sent as the app gave it, and teaches the engine what its origin wants; a request the
  // engine makes by itself (prefetch, offline save) has nothing of its own and borrows that.
  private appRequestFor(req: TileRequest, own: AppRequestInit | undefined): AppRequestInit | undefined {
    if ((req.purpose ?? 'visible') === 'visible') {
      this.appRequests.remember(req.url, own);
      return own;
    }
    return own ?? this.appRequests.recall(req.url);
  }

  private async pipeline(req: TileRequest, app: AppRequestInit | undefined, signal: AbortSignal, origin?: AskOrigin): Promise<TileResponse> {
    if (isArchiveUrl(req.url)) return this.archivePipeline(req, app, signal);
    const purpose = req.purpose ?? 'visible';
    const host = hostOf(req.url);
    const { cache } = this.ports;
    let key = req.url;
    let cached: CachedTile | undefined;
    if (cache) {
      key = cache.keyFor(req);
      cached = await cache.get(key, { purpose, url: req.url }).catch(() => undefined);
      if (signal.aborted) throw signal.reason;
      if (cached && checkTileBytes(cached.bytes ?? new Uint8Array(0), req.kind)) {
        cache.drop(key);
        this.recorder.c.corruptDropped++;
        cached = undefined;
      }
      // The prefetch ledger learns which of MapLibre's asks a prefetch answered (used, hit ratio).
      if (purpose === 'visible' && req.kind !== 'resource') this.prefetcher.visibleRequest(key, cached?.tier ?? 'network', cached?.prefetched === true);
    }
    if (cached?.freshness === 'fresh') return this.fromCache(cached, req, false);
    if (cached?.freshness === 'stale') {
      this.revalidateInBackground(req, app, key, cached, host);
      return this.fromCache(cached, req, true);
    }
    if (cached && this.ports.isOnline?.() === false) {
      this.revalidateInBackground(req, app, key, cached, host);
      return this.fromCache(cached, req, true);
    }
    const conditional = cached?.freshness === 'revalidate' ? cached.revalidationHeaders : undefined;
    try {
      if (this.breaker(host).rejects(this.ports.clock.now())) {
        this.recorder.fail('breaker-open');
        throw EngineError.of('breaker-open', `circuit breaker for ${host} is open`);
      }
      const ticket = this.scheduler.schedule(
        { key: conditional ? key + CONDITIONAL : key, host, purpose, coord: req.coord, origin },
        networkTask(this.taskContext, { url: req.url, kind: req.kind, host, cacheKey: cache ? key : undefined, conditional, app }),
        signal,
      );
      if (ticket.coalesced) this.recorder.c.requests.coalesced++;
      const result = await ticket.promise;
      if (result.outcome === 'not-modified' && cached) {
        this.recorder.c.hits.revalidated304++;
        return this.fromCache(cached, req, false, false);
      }
      return this.fromNetwork(result, req);
    } catch (error) {
      if (cached && !isAborted(error)) return this.fromCache(cached, req, true);
      throw error;
    }
  }

  // A pmtiles:// ask: the archive's TileJSON, or a tile read by byte ranges (src/engine/pmtiles/). Its answers are
  // counted as any tile's: hits per tier, and the prefetch ledger's view of what a visible ask found.
  private async archivePipeline(req: TileRequest, app: AppRequestInit | undefined, signal: AbortSignal): Promise<TileResponse> {
    const visibleTile = (req.purpose ?? 'visible') === 'visible' && req.kind !== 'resource';
    const answer = await this.archives.read(req, app, signal, (key, cached) => {
      if (visibleTile) this.prefetcher.visibleRequest(key, cached?.tier ?? 'network', cached?.prefetched === true);
    });
    this.recorder.c.hits[answer.tier]++;
    const response = tileResponse(answer.bytes, req, answer.tier, answer.stale);
    if (answer.prefetched) response.prefetched = true;
    if (answer.cacheControl !== undefined) response.cacheControl = answer.cacheControl;
    if (answer.expires !== undefined) response.expires = answer.expires;
    return response;
  }

  // One byte range of an archive, scheduled like a tile (class, priority, per-host bound, coalescing) and fetched
  // with the same timeouts, retries, breaker and budget. A 404 means the archive is not there.
  private async readRange(archive: string, range: ByteRange, ask: RangeAsk, signal?: AbortSignal): Promise<RangeRead> {
    const host = hostOf(archive);
    if (this.breaker(host).rejects(this.ports.clock.now())) {
      this.recorder.fail('breaker-open');
      throw EngineError.of('breaker-open', `circuit breaker for ${host} is open`);
    }
    const ticket = this.scheduler.schedule(
      { key: `range\u0000${ask.key}`, host, purpose: ask.purpose, coord: ask.coord },
      networkTask(this.taskContext, { url: archive, kind: 'resource', host, range, app: ask.app }),
      signal,
    );
    const result = await ticket.promise;
    if (result.outcome !== 'ok' || !result.bytes) {
      this.recorder.fail('http-4xx');
      throw EngineError.of('http-4xx', `${archive}: the host has no file at this address (HTTP 404 or 204)`, 1, 404);
    }
    const read: RangeRead = { bytes: result.bytes, headers: result.headers };
    if (result.totalBytes !== undefined) read.totalBytes = result.totalBytes;
    return read;
  }

  // Stale-while-revalidate: the asker already has its answer; this refreshes the entry for next time. The engine
  // makes this request by itself, so for an asker that brought no app headers it borrows those its origin is
  // remembered with, looked up when it goes out (after an offline deferral, the latest seen by then).
  private revalidateInBackground(req: TileRequest, app: AppRequestInit | undefined, key: string, cached: CachedTile, host: string): void {
    if (this.disposed) return;
    if (this.ports.isOnline?.() === false) {
      // Offline: the entry is refreshed once the device is back online, not retried into a dead network now.
      // Only the validators are kept meanwhile, not the bytes (the cache holds those).
      const validators = { ...cached, bytes: null };
      this.deferred.defer(key, () => this.revalidateInBackground(req, app, key, validators, host));
      return;
    }
    if (this.breaker(host).rejects(this.ports.clock.now())) return;
    const ticket = this.scheduler.schedule(
      { key: key + CONDITIONAL, host, purpose: 'revalidate', coord: req.coord },
      networkTask(this.taskContext, {
        url: req.url,
        kind: req.kind,
        host,
        cacheKey: key,
        conditional: cached.revalidationHeaders,
        app: app ?? this.appRequests.recall(req.url),
      }),
    );
    ticket.promise.catch(() => undefined);
  }

  private fromCache(cached: CachedTile, req: TileRequest, stale: boolean, countHit = true): TileResponse {
    const hits = this.recorder.c.hits;
    if (stale) hits.staleServed++;
    else if (countHit) hits[cached.tier]++;
    const response = tileResponse(cached.bytes, req, cached.tier, stale);
    if (cached.prefetched) response.prefetched = true;
    if (cached.cacheControl !== undefined) response.cacheControl = cached.cacheControl;
    if (cached.expires !== undefined) response.expires = cached.expires;
    return response;
  }

  private fromNetwork(result: NetworkResult, req: TileRequest): TileResponse {
    this.recorder.c.hits.network++;
    const response = tileResponse(result.outcome === 'no-tile' ? null : result.bytes, req, 'network', false);
    if (result.headers['cache-control'] !== undefined) response.cacheControl = result.headers['cache-control'];
    if (result.headers.expires !== undefined) response.expires = result.headers.expires;
    return response;
  }
}

// Every answer gets its own ArrayBuffer: the worker transfers it to the main thread, which detaches it, and the
// same bytes may also sit in the memory cache or be shared by coalesced askers.
function tileResponse(bytes: Uint8Array | null, req: TileRequest, tier: TileResponse['tier'], stale: boolean): TileResponse {
  // An empty raster body cannot be decoded as an image: it means "nothing here". An empty vector tile is valid.
  const empty = bytes === null || (req.kind === 'raster' && bytes.byteLength === 0);
  return { status: empty ? 'no-tile' : 'ok', data: empty ? null : bytes.slice().buffer, tier, stale };
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '';
  }
}
