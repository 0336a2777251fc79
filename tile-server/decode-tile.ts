import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';

export interface DecodedFeature {
  type: 0 | 1 | 2 | 3;
  properties: Record<string, number | string | boolean>;
  geometry: { x: number; y: number }[][];
}

export interface DecodedLayer {
  extent: number;
  version: number;
  features: DecodedFeature[];
}

// Reads an MVT the way MapLibre would (@mapbox/vector-tile), for tests and debugging.
export function decodeTile(bytes: Uint8Array): Record<string, DecodedLayer> {
  const tile = new VectorTile(new PbfReader(bytes));
  const out: Record<string, DecodedLayer> = {};
  for (const [name, layer] of Object.entries(tile.layers)) {
    const features: DecodedFeature[] = [];
    for (let i = 0; i < layer.length; i++) {
      const f = layer.feature(i);
      features.push({ type: f.type, properties: f.properties, geometry: f.loadGeometry() });
    }
    out[name] = { extent: layer.extent, version: layer.version, features };
  }
  return out;
}
