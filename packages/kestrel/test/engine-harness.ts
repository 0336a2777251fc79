import type { DeepPartial, EngineOptions, TileRequest, TileResponse } from '../src/contract/engine-api.ts';
import { EngineError } from '../src/engine/engine-error.ts';
import { TileEngine } from '../src/engine/tile-engine.ts';
import { ControllableFetcher } from './controllable-fetcher.ts';
import { FakeClock, flushMicrotasks } from './fake-clock.ts';
import { FakeTileCache } from './fake-tile-cache.ts';
import { seededRandom } from './seeded-random.ts';

export interface Settled {
  done: boolean;
  value?: TileResponse;
  error?: EngineError;
}

// A TileEngine wired to a fake clock, a controllable fetcher and (unless `cache: false`) a fake cache.
export function engineHarness(options: DeepPartial<EngineOptions> = {}, { cache = true, seed = 1, online = true } = {}) {
  const clock = new FakeClock();
  const network = { online };
  const fetcher = new ControllableFetcher();
  const tileCache = new FakeTileCache();
  const engine = new TileEngine(
    { fetcher: fetcher.fetch, clock, random: seededRandom(seed), cache: cache ? tileCache : undefined, isOnline: () => network.online },
    options,
  );
  let n = 0;
  const req = (url = 'https://a.test/4/8/8.pbf', extra: Partial<TileRequest> = {}): TileRequest => ({
    id: `r${n++}`,
    url,
    kind: 'vector',
    ...extra,
  });
  // Starts a request and records how it settles, so tests can look without awaiting.
  const start = (r: TileRequest, signal?: AbortSignal): Settled => {
    const s: Settled = { done: false };
    engine.request(r, signal).then(
      (value) => Object.assign(s, { done: true, value }),
      (error: EngineError) => Object.assign(s, { done: true, error }),
    );
    return s;
  };
  // Lets the cache lookup and scheduling run, so the fetch (if any) has been made.
  const tick = () => flushMicrotasks();
  // `network.online` is what the engine's isOnline port reads: flip it to take the device offline
  return { clock, fetcher, cache: tileCache, engine, req, start, tick, network };
}
