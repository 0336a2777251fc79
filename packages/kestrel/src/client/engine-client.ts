import * as Comlink from 'comlink';
import type { EngineApi, WorkerConfig } from '../contract/engine-api.ts';

/** A running engine worker and the comlink proxy that speaks to it. */
export interface StartedWorker {
  engine: Comlink.Remote<EngineApi>;
  worker: Worker;
}

// Starts one engine worker and sends it its configuration first: comlink keeps the order of calls, and the
// worker holds every other call until `init` has built the engine (engine.worker.ts).
export function startEngineWorker(create: (name: string) => Worker, config: WorkerConfig): StartedWorker {
  const worker = create(`kestrel-engine ${config.dbName}`);
  const engine = Comlink.wrap<EngineApi>(worker);
  void engine.init(config);
  return { engine, worker };
}
