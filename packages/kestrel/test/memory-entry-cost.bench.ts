// Measures what one memory-tier entry costs in heap besides its bytes (freshness policy, key, LRU node, spatial
// index entry), to check ENTRY_OVERHEAD_BYTES (src/engine/memory-tier.ts) against. Cached "no tile" answers have no
// bytes, so the heap grown by N of them, divided by N, is the overhead alone.
// Run: node --expose-gc --import tsx test/memory-entry-cost.bench.ts
import { ENTRY_OVERHEAD_BYTES } from '../src/engine/memory-tier.ts';
import { TileCache } from '../src/engine/tile-cache.ts';

const N = 20_000;
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc (see the comment at the top)');

const cache = new TileCache({ memoryBytes: 1 << 30 });
const headers = { 'cache-control': 'max-age=3600', etag: '"0123456789abcdef0123456789abcdef"', date: new Date().toUTCString() };
gc();
const before = process.memoryUsage().heapUsed;
for (let i = 0; i < N; i++) {
  const coord = { z: 14, x: i % 16384, y: Math.floor(i / 16384) };
  const url = `https://tiles.example/tiles/${coord.z}/${coord.x}/${coord.y}.pbf?key=k`;
  cache.put(cache.keyFor({ url, source: 'tiles.example/tiles', coord }), { url, status: 204, headers, bytes: null });
}
gc();
const perEntry = (process.memoryUsage().heapUsed - before) / N;
console.log(`memory-tier entry overhead: ${perEntry.toFixed(0)} bytes of heap per entry (n=${N}); charged ${ENTRY_OVERHEAD_BYTES}`);
