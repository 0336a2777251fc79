import * as maplibregl from 'maplibre-gl';
import { createKestrel, exposeWindowContract } from 'kestrel-maps';

// ?style=<url> picks the style; the default is the repository's tile server (`npm run tiles`).
const style = new URLSearchParams(location.search).get('style') ?? `http://${location.hostname}:8787/style.json`;

const kestrel = createKestrel(maplibregl);
const map = new maplibregl.Map({ container: 'map', style, center: [10, 45], zoom: 3, transformRequest: kestrel.transformRequest() });
kestrel.attach(map);
exposeWindowContract(kestrel, map);
