// Loaded into MapLibre's own workers with `importScriptInWorkers`: registers the `kestrel://` protocol there, so
// vector tiles go from MapLibre's worker to the engine worker over a BroadcastChannel without touching the main
// thread. MapLibre import()s it as a module because its URL ends in .mjs (see vite.config.ts). Each tile URL
// carries its page's id (`kestrel://<page>/<url>`), which names the page's channel.
import { pageTileChannel, parseBridgedTileUrl, type TileChannelMessage } from '../src/contract/tile-channel.ts';
import type { TileResult } from '../src/contract/engine-api.ts';

interface MapLibreWorkerScope {
  addProtocol?: (name: string, load: (params: { url: string; type?: string }, abort: AbortController) => Promise<{ data: ArrayBuffer }>) => void;
}

// With no acknowledgement in this time the engine worker is gone (crashed, restarting): fetch directly instead.
const ACK_TIMEOUT_MS = 2000;
// How long a request waits for an engine to announce itself when none has yet (the engine worker may still be
// loading when MapLibre asks for the first tiles), before it is fetched directly.
const READY_TIMEOUT_MS = 5000;

const scope = self as unknown as MapLibreWorkerScope;
const waiting = new Map<string, { ack: () => void; settle: (result: TileResult) => void }>();
const me = Math.random().toString(36).slice(2, 8);
let next = 0;

interface PageChannel {
  channel: BroadcastChannel;
  engineReady: boolean;
  held: (() => void)[];
}
// One MapLibre worker may serve several maps; each page's engine listens on its own channel.
const pages = new Map<string, PageChannel>();

function pageChannel(pageId: string): PageChannel {
  let page = pages.get(pageId);
  if (page) return page;
  const created: PageChannel = { channel: new BroadcastChannel(pageTileChannel(pageId)), engineReady: false, held: [] };
  created.channel.onmessage = (event: MessageEvent<TileChannelMessage>) => {
    const message = event.data;
    if (message.type === 'ready') {
      created.engineReady = true;
      for (const send of created.held.splice(0)) send();
      return;
    }
    const entry = 'id' in message ? waiting.get(message.id) : undefined;
    if (!entry) return;
    if (message.type === 'ack') entry.ack();
    else if (message.type === 'result') entry.settle(message.result);
  };
  created.channel.postMessage({ type: 'hello' } satisfies TileChannelMessage);
  pages.set(pageId, created);
  return created;
}

// Without the engine there is no retry, but there must still be an end: a hung server must not leave the tile
// pending in MapLibre for ever.
const DIRECT_TIMEOUT_MS = 10_000;

async function direct(url: string, signal: AbortSignal): Promise<{ data: ArrayBuffer }> {
  const response = await fetch(url, { signal: AbortSignal.any([signal, AbortSignal.timeout(DIRECT_TIMEOUT_MS)]) });
  if (response.status === 204 || response.status === 404) return { data: new ArrayBuffer(0) };
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return { data: await response.arrayBuffer() };
}

scope.addProtocol?.('kestrel', (params, abortController) => {
  const { pageId, url } = parseBridgedTileUrl(params.url);
  const page = pageChannel(pageId);
  const { channel, held } = page;
  const id = `${me}:${++next}`;
  const signal = abortController.signal;
  return new Promise<TileResult | 'no-engine'>((resolve) => {
    let timer = setTimeout(() => resolve('no-engine'), page.engineReady ? ACK_TIMEOUT_MS : READY_TIMEOUT_MS);
    waiting.set(id, { ack: () => clearTimeout(timer), settle: resolve });
    const send = () => {
      // settled meanwhile (timed out to a direct fetch, or aborted): nothing to ask for
      if (!waiting.has(id)) return;
      clearTimeout(timer);
      timer = setTimeout(() => resolve('no-engine'), ACK_TIMEOUT_MS);
      channel.postMessage({ type: 'request', id, req: { id, url, kind: 'vector', purpose: 'visible' } } satisfies TileChannelMessage);
    };
    signal.addEventListener('abort', () => {
      channel.postMessage({ type: 'cancel', id } satisfies TileChannelMessage);
      clearTimeout(timer);
      resolve({ ok: false, failure: { reason: 'aborted', message: 'The tile left the view', attempts: 0 } });
    }, { once: true });
    if (page.engineReady) send();
    else held.push(send);
  }).then((result) => {
    waiting.delete(id);
    if (result === 'no-engine') return direct(url, signal);
    if (signal.aborted) throw new DOMException('The tile left the view', 'AbortError');
    if (!result.ok) throw new Error(`Tile failed (${result.failure.reason}): ${result.failure.message}`);
    return { data: result.response.data ?? new ArrayBuffer(0) };
  });
});
