import type { Map as MapLibreMap } from 'maplibre-gl';
import type { AreaBBox } from 'kestrel-maps';
import { sourcesOf } from 'kestrel-maps';

export interface MapView {
  bbox: AreaBBox;
  center: [number, number];
  zoom: number;
  // the deepest zoom any tiled source of the style serves (MapLibre overzooms past it)
  maxZoom: number;
}

// The map's current view for React's useSyncExternalStore: the snapshot is rebuilt once per finished move, so it
// stays the same object between moves.
export interface MapViewSource {
  current(): MapView | undefined;
  subscribe(listener: () => void): () => void;
}

export function mapViewSource(map: MapLibreMap): MapViewSource {
  let view: MapView | undefined;
  const listeners = new Set<() => void>();
  const update = () => {
    const bounds = map.getBounds();
    const center = map.getCenter();
    const maxZooms = sourcesOf(map).map((s) => s.maxzoom);
    view = {
      bbox: [bounds.getWest(), bounds.getSouth(), bounds.getEast(), bounds.getNorth()],
      center: [center.lng, center.lat],
      zoom: map.getZoom(),
      maxZoom: maxZooms.length > 0 ? Math.max(...maxZooms) : Math.floor(map.getMaxZoom()),
    };
    for (const listener of listeners) listener();
  };
  map.on('load', update);
  map.on('moveend', update);
  // a TileJSON resolving can change the sources' maxzoom
  map.on('sourcedata', (e) => {
    if (e.sourceDataType === 'metadata') update();
  });
  if (map.loaded()) update();
  return {
    current: () => view,
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
