import * as maplibregl from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import maplibreWorker from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { createKestrel, exposeWindowContract } from 'kestrel-maps';
import { KestrelOverlayControl } from 'kestrel-maps/overlay';

maplibregl.setWorkerUrl(maplibreWorker); // a bundle does not carry MapLibre's worker file: name it (Kestrel's come along)
const kestrel = createKestrel(maplibregl);
const map = new maplibregl.Map({ container: 'map', style: '/style.json', transformRequest: kestrel.transformRequest() });
kestrel.attach(map);
map.addControl(new KestrelOverlayControl(kestrel));
exposeWindowContract(kestrel, map); // window.kestrel, for Playwright
