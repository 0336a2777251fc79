// `npm run tiles:sweep [-- --max-zoom 6]`: cuts every tile of the pyramid in-process (no HTTP) and prints
// what the tile server's CPU and bytes look like, so tile-size or data changes can be compared run to run.
import { gzipSync } from 'node:zlib';
import { createTiler } from './tiler.ts';

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function parseMaxZoom(argv: readonly string[]): number {
  const i = argv.indexOf('--max-zoom');
  const value = i >= 0 ? Number(argv[i + 1]) : 6;
  if (!Number.isInteger(value) || value < 0 || value > 10) throw new Error('--max-zoom must be an integer 0–10');
  return value;
}

export function sweep(maxZoom: number): void {
  const loadStarted = performance.now();
  const tiler = createTiler();
  tiler.preload();
  const loadMs = performance.now() - loadStarted;

  const times: number[] = [];
  const nonEmptyTimes: number[] = [];
  let nonEmpty = 0;
  let empty = 0;
  let bytes = 0;
  let gzipBytes = 0;
  let largest = { key: '', bytes: 0 };
  let slowest = { key: '', ms: 0 };
  const started = performance.now();
  for (let z = 0; z <= maxZoom; z++) {
    const n = 1 << z;
    for (let x = 0; x < n; x++) {
      for (let y = 0; y < n; y++) {
        const t0 = performance.now();
        const tile = tiler.getTile(z, x, y);
        const ms = performance.now() - t0;
        times.push(ms);
        const key = `${z}/${x}/${y}`;
        if (ms > slowest.ms) slowest = { key, ms };
        if (!tile) {
          empty++;
          continue;
        }
        nonEmpty++;
        nonEmptyTimes.push(ms);
        bytes += tile.length;
        gzipBytes += gzipSync(tile).length;
        if (tile.length > largest.bytes) largest = { key, bytes: tile.length };
      }
    }
  }
  const totalMs = performance.now() - started;
  times.sort((a, b) => a - b);
  nonEmptyTimes.sort((a, b) => a - b);
  const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;
  console.log(`data load (all sources): ${loadMs.toFixed(0)} ms`);
  console.log(`tiles z0–${maxZoom}: ${times.length} (${nonEmpty} non-empty, ${empty} empty)`);
  console.log(
    `generation (cut + encode) per tile: median ${percentile(times, 50).toFixed(2)} ms, p95 ${percentile(times, 95).toFixed(2)} ms, ` +
      `max ${times[times.length - 1].toFixed(1)} ms (${slowest.key}); total ${(totalMs / 1000).toFixed(1)} s`,
  );
  console.log(`  non-empty tiles only: median ${percentile(nonEmptyTimes, 50).toFixed(2)} ms, p95 ${percentile(nonEmptyTimes, 95).toFixed(2)} ms`);
  console.log(`bytes: ${mb(bytes)} uncompressed, ${mb(gzipBytes)} gzipped; largest ${largest.key} ${(largest.bytes / 1024).toFixed(0)} KiB`);
}

sweep(parseMaxZoom(process.argv.slice(2)));
