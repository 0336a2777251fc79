import { transfer } from 'comlink';
import type {
  CameraSnapshot,
  DeepPartial,
  EngineApi,
  EngineOptions,
  SourceDescriptor,
  TileRequest,
  TileResult,
  WorkerConfig,
} from '../contract/engine-api.ts';
import { OfflineAreas } from '../engine/offline-areas.ts';
import { systemClock } from '../engine/ports.ts';
import { TileCache } from '../engine/tile-cache.ts';
import { TileEngine, defaultEngineOptions, toEngineFailure } from '../engine/tile-engine.ts';
import { warmStartPlan } from '../engine/warm-start.ts';
import { isArchiveUrl } from '../engine/pmtiles/archive-url.ts';
import type { AskOrigin } from '../engine/tile-priority.ts';
import { fetchAdapter } from './fetch-adapter.ts';
import { IdbAreaStore } from './idb-area-store.ts';
import { IdbTileStore } from './idb-tile-store.ts';
import { serveTileChannel } from './tile-channel-server.ts';
import { countResult, emptyTabStats, tabEngine } from './tab-stats.ts';
import { watchConnection } from './network-information.ts';
import { watchHostProtocols } from './host-protocols.ts';
import { watchWireTimings } from './wire-timings.ts';
import { sha256Hex } from './sha256.ts';

/** The engine API a worker serves once it knows its configuration (everything but `init`). */
export type WorkerEngine = Omit<EngineApi, 'init'>;

/** The built engine with the parts a hub serving several tabs needs besides its API (engine-hub.ts). */
export interface WorkerParts {
  api: WorkerEngine;
  // the tile engine itself: MapLibre-worker channels and per-tab camera, visibility and re-ranking
  engine: TileEngine;
  // `api.request` with the asking tab, for fairness between tabs
  requestFrom(req: TileRequest, origin?: AskOrigin): Promise<TileResult>;
}

// Wires the engine core to real adapters (fetch, IndexedDB, BroadcastChannel); behaviour lives in src/engine.
// Built on `init`, not when the module loads: the database and the channel are the caller's to name.
export function buildWorkerEngine(config: WorkerConfig): WorkerEngine {
  return buildWorkerParts(config).api;
}

/** As {@link buildWorkerEngine}; without `tileChannel`, no MapLibre-worker channel is served (a hub opens one per tab). */
export function buildWorkerParts(config: { dbName: string; tileChannel?: string }): WorkerParts {
  const store = new IdbTileStore({ name: config.dbName, budgetBytes: defaultEngineOptions.idbCacheBytes });
  const cache = new TileCache({
    store,
    memoryBytes: defaultEngineOptions.memoryCacheBytes,
    credentialParams: defaultEngineOptions.credentialParams,
    secretParams: defaultEngineOptions.secretParams,
  });
  const engine = new TileEngine({ fetcher: fetchAdapter, clock: systemClock, random: Math.random, cache, isOnline: () => self.navigator.onLine, digest: sha256Hex });
  // Style, TileJSON, sprites and glyphs: the same pipeline, cache tiers and freshness rules as tiles, in an engine of
  // their own so the tile figures (hit ratios, latency percentiles, in-flight bounds) stay about tiles. It is given no
  // sources or camera, so it never prefetches.
  const resources = new TileEngine({ fetcher: fetchAdapter, clock: systemClock, random: Math.random, cache, isOnline: () => self.navigator.onLine });
  // A PMTiles archive's TileJSON is read from the archive's header and metadata: it goes to the tile engine, which
  // reads the archive's tiles, so one reader per archive sees every version change.
  const engineFor = (req: TileRequest) => (req.kind === 'resource' && !isArchiveUrl(req.url) ? resources : engine);
  // This page's share of the figures (the same as the engine's, less its own prefetches), as a shared engine
  // reports each tab's: the contract's `stats().sharing.tab` means one thing in every mode.
  let own = emptyTabStats('page', true);
  if (config.tileChannel) serveTileChannel(tabEngine(engine, () => own), new BroadcastChannel(config.tileChannel));
  watchConnection((hint) => engine.setConnection(hint));
  watchHostProtocols((host, protocol) => {
    engine.setHostProtocol(host, protocol);
    resources.setHostProtocol(host, protocol);
  });
  // each engine takes the entries of the requests it sent (a URL both fetched goes to the first that awaits it)
  watchWireTimings((timing) => {
    if (!engine.wireTiming(timing)) resources.wireTiming(timing);
  });
  const areas = new OfflineAreas({
    clock: systemClock,
    now: Date.now,
    request: (req, signal) => engine.request(req, signal),
    cache,
    store: new IdbAreaStore(() => store.database()),
  }, { credentials: cache.credentials });
  store.holdEviction(areas.ready);
  // A database that attaches late (its open timed out, or it was reopened) holds areas start-up did not see.
  store.onAttached(() => store.holdEviction(areas.reload()));
  // Other tabs' saved areas pin tiles in the same database: eviction reads them there before deleting anything.
  store.setSharedPins(() => areas.storedPins());

  let persisted: boolean | undefined;
  let warmed: { tiles: number; ms: number } | undefined;
  let warmStartOn = defaultEngineOptions.warmStart;
  const requestFrom = async (req: TileRequest, origin?: AskOrigin): Promise<TileResult> => {
    try {
      return { ok: true, response: await engineFor(req).request(req, undefined, origin) };
    } catch (error) {
      return { ok: false, failure: toEngineFailure(error) };
    }
  };

  const api: WorkerEngine = {
    async configure(options: DeepPartial<EngineOptions>) {
      engine.configure(options);
      if (options.warmStart !== undefined) warmStartOn = options.warmStart;
      resources.configure(options);
      cache.configure({
        memoryBytes: options.memoryCacheBytes,
        idbBytes: options.idbCacheBytes,
        credentialParams: options.credentialParams,
        secretParams: options.secretParams,
      });
      areas.configure({ credentials: cache.credentials });
    },
    async request(req: TileRequest): Promise<TileResult> {
      const result = await requestFrom(req);
      countResult(own, result, req.kind === 'resource');
      // Each response owns its buffer (the engine copies out of the cache), so it can move without a copy.
      return result.ok && result.response.data ? transfer(result, [result.response.data]) : result;
    },
    cancel(id: string) {
      engine.cancel(id);
      resources.cancel(id);
    },
    setCamera(camera: CameraSnapshot) {
      engine.setCamera(camera);
    },
    setVisibility(visible: boolean) {
      engine.setInFront(visible);
    },
    async warmStart(camera: CameraSnapshot) {
      const plan = warmStartPlan(camera);
      if (!plan || !warmStartOn) return 0;
      const started = performance.now();
      const tiles = await cache.warm(plan.bbox, plan.zoom, plan.max).catch(() => 0);
      warmed = { tiles, ms: Math.round(performance.now() - started) };
      return tiles;
    },
    setSources(sources: SourceDescriptor[]) {
      engine.setSources(sources);
      areas.setSources(sources);
    },
    async stats() {
      const stats = engine.stats();
      const { requests, failures, cache: resourceCache } = resources.stats();
      stats.resources = { requests, failures, hits: resourceCache.hits };
      if (persisted !== undefined) stats.cache.idb.persisted = persisted;
      if (warmed) stats.cache.warmStart = { ...warmed };
      stats.sharing = { mode: 'off', tabs: 1, tab: structuredClone(own) };
      return stats;
    },
    setStorage(storage) {
      persisted = storage.persisted;
      if (storage.indexedDb === 'unavailable') cache.storeUnavailable(storage.detail ?? 'IndexedDB cannot be opened on this page');
    },
    async resetStats() {
      own = emptyTabStats('page', true);
      engine.resetStats();
      resources.resetStats();
    },
    async clearCache() {
      await cache.clear();
    },
    async invalidate(bbox, zoom) {
      return cache.invalidate(bbox, { minZoom: zoom?.minZoom ?? 0, maxZoom: zoom?.maxZoom ?? 30 });
    },
    async coverage(bbox, zoom) {
      return [...new Set((await cache.coverage(bbox, zoom)).map(({ coord: c }) => `${c.z}/${c.x}/${c.y}`))];
    },
    async tileSources(tiles) {
      return engine.tileSources(tiles);
    },
    async planArea(bbox, minZoom, maxZoom) {
      return areas.plan(bbox, minZoom, maxZoom);
    },
    saveArea: (request) => areas.save(request),
    pauseArea: (id) => areas.pause(id),
    resumeArea: (id) => areas.resume(id),
    cancelArea: (id) => areas.cancel(id),
    deleteArea: (id) => areas.delete(id),
    async listAreas() {
      // right after start-up the areas are still being read from IndexedDB: answer with them, not with none
      await areas.ready;
      return areas.list();
    },
    audit: () => engine.audit(),
  };

  return { api, engine, requestFrom };
}
