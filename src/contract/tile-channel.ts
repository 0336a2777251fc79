import type { TileRequest, TileResult } from './engine-api.ts';

// Tile requests from MapLibre's own workers reach the engine worker on this BroadcastChannel, worker to worker,
// so tile bytes never wait behind the main thread's rendering (see docs/ARCHITECTURE.md, "the bridge").
export const TILE_CHANNEL = 'kestrel-tiles';

// A BroadcastChannel reaches every context of the origin, other tabs included: on one shared channel each tab's
// engine would fetch every other tab's tiles too (N tabs, N× the requests). So each page gets its own channel,
// named here, and hands the name to its engine worker (the worker's name) and to MapLibre's workers (the bridge
// script's URL fragment).
export function pageTileChannel(pageId: string): string {
  return `${TILE_CHANNEL}:${pageId}`;
}

// The channel named after the '#' of a worker name or a URL ("…#<channel>" or "…#<channel>.mjs"); the shared
// channel when there is none.
export function tileChannelFrom(text: string): string {
  const at = text.indexOf('#');
  const name = at < 0 ? '' : decodeURIComponent(text.slice(at + 1)).replace(/\.mjs$/, '');
  return name.startsWith(TILE_CHANNEL) ? name : TILE_CHANNEL;
}

export type TileChannelMessage =
  // MapLibre worker → engine: `id` is unique across MapLibre workers (it carries the asker's own prefix)
  | { type: 'request'; id: string; req: TileRequest }
  | { type: 'cancel'; id: string }
  // engine → MapLibre workers: the request arrived (an asker that hears nothing falls back to a direct fetch)
  | { type: 'ack'; id: string }
  | { type: 'result'; id: string; result: TileResult };
