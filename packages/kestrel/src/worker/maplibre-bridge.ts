// Loaded into MapLibre's own workers with `importScriptInWorkers`: registers the `kestrel://` protocol there, so
// vector tiles go from MapLibre's worker to the engine worker over a BroadcastChannel without touching the main
// thread. MapLibre import()s it as a module because its URL ends in .mjs (see vite.config.ts). Each tile URL
// carries its page's id (`kestrel://<page>/<url>`), which names the page's channel. The logic is in tile-bridge.ts.
import { TileBridge } from './tile-bridge.ts';

interface MapLibreWorkerScope {
  addProtocol?: (name: string, load: (params: { url: string; type?: string }, abort: AbortController) => Promise<{ data: ArrayBuffer }>) => void;
}

const bridge = new TileBridge();
(self as unknown as MapLibreWorkerScope).addProtocol?.('kestrel', (params, abortController) => bridge.load(params.url, abortController.signal));
