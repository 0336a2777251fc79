import * as Comlink from 'comlink';
import type { EngineApi } from '../contract/engine-api.ts';

// One engine worker for the page: a same-origin module worker (no blob: URL), so a CSP with
// `worker-src 'self'` is enough.
export function startEngineWorker(): { engine: Comlink.Remote<EngineApi>; worker: Worker } {
  const worker = new Worker(new URL('../../workers/engine.worker.ts', import.meta.url), { type: 'module', name: 'kestrel-engine' });
  return { engine: Comlink.wrap<EngineApi>(worker), worker };
}
