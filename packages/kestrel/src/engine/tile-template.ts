import type { SourceDescriptor, TileCoord } from '../contract/engine-api.ts';

// Tokens filled here exactly as MapLibre's CanonicalTileID.url fills them. Others ({ratio}, {quadkey}, {bbox…})
// either depend on the page (pixel ratio) or give URLs the engine cannot parse back into z/x/y, so a source
// using them is not prefetched: a guessed URL that differs from MapLibre's would fill the cache for nobody.
const KNOWN_TOKENS = new Set(['{z}', '{x}', '{y}', '{prefix}']);

export function isPrefetchableTemplate(template: string): boolean {
  const tokens: string[] = template.match(/\{[^}]*\}/g) ?? [];
  return tokens.includes('{z}') && tokens.includes('{x}') && tokens.includes('{y}') && tokens.every((t) => KNOWN_TOKENS.has(t));
}

// The URL MapLibre will ask for this tile: the same template choice ((x + y) mod the number of templates) and
// the same y flip for TMS, so the prefetched copy lands under the cache key of the later visible request.
export function fillTileTemplate(source: Pick<SourceDescriptor, 'tiles' | 'scheme'>, tile: TileCoord): string {
  const template = source.tiles[(tile.x + tile.y) % source.tiles.length];
  const y = source.scheme === 'tms' ? 2 ** tile.z - tile.y - 1 : tile.y;
  return template
    .replace(/{prefix}/g, (tile.x % 16).toString(16) + (tile.y % 16).toString(16))
    .replace(/{z}/g, String(tile.z))
    .replace(/{x}/g, String(tile.x))
    .replace(/{y}/g, String(y));
}
