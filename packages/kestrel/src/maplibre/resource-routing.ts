// Which of MapLibre's requests go to the engine, under which protocol, and how a resource's bytes are handed back.
// No MapLibre import here: the decisions are plain functions, tested in Node.

import { bridgedTileUrl } from '../contract/tile-channel.ts';

export const ENGINE_PROTOCOL = 'kestrel';
// Non-tile resources get their own scheme. MapLibre's workers register `kestrel://` themselves (the worker bridge,
// vector tiles only); a request they cannot serve under another scheme — a GeoJSON `data` URL is loaded in the
// worker — is forwarded to the main thread, where the resource handler knows its type.
export const RESOURCE_PROTOCOL = 'kestrel-resource';
// The style itself gets a scheme of its own: it comes from `?style=` (untrusted), and its handler refuses what
// the others may load directly (a document past the size cap).
export const STYLE_PROTOCOL = 'kestrel-style';

export const TILE_PREFIX = `${ENGINE_PROTOCOL}://`;
export const RESOURCE_PREFIX = `${RESOURCE_PROTOCOL}://`;
export const STYLE_PREFIX = `${STYLE_PROTOCOL}://`;

// MapLibre's ResourceType names (a const enum in its typings, so spelled out here). Style, TileJSON (and GeoJSON
// data URLs, which MapLibre also asks for as 'Source'), sprites and glyphs: everything a style needs before its
// first tile, so a page opened offline finds all of it in the engine's cache. 'Image' (image sources) and
// 'Unknown' stay with MapLibre's loader.
const RESOURCE_TYPES = new Set(['Style', 'Source', 'SpriteJSON', 'SpriteImage', 'Glyphs']);

// MapLibre's `transformRequest`: routing to our protocols is how every tile and map resource reaches the engine,
// whatever source or style it comes from. Tiles to `kestrel://`, the style's other resources to
// `kestrel-resource://`. Only absolute http(s) URLs: anything else (data:, blob:, relative) is not the network's.
// `pageId` names the page's tile channel (src/contract/tile-channel.ts) inside every tile URL.
export function routeThroughEngine(url: string, resourceType?: string, pageId = 'page'): { url: string } | undefined {
  if (!/^https?:\/\//i.test(url)) return undefined;
  if (resourceType === 'Tile') return { url: bridgedTileUrl(pageId, url) };
  if (resourceType === 'Style') return { url: STYLE_PREFIX + url };
  if (resourceType !== undefined && RESOURCE_TYPES.has(resourceType)) return { url: RESOURCE_PREFIX + url };
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
