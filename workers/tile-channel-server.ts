import { TILE_CHANNEL, type TileChannelMessage } from '../src/contract/tile-channel.ts';
import type { TileEngine } from '../src/engine/tile-engine.ts';
import { toEngineFailure } from '../src/engine/tile-engine.ts';

// Answers tile requests that MapLibre's workers send over the BroadcastChannel, exactly as the comlink `request`
// does for the main thread.
export function serveTileChannel(engine: TileEngine, channel: BroadcastChannel = new BroadcastChannel(TILE_CHANNEL)): () => void {
  const askers = new Map<string, AbortController>();
  const post = (message: TileChannelMessage) => channel.postMessage(message);
  channel.onmessage = (event: MessageEvent<TileChannelMessage>) => {
    const message = event.data;
    if (message.type === 'hello') {
      post({ type: 'ready' });
      return;
    }
    if (message.type === 'cancel') {
      askers.get(message.id)?.abort();
      return;
    }
    if (message.type !== 'request') return;
    const { id, req } = message;
    const controller = new AbortController();
    askers.set(id, controller);
    post({ type: 'ack', id });
    engine.request({ ...req, id }, controller.signal).then(
      (response) => post({ type: 'result', id, result: { ok: true, response } }),
      (error: unknown) => post({ type: 'result', id, result: { ok: false, failure: toEngineFailure(error) } }),
    ).finally(() => askers.delete(id));
  };
  post({ type: 'ready' });
  return () => channel.close();
}
