import * as Comlink from 'comlink';
import type { EngineApi, WorkerConfig } from '../contract/engine-api.ts';
import { LEADER_WORKER_PREFIX, SHARED_WORKER_PREFIX } from '../contract/engine-hub.ts';
import { serveHubOnBus, serveHubOnPorts } from './hub-transports.ts';
import { buildWorkerEngine, type WorkerEngine } from './worker-engine.ts';

// The engine worker's entry: nothing is built until `init` names the database and the tile channel, and every
// other call waits for it (the host sends `init` first, then replays the page's state).
let built: WorkerEngine | undefined;
let resolveBuilt!: (engine: WorkerEngine) => void;
const ready = new Promise<WorkerEngine>((resolve) => (resolveBuilt = resolve));

const later =
  <K extends keyof WorkerEngine>(name: K) =>
  async (...args: Parameters<WorkerEngine[K]>) =>
    ((await ready)[name] as (...a: typeof args) => unknown)(...args);

const api: EngineApi = {
  async init(config: WorkerConfig) {
    if (built) return;
    built = buildWorkerEngine(config);
    resolveBuilt(built);
  },
  configure: later('configure') as EngineApi['configure'],
  request: later('request') as EngineApi['request'],
  cancel: later('cancel') as EngineApi['cancel'],
  setCamera: later('setCamera') as EngineApi['setCamera'],
  setVisibility: later('setVisibility') as EngineApi['setVisibility'],
  warmStart: later('warmStart') as EngineApi['warmStart'],
  setSources: later('setSources') as EngineApi['setSources'],
  stats: later('stats') as EngineApi['stats'],
  resetStats: later('resetStats') as EngineApi['resetStats'],
  setStorage: later('setStorage') as EngineApi['setStorage'],
  clearCache: later('clearCache') as EngineApi['clearCache'],
  invalidate: later('invalidate') as EngineApi['invalidate'],
  coverage: later('coverage') as EngineApi['coverage'],
  tileSources: later('tileSources') as EngineApi['tileSources'],
  planArea: later('planArea') as EngineApi['planArea'],
  saveArea: later('saveArea') as EngineApi['saveArea'],
  pauseArea: later('pauseArea') as EngineApi['pauseArea'],
  resumeArea: later('resumeArea') as EngineApi['resumeArea'],
  cancelArea: later('cancelArea') as EngineApi['cancelArea'],
  deleteArea: later('deleteArea') as EngineApi['deleteArea'],
  listAreas: later('listAreas') as EngineApi['listAreas'],
  audit: later('audit') as EngineApi['audit'],
};

// The same script serves three ways, chosen by the page through the worker's name (client/engine-link.ts): a
// SharedWorker every tab connects to, the elected leader tab's worker serving every tab over a BroadcastChannel, or
// (unnamed for sharing) the page's own engine over comlink.
const name = (self as { name?: string }).name ?? '';
if (name.startsWith(SHARED_WORKER_PREFIX)) serveHubOnPorts(self as unknown as EventTarget & { close(): void });
else if (name.startsWith(LEADER_WORKER_PREFIX)) serveHubOnBus(name.slice(LEADER_WORKER_PREFIX.length));
else Comlink.expose(api);
