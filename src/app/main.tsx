import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.tsx';
import { createMap } from './map/create-map.ts';
import { whenIdle } from './map/map-idle.ts';
import { resolveStyleUrl } from './map/style-url.ts';
import { watchStyleErrors } from './map/watch-style-errors.ts';
import { NoticeBoard } from './notices.ts';
import { readUrlOptions } from './url-options.ts';
import './app.css';

// Composition root: everything the page runs is built here, once.
const options = readUrlOptions(location.search);
const styleUrl = resolveStyleUrl(location, __KESTREL_TILE_URL__);
const notices = new NoticeBoard();

const root = document.getElementById('root')!;
const mapContainer = Object.assign(document.createElement('div'), { id: 'map' });
const uiContainer = Object.assign(document.createElement('div'), { id: 'ui' });
root.append(mapContainer, uiContainer);

const map = createMap({ container: mapContainer, styleUrl });
const ready = watchStyleErrors(map, styleUrl, notices);
// The rejection is for suites awaiting `ready`; the page itself shows the notice.
ready.catch(() => undefined);

window.kestrel = {
  map,
  mode: 'maplibre',
  ready,
  idle: () => whenIdle(map),
  stats: async () => null,
  resetStats: async () => undefined,
};

createRoot(uiContainer).render(
  <StrictMode>
    <App notices={notices} />
  </StrictMode>,
);
void options;
