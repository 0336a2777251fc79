import * as maplibregl from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import 'maplibre-gl/dist/maplibre-gl.css';

// Once per page, before the first map: without it MapLibre cannot find its worker under Vite ("Worker failed to load").
maplibregl.setWorkerUrl(workerUrl);

export interface CreateMapOptions {
  container: HTMLElement;
  // undefined: no style at all (a refused ?style= address is never handed to MapLibre)
  styleUrl: string | undefined;
  transformRequest?: maplibregl.RequestTransformFunction;
  // Miles and feet where the reader's locale expects them (scale-unit.ts).
  scaleUnit?: 'imperial' | 'metric';
}

export function createMap({ container, styleUrl, transformRequest, scaleUnit = 'metric' }: CreateMapOptions): maplibregl.Map {
  const map = new maplibregl.Map({
    container,
    style: styleUrl,
    // `#zoom/lat/lng` so a view can be shared and reloaded; the style's own center/zoom apply when there is no hash.
    hash: true,
    attributionControl: { compact: false },
    transformRequest,
  });
  map.addControl(new maplibregl.NavigationControl({ visualizePitch: true }), 'top-right');
  map.addControl(new maplibregl.ScaleControl({ unit: scaleUnit }), 'bottom-left');
  return map;
}
