import type { Map as MapLibreMap, MapSourceDataEvent } from 'maplibre-gl';
import type { SourceDescriptor } from '../contract/engine-api.ts';

// The fields of MapLibre's vector/raster source objects read here. `tiles` is there once a TileJSON `url` has
// been resolved, which is why the style's JSON alone is not enough.
interface TiledSource {
  type: string;
  tiles?: unknown;
  minzoom?: number;
  maxzoom?: number;
  tileSize?: number;
  scheme?: string;
}

// The style's tiled sources as the engine needs them to build prefetch URLs.
export function sourcesOf(map: MapLibreMap): SourceDescriptor[] {
  const ids = Object.keys(map.getStyle()?.sources ?? {});
  const out: SourceDescriptor[] = [];
  for (const id of ids) {
    const source = map.getSource(id) as TiledSource | undefined;
    if (!source || (source.type !== 'vector' && source.type !== 'raster')) continue;
    const tiles = Array.isArray(source.tiles) ? source.tiles.filter((t): t is string => typeof t === 'string') : [];
    if (tiles.length === 0) continue;
    out.push({
      id,
      kind: source.type,
      tiles,
      // MapLibre's defaults for sources that leave these out
      minzoom: source.minzoom ?? 0,
      maxzoom: source.maxzoom ?? 22,
      tileSize: source.tileSize ?? 512,
      scheme: source.scheme === 'tms' ? 'tms' : 'xyz',
    });
  }
  return out;
}

// Sends the sources when the style loads and again whenever they change (a new style, a source added, a TileJSON
// resolved). Unchanged lists are not re-sent: `styledata` also fires for every paint or layout change.
export function feedSources(map: MapLibreMap, send: (sources: SourceDescriptor[]) => void): () => void {
  let last = '';
  // getStyle() is undefined until the style has loaded: nothing is sent before then.
  const check = () => {
    const sources = sourcesOf(map);
    const text = JSON.stringify(sources);
    if (text === last) return;
    last = text;
    send(sources);
  };
  // `sourcedata` fires for every tile too; only metadata (TileJSON loaded) can change a source's URLs.
  const onSourceData = (e: MapSourceDataEvent) => {
    if (e.sourceDataType === 'metadata') check();
  };
  map.on('load', check);
  map.on('styledata', check);
  map.on('sourcedata', onSourceData);
  return () => {
    map.off('load', check);
    map.off('styledata', check);
    map.off('sourcedata', onSourceData);
  };
}
