// Which of MapLibre's requests go to the engine, under which protocol, and how a resource's bytes are handed back.
// No MapLibre import here: the decisions are plain functions, tested in Node.

import { DEFAULT_SCHEME, bridgedTileUrl } from '../contract/tile-channel.ts';

/**
 * The three URL schemes one Kestrel instance registers with MapLibre, derived from its base scheme:
 * - `tile` (`kestrel://`): tiles. MapLibre's workers register it themselves (the worker bridge, vector tiles only).
 * - `resource` (`kestrel-resource://`): the style's other resources. A request MapLibre's workers cannot serve
 *   under another scheme (a GeoJSON `data` URL is loaded in the worker) is forwarded to the main thread, where the
 *   resource handler knows its type.
 * - `style` (`kestrel-style://`): the style itself. It may come from untrusted input, and its handler refuses what
 *   the others may load directly (a document past the size cap).
 */
export interface Schemes {
  tile: string;
  resource: string;
  style: string;
}

export function schemesFor(scheme: string = DEFAULT_SCHEME): Schemes {
  if (!/^[a-z][a-z0-9+.-]*$/.test(scheme)) throw new Error(`scheme must be a URL scheme (lower-case letters, digits, + . -), not "${scheme}"`);
  return { tile: scheme, resource: `${scheme}-resource`, style: `${scheme}-style` };
}

// MapLibre's ResourceType names (a const enum in its typings, so spelled out here). Style, TileJSON (and GeoJSON
// data URLs, which MapLibre also asks for as 'Source'), sprites and glyphs: everything a style needs before its
// first tile, so a page opened offline finds all of it in the engine's cache. 'Image' (image sources) and
// 'Unknown' stay with MapLibre's loader.
const RESOURCE_TYPES = new Set(['Style', 'Source', 'SpriteJSON', 'SpriteImage', 'Glyphs']);

// MapLibre's `transformRequest`: routing to our protocols is how every tile and map resource reaches the engine,
// whatever source or style it comes from. Tiles to `kestrel://`, the style's other resources to
// `kestrel-resource://`. Only absolute http(s) URLs: anything else (data:, blob:, relative) is not the network's.
// `pageId` names the page's tile channel (src/contract/tile-channel.ts) inside every tile URL.
export function routeThroughEngine(url: string, resourceType?: string, pageId = 'page', schemes: Schemes = schemesFor()): { url: string } | undefined {
  // A PMTiles archive (`pmtiles://https://…`, the PMTiles Protocol's convention): its TileJSON and its tiles.
  if (/^pmtiles:\/\/https?:\/\//i.test(url)) {
    if (resourceType === 'Tile') return { url: bridgedTileUrl(pageId, url, schemes.tile) };
    if (resourceType === 'Source') return { url: `${schemes.resource}://${url}` };
    return undefined;
  }
  if (!/^https?:\/\//i.test(url)) return undefined;
  if (resourceType === 'Tile') return { url: bridgedTileUrl(pageId, url, schemes.tile) };
  if (resourceType === 'Style') return { url: `${schemes.style}://${url}` };
  if (resourceType !== undefined && RESOURCE_TYPES.has(resourceType)) return { url: `${schemes.resource}://${url}` };
  return undefined;
}

// What MapLibre asked the protocol for (`RequestParameters.type`).
export type ResponseType = 'json' | 'arrayBuffer' | 'image' | 'string';

// A custom protocol must answer in the shape MapLibre's own loader would: parsed JSON for 'json', text for
// 'string', bytes for 'arrayBuffer' and 'image' (MapLibre decodes those itself). Throws when a JSON resource
// does not parse, so MapLibre reports an error rather than reading garbage.
export function decodeResource(data: ArrayBuffer, type: ResponseType | undefined): unknown {
  if (type === 'json') {
    const text = new TextDecoder().decode(data);
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw new Error(`resource is not valid JSON: ${(error as Error).message}`);
    }
  }
  if (type === 'string') return new TextDecoder().decode(data);
  return data;
}
