import * as Comlink from 'comlink';
import type {
  CameraSnapshot,
  DeepPartial,
  EngineApi,
  EngineOptions,
  SourceDescriptor,
  TileRequest,
  TileResult,
} from '../src/contract/engine-api.ts';
import { systemClock } from '../src/engine/ports.ts';
import { TileCache } from '../src/engine/tile-cache.ts';
import { TileEngine, defaultEngineOptions, toEngineFailure } from '../src/engine/tile-engine.ts';
import { fetchAdapter } from './fetch-adapter.ts';
import { IdbTileStore } from './idb-tile-store.ts';
import { watchConnection } from './network-information.ts';

// The worker only wires the engine core to real adapters and exposes it; behaviour lives in src/engine.
const cache = new TileCache({
  store: new IdbTileStore({ budgetBytes: defaultEngineOptions.idbCacheBytes }),
  memoryBytes: defaultEngineOptions.memoryCacheBytes,
  credentialParams: defaultEngineOptions.credentialParams,
});
const engine = new TileEngine({ fetcher: fetchAdapter, clock: systemClock, random: Math.random, cache });
watchConnection((hint) => engine.setConnection(hint));

const api: EngineApi = {
  async configure(options: DeepPartial<EngineOptions>) {
    engine.configure(options);
    cache.configure({ memoryBytes: options.memoryCacheBytes, idbBytes: options.idbCacheBytes, credentialParams: options.credentialParams });
  },
  async request(req: TileRequest): Promise<TileResult> {
    try {
      const response = await engine.request(req);
      // Each response owns its buffer (the engine copies out of the cache), so it can move without a copy.
      return Comlink.transfer({ ok: true, response }, response.data ? [response.data] : []);
    } catch (error) {
      return { ok: false, failure: toEngineFailure(error) };
    }
  },
  cancel(id: string) {
    engine.cancel(id);
  },
  setCamera(camera: CameraSnapshot) {
    engine.setCamera(camera);
  },
  setSources(sources: SourceDescriptor[]) {
    engine.setSources(sources);
  },
  async stats() {
    return engine.stats();
  },
  async resetStats() {
    engine.resetStats();
  },
  async clearCache() {
    await cache.clear();
  },
  async invalidate(bbox, zoom) {
    return cache.invalidate(bbox, { minZoom: zoom?.minZoom ?? 0, maxZoom: zoom?.maxZoom ?? 30 });
  },
  async coverage(bbox, zoom) {
    return [...new Set(cache.coverage(bbox, zoom).map(({ coord: c }) => `${c.z}/${c.x}/${c.y}`))];
  },
};

Comlink.expose(api);
