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

/** The URL scheme Kestrel registers when none is given (`createKestrel(maplibregl, { scheme })`). */
export const DEFAULT_SCHEME = 'kestrel';

// A tile URL as MapLibre sees it: `<scheme>://<page id>/<upstream url>`. The page id travels with every tile ask,
// so the bridge in MapLibre's worker knows which page's channel to use. (It cannot read it from its own script
// URL: served by the service worker, a module's URL loses the fragment the page put there.) The scheme is the
// engine instance's own, so two instances on one page never answer each other's tiles.
export function bridgedTileUrl(pageId: string, url: string, scheme: string = DEFAULT_SCHEME): string {
  return `${scheme}://${pageId}/${url}`;
}

export function parseBridgedTileUrl(bridged: string): { pageId: string; url: string } {
  const rest = bridged.slice(bridged.indexOf('://') + 3);
  const slash = rest.indexOf('/');
  return { pageId: rest.slice(0, slash), url: rest.slice(slash + 1) };
}

// The channel named after the '#' of a worker name or a URL ("…#<channel>" or "…#<channel>.mjs"); the shared
// channel when there is none.
export function tileChannelFrom(text: string): string {
  const at = text.indexOf('#');
  const name = at < 0 ? '' : decodeURIComponent(text.slice(at + 1)).replace(/\.mjs$/, '');
  return name.startsWith(TILE_CHANNEL) ? name : TILE_CHANNEL;
}

/** How the tile asks one bridge (in one MapLibre worker) received have ended so far. */
export interface BridgeCounts {
  requests: number;
  answered: number;
  errored: number;
  aborted: number;
  // of answered + errored: ended by a direct fetch because no engine answered
  direct: number;
  // asks sent again because the engine that acknowledged them lost them (restarted, or never got them)
  resent: number;
  // asked and not ended yet: requests − answered − errored − aborted
  open: number;
}

/** What one bridge handed MapLibre while the engine audited, per tile URL (credential-free): as DeliveryAuditReport. */
export type BridgeDeliveries = Record<string, { sha256: string[]; ok: number; noTile: number }>;

export type TileChannelMessage =
  // a bridge that just loaded asks whether an engine listens; an engine says 'ready' when it starts and when asked.
  // Messages posted before the engine's channel exists are lost, so bridges hold their requests until 'ready'.
  // `engine` names the engine instance: a bridge that hears a new one re-sends what the old one acknowledged.
  | { type: 'hello' }
  | { type: 'ready'; engine?: string }
  // MapLibre worker → engine: `id` is unique across MapLibre workers (it carries the asker's own prefix)
  | { type: 'request'; id: string; req: TileRequest }
  | { type: 'cancel'; id: string }
  // engine → MapLibre workers: the request arrived (an asker that hears nothing falls back to a direct fetch)
  | { type: 'ack'; id: string; engine?: string }
  // `audit`: the engine's audit option is on, so the bridge records what it hands MapLibre too
  | { type: 'result'; id: string; result: TileResult; audit?: boolean }
  // bridge → engine: which of these acknowledged asks do you still hold? engine → bridge: these (the rest are lost)
  | { type: 'status'; asker: string; ids: string[] }
  | { type: 'held'; asker: string; asked: string[]; ids: string[] }
  // page → bridges: report your counts (window.kestrel.bridge()); bridge → page: here they are
  // `deliveries`: also report what was handed to MapLibre while auditing (URL in its persisted form → SHA-256s)
  | { type: 'census'; deliveries?: boolean }
  | { type: 'census-report'; asker: string; counts: BridgeCounts; deliveries?: BridgeDeliveries };
