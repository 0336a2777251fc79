import type { Map as MapLibreMap, MapSourceDataEvent } from 'maplibre-gl';
import type { AreaBBox, TileCoord, TileSource } from '../contract/engine-api.ts';
import {
  countBySource,
  coverageBBox,
  coverageCollection,
  coverageZoom,
  hatchPattern,
  sourcesCollection,
  viewKeys,
} from './tile-sources-features.ts';
import { TILE_SOURCE_COLOURS, TileSourcesLegend } from './tile-sources-legend.ts';

export const TILE_SOURCES_IDS = {
  source: 'kestrel-tile-sources',
  coverageSource: 'kestrel-tile-coverage',
  coverage: 'kestrel-tile-coverage-fill',
  fill: 'kestrel-tile-sources-fill',
  line: 'kestrel-tile-sources-line',
  hatch: 'kestrel-tile-coverage-hatch',
} as const;

// The overlay's own cadence (src/app/overlay/snapshot-poller.ts): 4 redraws a second at most while the map moves.
export const UPDATE_INTERVAL_MS = 250;
// A worker that is being restarted never answers a call made to its old instance: give up on that redraw then,
// or the layer would wait forever.
const ANSWER_TIMEOUT_MS = 3000;

export interface Throttle {
  schedule(): void;
  cancel(): void;
}

export interface ThrottleClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const browserClock: ThrottleClock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

// Trailing throttle: any number of schedule() calls run `fn` once, no sooner than `intervalMs` after the last run.
export function throttle(fn: () => void, intervalMs: number, clock: ThrottleClock = browserClock): Throttle {
  let last = -Infinity;
  let timer: unknown = null;
  const run = () => {
    timer = null;
    last = clock.now();
    fn();
  };
  return {
    schedule() {
      if (timer !== null) return;
      timer = clock.setTimeout(run, Math.max(0, intervalMs - (clock.now() - last)));
    },
    cancel() {
      if (timer !== null) clock.clearTimeout(timer);
      timer = null;
    },
  };
}

// The two engine questions the layer asks (EngineApi.tileSources and EngineApi.coverage).
export interface TileSourcesLayerDeps {
  tileSources(tiles: string[]): Promise<Record<string, TileSource>>;
  // the engine's cached tiles ("z/x/y") in a box at one zoom, from its rbush index
  coverage(bbox: AreaBBox, zoom: number): Promise<string[]>;
}

interface GeoJSONSourceLike {
  setData(data: GeoJSON.GeoJSON): unknown;
}

const EMPTY: GeoJSON.FeatureCollection = { type: 'FeatureCollection', features: [] };

// The tiles MapLibre is drawing now (loaded ideal tiles and the parents/children standing in for missing ones),
// from every tiled source of the style except this layer's own.
export function viewTiles(map: MapLibreMap): TileCoord[] {
  const out: TileCoord[] = [];
  for (const [id, manager] of Object.entries(map.style?.tileManagers ?? {})) {
    if (id === TILE_SOURCES_IDS.source || id === TILE_SOURCES_IDS.coverageSource) continue;
    const type = manager.getSource().type;
    if (type !== 'vector' && type !== 'raster' && type !== 'raster-dem') continue;
    for (const key of manager.getRenderableIds()) {
      const canonical = manager.getTileByID(key)?.tileID.canonical;
      if (canonical) out.push({ z: canonical.z, x: canonical.x, y: canonical.y });
    }
  }
  return out;
}

// The overlay's optional map layer: each tile on screen outlined (and lightly filled) in the colour of where its
// bytes came from, over a hatched fill of what the engine holds cached at the view's zoom. Redrawn on `move` and
// `data` at most 4 times a second. Each redraw walks MapLibre's on-screen tiles and asks the worker two questions
// (tileSources for those addresses, coverage for the view), one redraw in flight at a time; `setData` runs only
// when the answer changed. Nothing is sent per tile: tiles reach MapLibre's workers without passing through here.
export class TileSourcesLayer {
  private enabled = false;
  private legend: TileSourcesLegend | null = null;
  private drawnSources = '';
  private drawnCoverage = '';
  private busy = false;
  private again = false;
  private readonly redraw = throttle(() => this.update(), UPDATE_INTERVAL_MS);
  private readonly onChange = () => this.redraw.schedule();
  private readonly onData = (event: unknown) => {
    const { sourceId } = event as Partial<MapSourceDataEvent>;
    if (sourceId === TILE_SOURCES_IDS.source || sourceId === TILE_SOURCES_IDS.coverageSource) return;
    this.redraw.schedule();
  };
  // a new style comes without this layer's sources, layers and image
  private readonly onStyleLoad = () => {
    this.drawnSources = this.drawnCoverage = '';
    this.redraw.schedule();
  };

  constructor(
    private readonly map: MapLibreMap,
    private readonly deps: TileSourcesLayerDeps,
  ) {}

  get isEnabled(): boolean {
    return this.enabled;
  }

  setEnabled(on: boolean): void {
    if (on === this.enabled) return;
    this.enabled = on;
    const { map } = this;
    if (on) {
      this.legend = new TileSourcesLegend();
      // under the zoom buttons: the bottom-right corner belongs to the offline control, the left side to the panel
      map.addControl(this.legend, 'top-right');
      map.on('move', this.onChange);
      map.on('data', this.onData);
      map.on('style.load', this.onStyleLoad);
      this.update();
      return;
    }
    map.off('move', this.onChange);
    map.off('data', this.onData);
    map.off('style.load', this.onStyleLoad);
    this.redraw.cancel();
    if (this.legend) map.removeControl(this.legend);
    this.legend = null;
    this.uninstall();
  }

  private update(): void {
    if (!this.enabled || !this.install()) return;
    // asks made while the worker answers the previous one fold into one more after it
    if (this.busy) {
      this.again = true;
      return;
    }
    const tiles = viewTiles(this.map);
    const keys = viewKeys(tiles);
    const zoom = coverageZoom(tiles) ?? Math.max(0, Math.floor(this.map.getZoom()));
    const b = this.map.getBounds();
    const bbox = coverageBBox([b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]);
    this.busy = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('no answer from the engine')), ANSWER_TIMEOUT_MS);
    });
    Promise.race([Promise.all([this.deps.tileSources(keys), this.deps.coverage(bbox, zoom)]), timeout])
      .then(([sources, cached]) => {
        if (this.enabled) this.draw(keys, sources, zoom, cached);
      })
      .catch(() => undefined)
      .finally(() => {
        clearTimeout(timer);
        this.busy = false;
        if (this.again && this.enabled) {
          this.again = false;
          this.redraw.schedule();
        }
      });
  }

  private draw(keys: readonly string[], sources: Record<string, TileSource>, zoom: number, cached: readonly string[]): void {
    const outlines = sourcesCollection(keys, sources);
    const coverage = coverageCollection(cached);
    this.legend?.update(countBySource(outlines), coverage.features.length);
    const outlineSignature = outlines.features.map((f) => `${f.properties.tile}:${f.properties.source}`).join(',');
    if (outlineSignature !== this.drawnSources) {
      this.drawnSources = outlineSignature;
      this.geojson(TILE_SOURCES_IDS.source)?.setData(outlines);
    }
    const coverageSignature = `${zoom}:${coverage.features.map((f) => f.properties.tile).join(',')}`;
    if (coverageSignature !== this.drawnCoverage) {
      this.drawnCoverage = coverageSignature;
      this.geojson(TILE_SOURCES_IDS.coverageSource)?.setData(coverage);
    }
  }

  private geojson(id: string): GeoJSONSourceLike | undefined {
    return this.map.getSource(id) as unknown as GeoJSONSourceLike | undefined;
  }

  // Idempotent; false while there is no loaded style to add to (the `style.load` listener retries then).
  private install(): boolean {
    const { map } = this;
    const ids = TILE_SOURCES_IDS;
    try {
      if (!map.hasImage(ids.hatch)) map.addImage(ids.hatch, { width: 8, height: 8, data: hatchPattern(8) });
      if (!map.getSource(ids.coverageSource)) map.addSource(ids.coverageSource, { type: 'geojson', data: EMPTY });
      if (!map.getSource(ids.source)) map.addSource(ids.source, { type: 'geojson', data: EMPTY });
      if (!map.getLayer(ids.coverage)) {
        map.addLayer({ id: ids.coverage, type: 'fill', source: ids.coverageSource, paint: { 'fill-pattern': ids.hatch, 'fill-opacity': 0.35 } });
      }
      if (!map.getLayer(ids.fill)) {
        map.addLayer({ id: ids.fill, type: 'fill', source: ids.source, paint: { 'fill-color': colourBySource(), 'fill-opacity': 0.12 } });
      }
      if (!map.getLayer(ids.line)) {
        map.addLayer({
          id: ids.line,
          type: 'line',
          source: ids.source,
          paint: { 'line-color': colourBySource(), 'line-width': 2, 'line-opacity': 0.9 },
        });
      }
      return true;
    } catch {
      // "Style is not done loading": the style.load listener runs update() again
      this.drawnSources = this.drawnCoverage = '';
      return false;
    }
  }

  private uninstall(): void {
    const { map } = this;
    const ids = TILE_SOURCES_IDS;
    try {
      for (const layer of [ids.line, ids.fill, ids.coverage]) if (map.getLayer(layer)) map.removeLayer(layer);
      for (const source of [ids.source, ids.coverageSource]) if (map.getSource(source)) map.removeSource(source);
      if (map.hasImage(ids.hatch)) map.removeImage(ids.hatch);
    } catch {
      // the map or its style is already gone: nothing left to remove
    }
    this.drawnSources = this.drawnCoverage = '';
  }
}

// A fixed-length tuple: MapLibre's expression type wants to see the `match` branches and the fallback.
type MatchColour = ['match', ['get', 'source'], string, string, string, string, string, string, string, string, string];

function colourBySource(): MatchColour {
  const c = TILE_SOURCE_COLOURS;
  return ['match', ['get', 'source'], 'memory', c.memory, 'idb', c.idb, 'network', c.network, 'prefetched', c.prefetched, c.unknown];
}
