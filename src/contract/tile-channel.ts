import type { TileRequest, TileResult } from './engine-api.ts';

// Tile requests from MapLibre's own workers reach the engine worker on this BroadcastChannel, worker to worker,
// so tile bytes never wait behind the main thread's rendering (see docs/ARCHITECTURE.md, "the bridge").
export const TILE_CHANNEL = 'kestrel-tiles';

export type TileChannelMessage =
  // MapLibre worker → engine: `id` is unique across MapLibre workers (it carries the asker's own prefix)
  | { type: 'request'; id: string; req: TileRequest }
  | { type: 'cancel'; id: string }
  // engine → MapLibre workers: the request arrived (an asker that hears nothing falls back to a direct fetch)
  | { type: 'ack'; id: string }
  | { type: 'result'; id: string; result: TileResult };
