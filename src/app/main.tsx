import * as maplibregl from 'maplibre-gl';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createKestrel, exposeWindowContract, NoticeBoard, whenIdle, type Notice } from 'kestrel-maps';
import { KestrelOverlayControl } from 'kestrel-maps/overlay';
import { App } from './app.tsx';
import { createMap } from './map/create-map.ts';
import { scaleUnitFor } from './map/scale-unit.ts';
import { resolveStyleUrl, styleUrlProblem } from './map/style-url.ts';
import { watchStyleErrors } from './map/watch-style-errors.ts';
import { startAppShell } from './app-shell.ts';
import { watchOfflineStatus } from './offline-status.ts';
import { mapViewSource } from './offline/index.ts';
import { placeIndexLoader, type Place } from './search/index.ts';
import { readUrlOptions } from './url-options.ts';
import './app.css';

// Composition root: the viewer is Kestrel's first consumer, through its public API only (a lint rule says so).
const options = readUrlOptions(location.search);
const styleUrl = resolveStyleUrl(location, __KESTREL_TILE_URL__);
const notices = new NoticeBoard();
if (options.problem) notices.show({ key: 'url', level: 'warn', text: options.problem });

const root = document.getElementById('root')!;
const mapContainer = Object.assign(document.createElement('div'), { id: 'map' });
const uiContainer = Object.assign(document.createElement('div'), { id: 'ui' });
root.append(mapContainer, uiContainer);

// ?engine=off: MapLibre's own loading, the baseline the benchmark compares with.
const kestrel = options.engine
  ? createKestrel(maplibregl, {
      options: {
        ...options.engineOptions,
        ...(options.maxInFlight ? { maxInFlight: options.maxInFlight } : {}),
        prefetch: { ...options.engineOptions?.prefetch, enabled: options.prefetch },
      },
      // ?bridge=main: vector tiles take the main-thread hop (the benchmark's comparison)
      worker: options.workerBridge ? {} : { bridge: false },
      sharing: options.sharing,
    })
  : null;
if (kestrel) mirrorNotices(kestrel.notices(), kestrel.on.bind(kestrel), notices);
// Without the engine, a pmtiles:// style is read as an app without Kestrel reads it: the PMTiles MapLibre
// Protocol (the anchor `npm run bench:pmtiles` compares with). Loaded only then, so it costs the engine's mode nothing.
if (!kestrel) {
  const { Protocol } = await import('pmtiles');
  maplibregl.addProtocol('pmtiles', new Protocol().tile);
}

// A refused ?style= (javascript:, data:, …) is never handed to MapLibre: the notice says why (watch-style-errors.ts).
const styleRefused = styleUrlProblem(styleUrl, location.href) !== undefined;
const map = createMap({
  container: mapContainer,
  styleUrl: styleRefused ? undefined : styleUrl,
  transformRequest: kestrel?.transformRequest(),
  scaleUnit: scaleUnitFor(navigator.language),
});
kestrel?.attach(map);
if (kestrel) map.addControl(new KestrelOverlayControl(kestrel, { open: options.perf }), 'top-left');
const ready = watchStyleErrors(map, styleUrl, notices);
// The rejection is for suites awaiting `ready`; the page itself shows the notice.
ready.catch(() => undefined);
// the service worker is registered once the first view has settled (app-shell.ts)
startAppShell(notices, ready.then(() => whenIdle(map)));
watchOfflineStatus({ notices, online: () => navigator.onLine, events: window, listAreas: kestrel ? () => kestrel.areas.list() : undefined });
exposeWindowContract(kestrel, map, { version: __KESTREL_BUILD__, ready });

// The search index is a static file of the app (built by vite.config.ts, precached by the service worker): search
// needs no server at query time. Choosing a place flies there; Kestrel's camera feed tells the engine the
// destination, so the tiles there load during the flight.
const search = {
  load: placeIndexLoader(new URL(`${import.meta.env.BASE_URL}places.tsv`, location.href).href),
  choose: (place: Place) => map.flyTo({ center: place.lngLat, zoom: place.zoom, essential: true }),
};

createRoot(uiContainer).render(
  <StrictMode>
    <App notices={notices} offline={kestrel ? { areas: kestrel.areas, view: mapViewSource(map) } : undefined} search={search} />
  </StrictMode>,
);

// The engine's own notices (tile server not answering, offline cache unavailable…) shown with the page's.
function mirrorNotices(initial: readonly Notice[], on: (event: 'notices', listener: (list: readonly Notice[]) => void) => unknown, board: NoticeBoard): void {
  let shown = new Set<string>();
  const sync = (list: readonly Notice[]) => {
    for (const key of shown) if (!list.some((notice) => notice.key === key)) board.clear(key);
    for (const notice of list) board.show(notice);
    shown = new Set(list.map((notice) => notice.key));
  };
  sync(initial);
  on('notices', sync);
}
