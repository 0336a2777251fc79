// Loaded into MapLibre's own workers with `importScriptInWorkers`: registers the `kestrel://` protocol there, so
// vector tiles go from MapLibre's worker to the engine worker over a BroadcastChannel without touching the main
// thread. MapLibre import()s it as a module because its URL ends in .mjs (see vite.config.ts); the page appends
// `#<its tile channel>.mjs`, which keeps that ending and tells this copy which channel is its page's.
import { tileChannelFrom, type TileChannelMessage } from '../src/contract/tile-channel.ts';
import type { TileResult } from '../src/contract/engine-api.ts';

interface MapLibreWorkerScope {
  addProtocol?: (name: string, load: (params: { url: string; type?: string }, abort: AbortController) => Promise<{ data: ArrayBuffer }>) => void;
}

const PREFIX = 'kestrel://';
// With no acknowledgement in this time the engine worker is gone (crashed, restarting): fetch directly instead.
const ACK_TIMEOUT_MS = 2000;

const scope = self as unknown as MapLibreWorkerScope;
// this page's channel, from the fragment of the URL the page imported this script with
const channel = new BroadcastChannel(tileChannelFrom(import.meta.url));
const waiting = new Map<string, { ack: () => void; settle: (result: TileResult) => void }>();
const me = Math.random().toString(36).slice(2, 8);
let next = 0;

channel.onmessage = (event: MessageEvent<TileChannelMessage>) => {
  const message = event.data;
  const entry = 'id' in message ? waiting.get(message.id) : undefined;
  if (!entry) return;
  if (message.type === 'ack') entry.ack();
  else if (message.type === 'result') entry.settle(message.result);
};

async function direct(url: string, signal: AbortSignal): Promise<{ data: ArrayBuffer }> {
  const response = await fetch(url, { signal });
  if (response.status === 204 || response.status === 404) return { data: new ArrayBuffer(0) };
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return { data: await response.arrayBuffer() };
}

scope.addProtocol?.('kestrel', (params, abortController) => {
  const url = params.url.slice(PREFIX.length);
  // Images (raster tiles) are decoded on the main thread anyway; they keep the main-thread path.
  const id = `${me}:${++next}`;
  const signal = abortController.signal;
  return new Promise<TileResult | 'no-engine'>((resolve) => {
    const timer = setTimeout(() => resolve('no-engine'), ACK_TIMEOUT_MS);
    waiting.set(id, { ack: () => clearTimeout(timer), settle: resolve });
    signal.addEventListener('abort', () => {
      channel.postMessage({ type: 'cancel', id } satisfies TileChannelMessage);
      clearTimeout(timer);
      resolve({ ok: false, failure: { reason: 'aborted', message: 'The tile left the view', attempts: 0 } });
    }, { once: true });
    channel.postMessage({ type: 'request', id, req: { id, url, kind: 'vector', purpose: 'visible' } } satisfies TileChannelMessage);
  }).then((result) => {
    waiting.delete(id);
    if (result === 'no-engine') return direct(url, signal);
    if (signal.aborted) throw new DOMException('The tile left the view', 'AbortError');
    if (!result.ok) throw new Error(`Tile failed (${result.failure.reason}): ${result.failure.message}`);
    return { data: result.response.data ?? new ArrayBuffer(0) };
  });
});
