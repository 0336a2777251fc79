import { neighbors } from 'topojson-client';
import type { GeometryObject } from 'topojson-specification';

export const TONE_COUNT = 6;

// Greedy colouring over shared borders, biggest neighbourhoods first: with six tones no two neighbouring
// countries share a fill (the map is planar, so four would do in theory; greedy needs a little slack).
export function countryTones(names: readonly string[], geometries: GeometryObject[]): Map<string, number> {
  const adjacency = neighbors(geometries);
  const order = names.map((_, i) => i).sort((a, b) => adjacency[b].length - adjacency[a].length || a - b);
  const tone = new Array<number>(names.length).fill(-1);
  for (const i of order) {
    const taken = new Set(adjacency[i].map((j) => tone[j]));
    let t = 0;
    while (taken.has(t) && t < TONE_COUNT - 1) t++;
    tone[i] = t;
  }
  const byName = new Map<string, number>();
  names.forEach((name, i) => byName.set(name, tone[i]));
  return byName;
}
