import type { AddProtocolAction, Map as MapLibreMap, RequestParameters, RequestTransformFunction } from 'maplibre-gl';
import type {
  AreaBBox,
  AreaPlan,
  DeepPartial,
  DeliveryAuditReport,
  EngineApi,
  EngineOptions,
  EngineStats,
  SaveAreaRequest,
  SavedArea,
  SourceDescriptor,
  TileSource,
} from './contract/engine-api.ts';
import { BRIDGE_SCHEME_MESSAGE, type BridgeSchemeMessage } from './contract/bridge-scheme.ts';
import { DEFAULT_SCHEME, pageTileChannel } from './contract/tile-channel.ts';
import type { EngineHostEvent, EngineHostState } from './client/engine-host.ts';
import { resolveSharing, type SharingChoice, startEngineLink } from './client/engine-link.ts';
import { type SharingMode, sharingKey } from './contract/engine-hub.ts';
import { NoticeBoard, type Notice } from './client/notices.ts';
import { probeStorage } from './client/storage-probe.ts';
import { defaultBridgeUrl, startDefaultEngineWorker, startDefaultSharedEngine } from './client/worker-urls.ts';
import { readBridgeCensus, type BridgeCensus } from './maplibre/bridge-census.ts';
import { feedCamera, snapshotOf } from './maplibre/camera-feed.ts';
import { watchEngineHealth } from './maplibre/engine-health.ts';
import { tileProtocol, type MainThreadAsks } from './maplibre/engine-protocol.ts';
import { resourceProtocol } from './maplibre/resource-protocol.ts';
import { routeThroughEngine, schemesFor, type Schemes } from './maplibre/resource-routing.ts';
import { retryErroredTiles } from './maplibre/retry-errored-tiles.ts';
import { reloadReplacedArchives } from './maplibre/archive-reload.ts';
import { feedSources } from './maplibre/source-feed.ts';

/**
 * The parts of the `maplibre-gl` module Kestrel uses. Pass the module itself: `createKestrel(maplibregl)`.
 * Kestrel never imports MapLibre, so the app's own copy (and version) is the one that runs.
 */
export interface MapLibreModule {
  addProtocol(name: string, action: AddProtocolAction): void;
  removeProtocol(name: string): void;
  importScriptInWorkers?(url: string): Promise<unknown>;
  getGlobalDispatcher?(): {
    broadcast(type: string, data: unknown): Promise<unknown>;
    on(type: 'workerscreate', listener: () => void): unknown;
    off(type: 'workerscreate', listener: () => void): unknown;
  };
}

/** Where the two worker scripts come from. The defaults are the package's own files, beside its entry. */
export interface KestrelWorkerOptions {
  /** The engine worker: its script URL, or a function that starts it (module worker). */
  engine?: string | URL | ((name: string) => Worker);
  /**
   * The script MapLibre's own workers import so vector tiles reach the engine without a main-thread hop (it must
   * end in `.mjs`). `false`: no bridge; every tile takes the main-thread hop (still through the engine).
   */
  bridge?: string | URL | false;
}

/** Options of {@link createKestrel}. */
export interface KestrelOptions {
  /** Engine options (the README's "Engine options"): budgets, concurrency, retry, prefetch… Validated in the
   * worker; an invalid document is refused as a whole, with a notice naming the field. */
  options?: DeepPartial<EngineOptions>;
  /** The IndexedDB database of this instance's persistent cache and saved areas. Default `'kestrel'`. */
  dbName?: string;
  /** The URL scheme MapLibre sees (`<scheme>://`, `<scheme>-resource://`, `<scheme>-style://`). Default
   * `'kestrel'`. Two instances alive on one page need two schemes. */
  scheme?: string;
  /** Where the worker scripts come from. */
  worker?: KestrelWorkerOptions;
  /**
   * One engine for every tab of the origin that has the same `dbName` and `options`: one set of network bounds,
   * one memory tier, one IndexedDB catalogue. `'shared-worker'`: a SharedWorker; `'leader'`: the Web Locks
   * fallback (one tab's worker serves every tab over a BroadcastChannel; another takes over when it closes), which
   * browsers without SharedWorker get; `'auto'`: the first the browser has. Default `'off'`: an engine per tab
   * (a dedicated worker, restarted if it crashes).
   */
  sharing?: SharingChoice;
}

/** The engine worker's state: `running`, `restarting` after a crash, or `fallback` (tiles load directly). */
export type KestrelState = EngineHostState;

/** Events of {@link Kestrel.on}. */
export interface KestrelEvents {
  /** The engine worker changed state (crashed, restarted, gave up); `detail` says why. */
  state: (state: KestrelState, detail: string) => void;
  /** The user-facing messages changed (tile server not answering, offline cache unavailable, options refused…). */
  notices: (notices: readonly Notice[]) => void;
}

/** Saved offline areas: plan one, save it, follow its download, pause, resume, cancel or delete it. */
export interface KestrelAreas {
  /** How many tiles and bytes an area would take, or why it cannot be saved. */
  plan(bbox: AreaBBox, minZoom: number, maxZoom: number): Promise<AreaPlan>;
  /** Starts downloading an area; resolves with its id, rejects with the plan's `refused` message. */
  save(request: SaveAreaRequest): Promise<string>;
  pause(id: string): Promise<void>;
  /** Also retries the failed tiles of a finished area. */
  resume(id: string): Promise<void>;
  /** Stops the download and forgets the area; tiles saved so far stay as ordinary cache entries. */
  cancel(id: string): Promise<void>;
  /** Forgets the area and drops its tiles (tiles another saved area covers stay). */
  delete(id: string): Promise<void>;
  /** Every saved area with its progress. */
  list(): Promise<SavedArea[]>;
}

/** One Kestrel engine for a page: made by {@link createKestrel}, shared by every map that is attached to it. */
export interface Kestrel {
  /** The base URL scheme of this instance. */
  readonly scheme: string;
  /** The engine worker's state right now. */
  readonly state: KestrelState;
  /** How this page reaches its engine: a worker of its own (`off`), a SharedWorker, or an elected leader tab's. */
  readonly sharing: SharingMode;
  /**
   * MapLibre's `transformRequest` that routes tiles, the style, TileJSON, sprites and glyphs through the engine.
   * `appsOwn` runs first, as MapLibre would run it: its URL is the one fetched, and its `headers` and
   * `credentials` reach the engine's fetch (never a cache key, never stored).
   */
  transformRequest(appsOwn?: RequestTransformFunction): RequestTransformFunction;
  /**
   * Lets the engine follow a map: its camera (for prefetch along pans, zooms and flyTo), its sources, and the retry
   * of tiles MapLibre marked errored. Returns `detach`, which restores everything it patched (`flyTo`, `easeTo`).
   */
  attach(map: MapLibreMap): () => void;
  /** The engine's statistics: latency per tier, hit rates, queue, breakers, prefetch, IndexedDB. With a shared
   * engine these are the whole engine's (every tab's); `sharing.tab` is this tab's share. */
  stats(): Promise<EngineStats>;
  /** Zeroes the engine's counters. */
  resetStats(): Promise<void>;
  /** Changes engine options at run time; rejects, applying nothing, when the document is invalid. */
  configure(options: DeepPartial<EngineOptions>): Promise<void>;
  /** Empties both cache tiers. */
  clearCache(): Promise<void>;
  /** Drops a region [west, south, east, north] from both tiers; resolves with how many tiles were dropped. */
  invalidate(bbox: [number, number, number, number], zoom?: { minZoom?: number; maxZoom?: number }): Promise<number>;
  /** The cached tiles (`z/x/y`) inside a region at a zoom. */
  coverage(bbox: [number, number, number, number], zoom: number): Promise<string[]>;
  /** Where the latest answer for each tile (`z/x/y`) came from (memory, IndexedDB, network, prefetch). */
  tileSources(tiles: string[]): Promise<Record<string, TileSource>>;
  /** What the engine handed MapLibre (with the `audit` option on). */
  audit(): Promise<DeliveryAuditReport>;
  /** Saved offline areas. */
  readonly areas: KestrelAreas;
  /** The user-facing messages now, newest last. */
  notices(): readonly Notice[];
  /** Listens to an event; returns the function that stops listening. */
  on<E extends keyof KestrelEvents>(event: E, listener: KestrelEvents[E]): () => void;
  /** How this page's engine worker lived: every death (why) and restart. */
  events(): EngineHostEvent[];
  /** What the bridges in MapLibre's workers counted (asks, answers, errors, aborts, still open). */
  bridgeCensus(options?: { deliveries?: boolean; waitMs?: number }): Promise<BridgeCensus>;
  /** Tile asks that took the main-thread hop (raster tiles, or vector tiles before the bridge loaded). */
  mainThreadAsks(): number;
  /** Tiles the page fetched itself while no engine worker was in service. */
  fallbackAnswers(): { ok: number; noTile: number; failed: number };
  /**
   * Chaos suites: kills the engine worker as a crash would. With a worker of the page's own, the page loads tiles
   * directly and restarts it; a shared engine's worker ends for every tab, and each reconnects to a new one.
   */
  crashWorker(): void;
  /** Removes the protocols, detaches every map, terminates the worker and closes the channels. A new
   * {@link createKestrel} on the same page works afterwards. */
  dispose(): void;
}

/**
 * Starts Kestrel's tile engine in a worker and registers its protocols with MapLibre.
 *
 * ```ts
 * const kestrel = createKestrel(maplibregl);
 * const map = new maplibregl.Map({ container: 'map', style, transformRequest: kestrel.transformRequest() });
 * kestrel.attach(map);
 * ```
 */
export function createKestrel(maplibregl: MapLibreModule, options: KestrelOptions = {}): Kestrel {
  const scheme = options.scheme ?? DEFAULT_SCHEME;
  const schemes: Schemes = schemesFor(scheme);
  const dbName = options.dbName ?? 'kestrel';
  // This instance's own BroadcastChannel between MapLibre's workers and its engine worker: not shared with other
  // tabs or other instances.
  const pageId = Math.random().toString(36).slice(2, 10);
  const tileChannel = pageTileChannel(pageId);
  const notices = new NoticeBoard();
  const stateListeners = new Set<KestrelEvents['state']>();
  const startWorker = workerStarter(options.worker?.engine);

  const engineOption = options.worker?.engine;
  const startShared =
    engineOption === undefined
      ? startDefaultSharedEngine
      : typeof engineOption === 'function'
        ? undefined
        : (name: string) => new SharedWorker(engineOption, { type: 'module', name });
  // a page with a worker of its own loads tiles itself while it is down; a shared engine's tabs wait for the next
  const meanwhile = resolveSharing(options.sharing ?? 'off', startShared !== undefined) === 'off' ? 'Loading tiles directly meanwhile.' : 'Tiles wait for it.';
  const host = startEngineLink({
    sharing: options.sharing ?? 'off',
    config: { dbName, tileChannel },
    key: sharingKey(dbName, options.options),
    tab: pageId,
    startWorker,
    startShared,
    onState: (state, detail) => {
      if (state === 'running') notices.clear('engine');
      else notices.show({ key: 'engine', level: 'warn', text: `Tile engine unavailable: ${detail}. ${meanwhile}` });
      for (const listener of stateListeners) listener(state, detail);
    },
  });
  const engine = host.engine;

  const asks: MainThreadAsks = { count: 0 };
  maplibregl.addProtocol(schemes.tile, tileProtocol(engine, asks, `${pageId}:`));
  maplibregl.addProtocol(schemes.resource, resourceProtocol(engine, `${pageId}:`, false));
  maplibregl.addProtocol(schemes.style, resourceProtocol(engine, `${pageId}:`, true));
  const stopBridge = startBridge(maplibregl, options.worker?.bridge, scheme);

  if (options.options) {
    engine.configure(options.options).catch((error: Error) =>
      notices.show({ key: 'options', level: 'warn', text: `Engine options rejected (${error.message}); using the defaults.` }),
    );
  }
  void probeStorage().then((storage) => engine.setStorage(storage));
  // A hidden map gets no prefetch (what is queued is dropped), and between tabs sharing an engine a tab in the
  // background waits behind the front.
  const onVisibility = () => host.setVisibility(globalThis.document?.visibilityState !== 'hidden');
  globalThis.document?.addEventListener('visibilitychange', onVisibility);
  onVisibility();
  const health = watchEngineHealth(engine, notices);

  // Two maps on one page share one engine: the sources are the union of every attached map's, and the camera is
  // the one that moved last.
  const mapSources = new Map<MapLibreMap, SourceDescriptor[]>();
  const sendSources = () => void engine.setSources([...mapSources.values()].flat());
  const detachers = new Set<() => void>();
  let disposed = false;

  const kestrel: Kestrel = {
    scheme,
    get state() {
      return host.status;
    },
    sharing: host.mode,
    transformRequest: (appsOwn) => (url, resourceType) => {
      // The app's answer decides the URL, headers and credentials; routing only changes the scheme in front.
      const route = (own: RequestParameters | undefined) => {
        if (disposed) return own;
        const shaped: RequestParameters = { ...own, url: absolute(own?.url ?? url) };
        const routed = routeThroughEngine(shaped.url, resourceType, pageId, schemes);
        return routed ? { ...shaped, url: routed.url } : own;
      };
      const own = appsOwn?.(url, resourceType);
      // an async answer resolves to parameters (MapLibre's type); without a URL of its own, the original one
      return own instanceof Promise ? own.then((resolved) => route(resolved) ?? { url }) : route(own ?? undefined);
    },
    attach(map) {
      if (disposed) throw new Error('this Kestrel instance was disposed');
      // The map's camera is known (hash or initial view) long before its style and first tiles: the engine reads
      // that view's stored tiles into memory meanwhile.
      void engine.warmStart(snapshotOf(map)).catch(() => undefined);
      const stops = [
        feedCamera(map, (camera) => void engine.setCamera(camera)),
        feedSources(map, (sources) => {
          mapSources.set(map, sources);
          sendSources();
        }),
        retryErroredTiles(map, health.latest),
        reloadReplacedArchives(map, health.latest),
      ];
      let attached = true;
      const detach = () => {
        if (!attached) return;
        attached = false;
        for (const stop of stops) stop();
        if (mapSources.delete(map) && !disposed) sendSources();
        detachers.delete(detach);
      };
      detachers.add(detach);
      return detach;
    },
    stats: () => engine.stats().then((stats) => ({ ...stats, sharing: stats.sharing ?? { mode: 'off', tabs: 1 } })),
    resetStats: () => engine.resetStats(),
    configure: (next) => engine.configure(next),
    clearCache: () => engine.clearCache(),
    invalidate: (bbox, zoom) => engine.invalidate(bbox, zoom),
    coverage: (bbox, zoom) => engine.coverage(bbox, zoom),
    tileSources: (tiles) => engine.tileSources(tiles),
    audit: () => engine.audit(),
    areas: areasOf(engine),
    notices: () => notices.list(),
    on(event, listener) {
      if (event === 'state') {
        stateListeners.add(listener as KestrelEvents['state']);
        return () => stateListeners.delete(listener as KestrelEvents['state']);
      }
      return notices.subscribe(() => (listener as KestrelEvents['notices'])(notices.list()));
    },
    events: () => host.events.slice(),
    bridgeCensus: (census = {}) => readBridgeCensus(tileChannel, census.waitMs ?? (census.deliveries ? 1000 : 300), census),
    mainThreadAsks: () => asks.count,
    fallbackAnswers: () => ({ ...host.fallbackAnswers }),
    crashWorker: () => host.terminate(),
    dispose() {
      if (disposed) return;
      disposed = true;
      for (const detach of [...detachers]) detach();
      health.stop();
      stopBridge();
      for (const name of [schemes.tile, schemes.resource, schemes.style]) maplibregl.removeProtocol(name);
      globalThis.document?.removeEventListener('visibilitychange', onVisibility);
      host.dispose();
      stateListeners.clear();
    },
  };
  return kestrel;
}

// MapLibre hands `transformRequest` a style's address as written ('/style.json'); resolved against the page it is
// an http(s) URL the engine can serve (and cache for an offline reload), instead of one MapLibre fetches itself.
// Anything that is not http(s) once resolved (data:, blob:) stays as it was.
function absolute(url: string): string {
  const base = globalThis.location?.href;
  if (!base || /^[a-z][a-z0-9+.-]*:/i.test(url)) return url;
  try {
    return new URL(url, base).href;
  } catch {
    return url;
  }
}

function workerStarter(engine: KestrelWorkerOptions['engine']): (name: string) => Worker {
  if (typeof engine === 'function') return engine;
  if (engine !== undefined) return (name) => new Worker(engine, { type: 'module', name });
  return startDefaultEngineWorker;
}

// Loads the bridge into MapLibre's workers; an instance with its own scheme also announces it there (and again to
// workers MapLibre creates later). Returns what undoes the announcement.
function startBridge(maplibregl: MapLibreModule, bridge: KestrelWorkerOptions['bridge'], scheme: string): () => void {
  if (bridge === false || !maplibregl.importScriptInWorkers) return () => undefined;
  const url = bridge === undefined ? defaultBridgeUrl() : String(bridge);
  const imported = maplibregl.importScriptInWorkers(url);
  const dispatcher = scheme === DEFAULT_SCHEME ? undefined : maplibregl.getGlobalDispatcher?.();
  if (!dispatcher) return () => undefined;
  const announce = (add: boolean) => void dispatcher.broadcast(BRIDGE_SCHEME_MESSAGE, { scheme, add } satisfies BridgeSchemeMessage).catch(() => undefined);
  const onWorkers = () => announce(true);
  void imported.then(() => announce(true), () => undefined);
  dispatcher.on('workerscreate', onWorkers);
  return () => {
    dispatcher.off('workerscreate', onWorkers);
    announce(false);
  };
}

function areasOf(engine: Pick<EngineApi, 'planArea' | 'saveArea' | 'pauseArea' | 'resumeArea' | 'cancelArea' | 'deleteArea' | 'listAreas'>): KestrelAreas {
  return {
    plan: (bbox, minZoom, maxZoom) => engine.planArea(bbox, minZoom, maxZoom),
    save: (request) => engine.saveArea(request),
    pause: (id) => engine.pauseArea(id),
    resume: (id) => engine.resumeArea(id),
    cancel: (id) => engine.cancelArea(id),
    delete: (id) => engine.deleteArea(id),
    list: () => engine.listAreas(),
  };
}
