import * as Comlink from 'comlink';
import type { EngineApi } from '../contract/engine-api.ts';

// One engine worker for the page: a same-origin module worker (no blob: URL), so a CSP with
// `worker-src 'self'` is enough.
// `tileChannel`: the page's own channel for the tile bridge (tile-channel.ts), passed in the worker's name.
export function startEngineWorker(tileChannel?: string): { engine: Comlink.Remote<EngineApi>; worker: Worker } {
  const name = tileChannel ? `kestrel-engine#${tileChannel}` : 'kestrel-engine';
  const worker = new Worker(new URL('../worker/engine.worker.ts', import.meta.url), { type: 'module', name });
  return { engine: Comlink.wrap<EngineApi>(worker), worker };
}
