import * as maplibregl from 'maplibre-gl';
import { StrictMode } from 'react';
import bridgeUrl from '../../packages/kestrel/src/worker/maplibre-bridge.ts?worker&url';
import { createRoot } from 'react-dom/client';
import { App } from './app.tsx';
import { startEngineWorker } from '../../packages/kestrel/src/client/engine-client.ts';
import { pageTileChannel } from '../../packages/kestrel/src/contract/tile-channel.ts';
import { EngineHost } from '../../packages/kestrel/src/client/engine-host.ts';
import { feedCamera } from '../../packages/kestrel/src/maplibre/camera-feed.ts';
import { feedSources } from '../../packages/kestrel/src/maplibre/source-feed.ts';
import { createMap } from './map/create-map.ts';
import { mainThreadTileAsks, registerEngineProtocol } from '../../packages/kestrel/src/maplibre/engine-protocol.ts';
import { routeThroughEngine } from '../../packages/kestrel/src/maplibre/resource-routing.ts';
import { watchEngineHealth } from '../../packages/kestrel/src/maplibre/engine-health.ts';
import { retryErroredTiles } from '../../packages/kestrel/src/maplibre/retry-errored-tiles.ts';
import { whenIdle } from '../../packages/kestrel/src/maplibre/map-idle.ts';
import { readBridgeCensus } from '../../packages/kestrel/src/maplibre/bridge-census.ts';
import { resolveStyleUrl, styleUrlProblem } from './map/style-url.ts';
import { TileTimeline } from '../../packages/kestrel/src/maplibre/tile-timeline.ts';
import { TileSourcesLayer } from '../../packages/kestrel/src/maplibre/tile-sources-layer.ts';
import { watchStyleErrors } from './map/watch-style-errors.ts';
import { NoticeBoard } from '../../packages/kestrel/src/client/notices.ts';
import { startAppShell } from './app-shell.ts';
import { watchOfflineStatus } from './offline-status.ts';
import { mapViewSource } from './offline/index.ts';
import { startPageHealth, startVitals } from '../../packages/kestrel/src/overlay/index.ts';
import { probeStorage } from '../../packages/kestrel/src/client/storage-probe.ts';
import { readUrlOptions } from './url-options.ts';
import './app.css';

// Composition root: everything the page runs is built here, once.
const options = readUrlOptions(location.search);
const styleUrl = resolveStyleUrl(location, __KESTREL_TILE_URL__);
const notices = new NoticeBoard();
if (options.problem) notices.show({ key: 'url', level: 'warn', text: options.problem });
const vitals = startVitals();
const pageHealth = startPageHealth();

const root = document.getElementById('root')!;
const mapContainer = Object.assign(document.createElement('div'), { id: 'map' });
const uiContainer = Object.assign(document.createElement('div'), { id: 'ui' });
root.append(mapContainer, uiContainer);

// This page's own BroadcastChannel between MapLibre's workers and the engine worker (not shared with other tabs).
const pageId = Math.random().toString(36).slice(2, 10);
const tileChannel = pageTileChannel(pageId);
const host = options.engine
  ? new EngineHost({
      start: () => startEngineWorker(tileChannel),
      onState: (state, detail) =>
        state === 'running'
          ? notices.clear('engine')
          : notices.show({ key: 'engine', level: 'warn', text: `Tile engine unavailable: ${detail}. Loading tiles directly meanwhile.` }),
    })
  : null;
const engine = host?.engine ?? null;
if (engine) {
  registerEngineProtocol(engine);
  // Worker entries are built as .mjs (vite.config.ts), so MapLibre import()s the bridge as a module: no eval, CSP-safe.
  if (options.workerBridge) void maplibregl.importScriptInWorkers(bridgeUrl);
  engine.configure({
    ...options.engineOptions,
    ...(options.maxInFlight ? { maxInFlight: options.maxInFlight } : {}),
    prefetch: { ...options.engineOptions?.prefetch, enabled: options.prefetch },
  }).catch((error: Error) => notices.show({ key: 'url', level: 'warn', text: `Engine options rejected (${error.message}); using the defaults.` }));
  void probeStorage().then((storage) => engine.setStorage(storage));
}

// A refused ?style= (javascript:, data:, …) is never handed to MapLibre: the notice says why (watch-style-errors.ts).
const styleRefused = styleUrlProblem(styleUrl, location.href) !== undefined;
const map = createMap({ container: mapContainer, styleUrl: styleRefused ? undefined : styleUrl, transformRequest: engine ? (url, type) => routeThroughEngine(url, type, pageId) : undefined });
const timeline = new TileTimeline(map);
const ready = watchStyleErrors(map, styleUrl, notices);
// The rejection is for suites awaiting `ready`; the page itself shows the notice.
ready.catch(() => undefined);
// the service worker is registered once the first view has settled (app-shell.ts)
startAppShell(notices, ready.then(() => whenIdle(map)));
watchOfflineStatus({ notices, online: () => navigator.onLine, events: window, listAreas: engine ? () => engine.listAreas() : undefined });
if (engine) {
  feedCamera(map, (camera) => void engine.setCamera(camera));
  feedSources(map, (sources) => void engine.setSources(sources));
  const health = watchEngineHealth(engine, notices);
  retryErroredTiles(map, health.latest);
}
// the overlay's optional "Tile sources" map layer; it asks the engine only while switched on
const tileSourcesLayer = engine
  ? new TileSourcesLayer(map, { tileSources: (tiles) => engine.tileSources(tiles), coverage: (bbox, zoom) => engine.coverage(bbox, zoom) })
  : null;

const stats = async () => (engine ? engine.stats() : null);
const noEngine = () => Promise.reject(new Error('the engine is off (?engine=off)'));

window.kestrel = {
  map,
  mode: engine ? 'engine' : 'maplibre',
  version: __KESTREL_BUILD__,
  ready,
  idle: () => whenIdle(map),
  tiles: () => ({ ...timeline.read(), viaMainThread: mainThreadTileAsks() }),
  stats,
  resetStats: async () => {
    timeline.reset();
    await engine?.resetStats();
  },
  vitals: () => vitals.vitals(),
  clearCache: () => (engine ? engine.clearCache() : noEngine()),
  invalidate: (bbox, zoom) => (engine ? engine.invalidate(bbox, zoom) : noEngine()),
  coverage: (bbox, zoom) => (engine ? engine.coverage(bbox, zoom) : noEngine()),
  terminateEngine: () => host?.terminate(),
  bridge: (options) => (engine ? readBridgeCensus(tileChannel, options?.deliveries ? 1000 : 300, options) : Promise.resolve(null)),
  engineEvents: () => host?.events.slice() ?? [],
  audit: async () => ({ engine: engine ? await engine.audit() : null, fallback: host ? { ...host.fallbackAnswers } : null }),
};

createRoot(uiContainer).render(
  <StrictMode>
    <App
      notices={notices}
      overlaySource={engine ? { stats: () => engine.stats(), vitals: () => vitals.vitals(), pageHealth: () => pageHealth.pageHealth() } : undefined}
      overlayOpen={options.perf}
      onToggleTileBoundaries={tileSourcesLayer ? (on) => tileSourcesLayer.setEnabled(on) : undefined}
      offline={engine ? { areas: engine, view: mapViewSource(map) } : undefined}
    />
  </StrictMode>,
);
