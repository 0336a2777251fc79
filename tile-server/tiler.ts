/// <reference path="./vt-pbf.d.ts" />
import type { Feature } from 'geojson';
import GeoJSONVT, { type LegacyFeature } from 'geojson-vt';
import vtpbf from 'vt-pbf';
import { loadCounties, loadLabels, loadPlaces, loadStates, loadWorld } from './data-sources.ts';
import {
  DATA_MAX_ZOOM,
  LAYER_MIN_ZOOM,
  PLACES_MIN_POPULATION,
  countryLabelsMaxRank,
  TILE_BUFFER,
  TILE_EXTENT,
  placesMaxRank,
  worldResolutionFor,
  type LayerId,
  type WorldResolution,
} from './layer-catalog.ts';

export interface TilerOptions {
  // geojson-vt keeps every tile it drills down to; past this many in one index the index is dropped and
  // rebuilt on next use, which bounds memory at the cost of a rebuild (~1 s for 10m data) every ~N new tiles.
  maxIndexTiles?: number;
  onLoad?: (source: string, ms: number) => void;
}

export interface Tiler {
  readonly maxZoom: number;
  // The encoded (uncompressed) MVT, or null when no layer has a feature in the tile.
  getTile(z: number, x: number, y: number): Uint8Array | null;
  // Loads every data source now instead of on first use.
  preload(): void;
}

type SourceId = `world-${WorldResolution}` | 'states' | 'counties' | 'places' | 'labels';
type Indexes = Partial<Record<LayerId, GeoJSONVT>>;

function buildIndex(features: Feature[], indexMaxZoom: number): GeoJSONVT {
  return new GeoJSONVT(
    { type: 'FeatureCollection', features },
    { maxZoom: DATA_MAX_ZOOM, indexMaxZoom, tolerance: 3, extent: TILE_EXTENT, buffer: TILE_BUFFER },
  );
}

// indexMaxZoom = the first zoom a source serves: the eager pass stops there (or earlier where a tile is
// under geojson-vt's 100k-point threshold) and deeper tiles are drilled down on demand.
function loadSource(id: SourceId): Indexes {
  switch (id) {
    case 'world-110m':
    case 'world-50m':
    case 'world-10m': {
      const resolution = id.slice(6) as WorldResolution;
      const layers = loadWorld(resolution);
      const indexMaxZoom = resolution === '110m' ? 2 : resolution === '50m' ? 3 : 5;
      return {
        land: buildIndex(layers.land, indexMaxZoom),
        countries: buildIndex(layers.countries, indexMaxZoom),
        boundaries: buildIndex(layers.boundaries, indexMaxZoom),
      };
    }
    case 'states': {
      const states = loadStates();
      return { states: buildIndex(states.polygons, 3), boundaries: buildIndex(states.boundaries, 3) };
    }
    case 'counties': {
      const counties = loadCounties();
      return { counties: buildIndex(counties.polygons, 6), boundaries: buildIndex(counties.boundaries, 6) };
    }
    case 'places':
      return { places: buildIndex(loadPlaces(PLACES_MIN_POPULATION), 5) };
    case 'labels': {
      const labels = loadLabels();
      return { country_labels: buildIndex(labels.countries, 3), state_labels: buildIndex(labels.states, 3) };
    }
  }
}

const ALL_SOURCES: readonly SourceId[] = ['world-110m', 'world-50m', 'world-10m', 'states', 'counties', 'places', 'labels'];

export function createTiler(options: TilerOptions = {}): Tiler {
  const maxIndexTiles = options.maxIndexTiles ?? 20_000;
  const sources = new Map<SourceId, Indexes>();
  // Evicted after the current tile is cut, so one tile never loads a source twice.
  const oversized = new Set<SourceId>();

  function indexes(id: SourceId): Indexes {
    let loaded = sources.get(id);
    if (!loaded) {
      const started = performance.now();
      loaded = loadSource(id);
      sources.set(id, loaded);
      options.onLoad?.(id, performance.now() - started);
    }
    return loaded;
  }

  function layerTile(id: SourceId, layer: LayerId, z: number, x: number, y: number): LegacyFeature[] {
    const index = indexes(id)[layer];
    if (!index) return [];
    const features = index.getTile(z, x, y)?.features ?? [];
    if (index.tileCoords.length > maxIndexTiles) oversized.add(id);
    return features;
  }

  return {
    maxZoom: DATA_MAX_ZOOM,
    preload() {
      for (const id of ALL_SOURCES) indexes(id);
    },
    getTile(z, x, y) {
      const world = `world-${worldResolutionFor(z)}` as const;
      const layers: Partial<Record<LayerId, LegacyFeature[]>> = {
        land: layerTile(world, 'land', z, x, y),
        countries: layerTile(world, 'countries', z, x, y),
        boundaries: [...layerTile(world, 'boundaries', z, x, y)],
      };
      // US state and county borders join the country borders in one layer, told apart by admin_level.
      layers.country_labels = layerTile('labels', 'country_labels', z, x, y).filter((f) => Number(f.tags?.rank) <= countryLabelsMaxRank(z));
      if (z >= LAYER_MIN_ZOOM.states) {
        layers.state_labels = layerTile('labels', 'state_labels', z, x, y);
        layers.states = layerTile('states', 'states', z, x, y);
        layers.boundaries!.push(...layerTile('states', 'boundaries', z, x, y));
      }
      if (z >= LAYER_MIN_ZOOM.counties) {
        layers.counties = layerTile('counties', 'counties', z, x, y);
        layers.boundaries!.push(...layerTile('counties', 'boundaries', z, x, y));
      }
      const maxRank = placesMaxRank(z);
      layers.places = layerTile('places', 'places', z, x, y).filter((f) => Number(f.tags?.rank) <= maxRank);

      for (const id of oversized) sources.delete(id);
      oversized.clear();

      const nonEmpty: Record<string, { features: LegacyFeature[] }> = {};
      let any = false;
      for (const [name, features] of Object.entries(layers)) {
        if (features.length === 0) continue;
        nonEmpty[name] = { features };
        any = true;
      }
      return any ? vtpbf.fromGeojsonVt(nonEmpty, { version: 2, extent: TILE_EXTENT }) : null;
    },
  };
}
