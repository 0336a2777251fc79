import { TILE_CHANNEL, type TileChannelMessage } from '../contract/tile-channel.ts';
import type { TileEngine } from '../engine/tile-engine.ts';
import { toEngineFailure } from '../engine/tile-engine.ts';

/** The part of BroadcastChannel the server uses. */
export interface ServerChannel {
  postMessage(message: TileChannelMessage): void;
  onmessage: ((event: MessageEvent<TileChannelMessage>) => void) | null;
  close(): void;
}

// Answers tile requests that MapLibre's workers send over the BroadcastChannel, exactly as the comlink `request`
// does for the main thread. Each engine instance has its own id, so bridges can tell a restarted engine (which
// has never heard of their open asks) from the one that acknowledged them.
export function serveTileChannel(
  engine: Pick<TileEngine, 'request'> & { readonly auditing?: boolean },
  channel: ServerChannel = new BroadcastChannel(TILE_CHANNEL) as unknown as ServerChannel,
  instance: string = Math.random().toString(36).slice(2, 10),
): () => void {
  const askers = new Map<string, AbortController>();
  const post = (message: TileChannelMessage) => channel.postMessage(message);
  channel.onmessage = (event: MessageEvent<TileChannelMessage>) => {
    const message = event.data;
    switch (message.type) {
      case 'hello':
        return post({ type: 'ready', engine: instance });
      case 'cancel':
        askers.get(message.id)?.abort();
        return;
      case 'status':
        return post({ type: 'held', asker: message.asker, asked: message.ids, ids: message.ids.filter((id) => askers.has(id)) });
      case 'request':
        break;
      default:
        return;
    }
    const { id, req } = message;
    // A bridge re-sends an ask it thinks lost; if it is in fact still here, one answer will come.
    if (askers.has(id)) return post({ type: 'ack', id, engine: instance });
    const controller = new AbortController();
    askers.set(id, controller);
    post({ type: 'ack', id, engine: instance });
    engine.request({ ...req, id }, controller.signal).then(
      (response) => post({ type: 'result', id, result: { ok: true, response }, ...(engine.auditing ? { audit: true } : {}) }),
      (error: unknown) => post({ type: 'result', id, result: { ok: false, failure: toEngineFailure(error) } }),
    ).finally(() => askers.delete(id));
  };
  post({ type: 'ready', engine: instance });
  return () => channel.close();
}
