// Micro-benchmark: what a memory hit and an IndexedDB hit cost inside the engine, with nothing else competing
// (the browser figure adds the worker's event-loop contention). Run: npx tsx test/cache-hit.bench.ts
import 'fake-indexeddb/auto';
import { performance } from 'node:perf_hooks';
import { systemClock } from '../src/engine/ports.ts';
import { TileCache } from '../src/engine/tile-cache.ts';
import { TileEngine } from '../src/engine/tile-engine.ts';
import { IdbTileStore } from '../src/worker/idb-tile-store.ts';
import { mvtTile } from './tile-fixtures.ts';

const TILES = 400;
const url = (i: number) => `https://tiles.test/tiles/8/${i % 256}/${Math.floor(i / 256)}.pbf`;
const answer = (i: number) => new Response(mvtTile([{ name: 'places', points: [[i % 4096, 7]] }]), { status: 200, headers: { 'cache-control': 'max-age=3600' } });

function percentiles(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  const q = (p: number) => {
    const at = (s.length - 1) * p;
    const lo = Math.floor(at);
    return s[lo] + (s[Math.ceil(at)] - s[lo]) * (at - lo);
  };
  return { n: s.length, p50: q(0.5), p95: q(0.95), p99: q(0.99) };
}

async function measure(engine: TileEngine, label: string, rounds: number): Promise<void> {
  const samples: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < TILES; i++) {
      const t0 = performance.now();
      const response = await engine.request({ id: `${label}${r}-${i}`, url: url(i), kind: 'vector' });
      samples.push(performance.now() - t0);
      if (response.tier !== label) throw new Error(`expected a ${label} hit, got ${response.tier}`);
    }
  }
  const p = percentiles(samples);
  console.log(`${label.padEnd(7)} hit (ms): p50 ${p.p50.toFixed(3)}  p95 ${p.p95.toFixed(3)}  p99 ${p.p99.toFixed(3)}  (n=${p.n})`);
}

const fetcher = async (u: string) => answer(Number(new URL(u).pathname.split('/')[3]));
const store = new IdbTileStore({ budgetBytes: 64 * 1024 * 1024 });
const cache = new TileCache({ store });
const engine = new TileEngine({ fetcher: (u) => fetcher(u), clock: systemClock, random: Math.random, cache }, { prefetch: { enabled: false } });
for (let i = 0; i < TILES; i++) await engine.request({ id: `warm${i}`, url: url(i), kind: 'vector' });
await cache.flush();
await measure(engine, 'memory', 10);

// A second engine over the same database: memory is empty, so every first ask is an IndexedDB hit.
const coldCache = new TileCache({ store: new IdbTileStore({ budgetBytes: 64 * 1024 * 1024 }), memoryBytes: 1024 });
await coldCache.ready;
const coldEngine = new TileEngine({ fetcher: () => Promise.reject(new Error('no network in this benchmark')), clock: systemClock, random: Math.random, cache: coldCache }, { prefetch: { enabled: false } });
await measure(coldEngine, 'idb', 1);
engine.dispose();
coldEngine.dispose();
