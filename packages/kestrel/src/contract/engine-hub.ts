import type { EngineApi } from './engine-api.ts';

/**
 * How a page reaches its engine. `off`: a dedicated worker of its own (one engine per tab). `shared-worker`: one
 * SharedWorker per origin and configuration, every tab connected to it by a MessagePort. `leader`: where there is
 * no SharedWorker (Chrome for Android), one tab elected with Web Locks runs the engine in its dedicated worker and
 * every tab (itself included) reaches it over a BroadcastChannel; when that tab closes, another takes over.
 */
export type SharingMode = 'off' | 'shared-worker' | 'leader';

/** What a tab may call on a shared engine: the engine API (its `setVisibility` is the tab's, for fairness). */
export type HubMethod = keyof EngineApi;

/** A tab's message to the engine hub. `seq` numbers the tab's calls; -1 asks for no reply. */
export type HubCall =
  | { type: 'call'; tab: string; seq: number; method: HubMethod; args: unknown[] }
  // the tab is closing: forget its camera, sources and tile channel
  | { type: 'bye'; tab: string }
  // a tab that has just started (or lost its leader) asks who serves; a SharedWorker's tabs ask it as a heartbeat
  | { type: 'who' }
  // chaos suites: the hub's worker closes itself, as a crash would end it, for every tab it serves
  | { type: 'crash' };

/** The hub's message to a tab: a reply to one call, or (leader mode) the announcement of the serving hub. */
export type HubReply =
  | { type: 'reply'; tab: string; seq: number; ok: true; value: unknown }
  | { type: 'reply'; tab: string; seq: number; ok: false; error: { name: string; message: string } }
  | { type: 'leader'; hub: string };

/** One tab's share of a shared engine: the asks it made and where their answers came from. */
export interface TabStats {
  tab: string;
  // the tab was in front (document.visibilityState) when it last said
  visible: boolean;
  requests: number;
  ok: number;
  noTile: number;
  failed: number;
  aborted: number;
  // tile answers by tier (stale answers counted in their tier); the style, TileJSON, sprites and glyphs are
  // counted apart in `resources`, as in the engine's own figures
  hits: { memory: number; idb: number; network: number };
  // asks for the style, TileJSON, sprites and glyphs (in `requests` too)
  resources: number;
}

/**
 * Which figures are whose, in `EngineStats.sharing`: every other field of the stats is the engine's as a whole
 * (all tabs it serves); `tab` is the asking tab's share. With `mode: 'off'` the engine is the tab's own.
 */
export interface SharingStats {
  mode: SharingMode;
  // tabs the engine serves now
  tabs: number;
  // the engine instance (a new one after a leader hand-over)
  hub?: string;
  tab?: TabStats;
}

/** The hub's names for one origin's engine: every tab with the same database and options meets at these. */
export function hubNames(key: string): { sharedWorker: string; bus: string; lock: string; replies: (tab: string) => string } {
  return {
    sharedWorker: `${SHARED_WORKER_PREFIX}${key}`,
    bus: `kestrel-hub ${key}`,
    lock: `kestrel-leader ${key}`,
    replies: (tab) => `kestrel-hub ${key} tab ${tab}`,
  };
}

/** Worker names that tell the engine worker's entry which way it is addressed (engine.worker.ts). */
export const SHARED_WORKER_PREFIX = 'kestrel-shared ';
export const LEADER_WORKER_PREFIX = 'kestrel-leader ';

/**
 * The configuration key: tabs share an engine only when they name the same database and the same engine options
 * (a tab asking for `maxInFlight: 2` does not silently get another tab's 6). FNV-1a over the options' JSON.
 */
export function sharingKey(dbName: string, options: unknown): string {
  const text = JSON.stringify(options ?? {});
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return `${dbName}#${(hash >>> 0).toString(36)}`;
}
