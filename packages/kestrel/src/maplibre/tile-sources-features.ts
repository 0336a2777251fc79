import type { AreaBBox, TileCoord, TileSource } from '../contract/engine-api.ts';

// 'unknown': a tile the engine has no record of (answered before a style change, or dropped from its bounded log)
export type TileSourceLabel = TileSource | 'unknown';

// Web Mercator stops here; a coverage box beyond it only widens the rbush search for nothing.
const MAX_LAT = 85.0511287798066;

export type TileSourceFeatures = GeoJSON.FeatureCollection<GeoJSON.Polygon, { source: TileSourceLabel; tile: string }>;
export type CoverageFeatures = GeoJSON.FeatureCollection<GeoJSON.Polygon, { tile: string }>;

// [west, south, east, north] of a tile in degrees.
export function tileBounds({ z, x, y }: TileCoord): AreaBBox {
  const n = 2 ** z;
  const lat = (t: number) => (Math.atan(Math.sinh(Math.PI * (1 - 2 * t))) * 180) / Math.PI;
  return [(x / n) * 360 - 180, lat((y + 1) / n), ((x + 1) / n) * 360 - 180, lat(y / n)];
}

export function tilePolygon(coord: TileCoord): GeoJSON.Polygon {
  const [w, s, e, n] = tileBounds(coord);
  return { type: 'Polygon', coordinates: [[[w, s], [e, s], [e, n], [w, n], [w, s]]] };
}

export function coordKey({ z, x, y }: TileCoord): string {
  return `${z}/${x}/${y}`;
}

// The distinct addresses among the view's tiles, sorted, so equal views ask and draw equally. A GeoJSON source
// repeats over every world copy by itself, so world copies of one tile collapse into one address.
export function viewKeys(tiles: readonly TileCoord[]): string[] {
  return [...new Set(tiles.map(coordKey))].sort();
}

// One outline per address, labelled with where the engine says its bytes came from.
export function sourcesCollection(keys: readonly string[], sources: Readonly<Record<string, TileSource>>): TileSourceFeatures {
  const features: TileSourceFeatures['features'] = [];
  for (const key of keys) {
    const coord = parseKey(key);
    if (!coord) continue;
    features.push({ type: 'Feature', geometry: tilePolygon(coord), properties: { source: sources[key] ?? 'unknown', tile: key } });
  }
  return { type: 'FeatureCollection', features };
}

// The engine's coverage answer: "z/x/y" strings.
export function coverageCollection(keys: readonly string[]): CoverageFeatures {
  const features: CoverageFeatures['features'] = [];
  for (const key of [...new Set(keys)].sort()) {
    const coord = parseKey(key);
    if (coord) features.push({ type: 'Feature', geometry: tilePolygon(coord), properties: { tile: key } });
  }
  return { type: 'FeatureCollection', features };
}

// "z/x/y" keys (the contract's spelling, not a URL); anything else is skipped rather than drawn in the wrong place.
function parseKey(key: string): TileCoord | undefined {
  const parts = key.split('/').map(Number);
  if (parts.length !== 3 || !parts.every(Number.isInteger)) return undefined;
  const [z, x, y] = parts;
  if (z < 0 || z > 30 || x < 0 || y < 0 || x >= 2 ** z || y >= 2 ** z) return undefined;
  return { z, x, y };
}

export function countBySource(collection: TileSourceFeatures): Record<TileSourceLabel, number> {
  const counts: Record<TileSourceLabel, number> = { memory: 0, idb: 0, network: 0, prefetched: 0, unknown: 0 };
  for (const feature of collection.features) counts[feature.properties.source]++;
  return counts;
}

// MapLibre's bounds run past ±180° when the view shows more than one world copy; the engine's boxes are within
// ±180° and cross the antimeridian as west > east.
export function coverageBBox([west, south, east, north]: AreaBBox): AreaBBox {
  const lat = (v: number) => Math.max(-MAX_LAT, Math.min(MAX_LAT, v));
  if (east - west >= 360) return [-180, lat(south), 180, lat(north)];
  const lng = (v: number) => (v === 180 ? 180 : ((((v + 180) % 360) + 360) % 360) - 180);
  return [lng(west), lat(south), lng(east), lat(north)];
}

// The zoom the view's tiles are drawn at: the most common z among them (a retained parent or child is a minority),
// the deeper one on a tie. Undefined when nothing is drawn yet.
export function coverageZoom(tiles: readonly TileCoord[]): number | undefined {
  const byZoom = new Map<number, number>();
  for (const { z } of tiles) byZoom.set(z, (byZoom.get(z) ?? 0) + 1);
  let best: number | undefined;
  for (const [z, count] of byZoom) {
    const bestCount = best === undefined ? -1 : byZoom.get(best)!;
    if (count > bestCount || (count === bestCount && z > best!)) best = z;
  }
  return best;
}

// Diagonal stripes for the coverage fill: a generated image, because the style may have no sprite.
export function hatchPattern(size = 8, rgba: [number, number, number, number] = [0x33, 0x41, 0x55, 150]): Uint8Array {
  const data = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      if ((x + y) % size >= 2) continue;
      data.set(rgba, (y * size + x) * 4);
    }
  }
  return data;
}
