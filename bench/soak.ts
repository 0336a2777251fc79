import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from '@playwright/test';
import { seededRandom } from '../packages/kestrel/test/seeded-random.ts';
import { PLACES, nextStep, type JourneyStep } from '../e2e/chaos/chaos-plan.ts';
import { launchProfile } from './browser.ts';
import { JsHeaps } from './js-heaps.ts';
import { startBenchServers } from './servers.ts';
import { formatGrowth, growth, soakSvg, type SoakSample } from './soak-plot.ts';

// `npm run soak [-- --minutes 10] [-- --journey bounded|roaming]`: one long random journey in one page (no reloads: a reload would hide a leak),
// against a tile server with a trickle of faults so the error paths run too. Every 30 s it records the JS heap
// of the page and of both workers (after a forced GC) and the storage the cache holds; then it writes
// bench/results/soak-<time>.json and .svg and prints the growth between minute 2 and the end.
const log = (line: string) => process.stderr.write(`${line}\n`);
const arg = (name: string) => {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : undefined;
};
const minutes = Number(arg('minutes') ?? process.env.KESTREL_SOAK_MINUTES ?? 10);
const seed = Number(arg('seed') ?? 1);
const SAMPLE_EVERY_S = 30;
// bounded (default): views among a fixed set (16 places × zooms 3–7 × 5 offsets), so after a few minutes every
// tile is cached and anything still growing is a leak. roaming: the chaos journey's drifting pans, which keep
// meeting new tiles (memory then grows with what the cache holds, up to its budgets).
const journey = arg('journey') ?? 'bounded';
const OFFSETS: [number, number][] = [[0, 0], [2, 1], [-2, 1], [1, -1.5], [-1, -1.5]];

function boundedStep(random: () => number): { step: JourneyStep; pauseMs: number } {
  const [lng, lat] = PLACES[Math.floor(random() * PLACES.length)];
  const zoom = 3 + Math.floor(random() * 5);
  const [dx, dy] = OFFSETS[Math.floor(random() * OFFSETS.length)];
  // offsets shrink with zoom so they stay within a screen or two of the place
  const place: [number, number] = [lng + (dx * 8) / 2 ** (zoom - 3), lat + (dy * 6) / 2 ** (zoom - 3)];
  return { step: { kind: random() < 0.5 ? 'fly' : 'jump', place, zoom }, pauseMs: 400 + Math.floor(random() * 800) };
}
const TRICKLE = { seed, latencyMs: { median: 40, p99: 300 }, status: { '503': 0.02 }, rateLimit: { rate: 0.01, retryAfterS: 1 }, garbageRate: 0.01, truncateRate: 0.01 };

async function step(page: Page, s: JourneyStep): Promise<void> {
  if (s.kind === 'pan') await page.evaluate(([dx, dy]) => void window.kestrel.map.panBy([dx, dy], { duration: 400 }), [s.dx, s.dy]);
  else if (s.kind === 'zoom') {
    await page.evaluate((d) => {
      const map = window.kestrel.map;
      map.zoomTo(Math.min(8, Math.max(2, Math.round(map.getZoom()) + d)), { duration: 400 });
    }, s.delta);
  } else if (s.kind === 'fly') await page.evaluate(([c, z]) => void window.kestrel.map.flyTo({ center: c as [number, number], zoom: z as number, duration: 1200 }), [s.place, s.zoom] as const);
  else if (s.kind === 'jump') await page.evaluate(([c, z]) => void window.kestrel.map.jumpTo({ center: c as [number, number], zoom: z as number }), [s.place, s.zoom] as const);
}

// `--replot <soak.json>`: the figures and plot again from a run's samples, without running it.
function replot(file: string): void {
  const run = JSON.parse(readFileSync(file, 'utf8')) as { minutes: number; seed: number; journey?: string; sampleEverySeconds: number; growth: { fromSeconds: number; toSeconds: number }; samples: SoakSample[] };
  const { fromSeconds: from, toSeconds: to } = run.growth;
  const rows = growth(run.samples, from, to);
  writeFileSync(file.replace(/\.json$/, '.svg'), soakSvg(run.samples, title(run.minutes, run.seed, run.journey ?? 'roaming'), [from, to]));
  writeFileSync(file, `${JSON.stringify({ ...run, growth: { fromSeconds: from, toSeconds: to, rows } }, null, 2)}\n`);
  log(formatGrowth(rows, from, to));
}

function title(minutes: number, seed: number, kind: string): string {
  return `Kestrel soak: ${minutes} min ${kind} random journey (seed ${seed}), sampled every ${SAMPLE_EVERY_S} s`;
}

async function main(): Promise<void> {
  const again = arg('replot');
  if (again) return replot(again);
  const root = resolve(import.meta.dirname, '..');
  const servers = await startBenchServers({ root, rebuild: false, origins: ['default'], log });
  const profile = mkdtempSync(join(tmpdir(), 'kestrel-soak-'));
  const context = await launchProfile(profile, { width: 800, height: 600 });
  const samples: SoakSample[] = [];
  const pageErrors: string[] = [];
  try {
    const { tiles, styleUrl } = servers.endpoint('default');
    // tsx names inner functions with a helper the page does not have
    await context.addInitScript('globalThis.__name ??= (f) => f;');
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${servers.appUrl}/?${new URLSearchParams({ style: styleUrl })}#4/45/5`);
    await page.waitForFunction(() => window.kestrel !== undefined);
    await page.evaluate(() => window.kestrel.ready);
    const heaps = await JsHeaps.attach(context, page);
    tiles.setFaults(TRICKLE);
    const random = seededRandom(seed);
    const started = Date.now();
    const end = started + minutes * 60_000;
    let nextSample = started;
    log(`soak: ${minutes} min, ${journey} journey, seed ${seed}, sampling every ${SAMPLE_EVERY_S} s`);
    for (;;) {
      if (Date.now() >= nextSample) {
        const t = Math.round((Date.now() - started) / 1000);
        const heap = await heaps.read();
        const worker = (part: string) => Object.entries(heap.workers).find(([url]) => url.includes(part))?.[1] ?? null;
        const total = (h: { used: number; backing: number } | null) => (h ? h.used + h.backing : null);
        const stats = await page.evaluate(() => window.kestrel.stats()).catch(() => null);
        const usage = await page.evaluate(() => navigator.storage.estimate().then((e) => e.usage ?? null)).catch(() => null);
        const delivered = await page.evaluate(() => window.kestrel.tiles().delivered).catch(() => 0);
        const sample: SoakSample = {
          t,
          heap: { page: total(heap.page), engineWorker: total(worker('engine.worker')), mapLibreWorker: total(worker('maplibre-gl-worker')) },
          heapDetail: { page: heap.page, engineWorker: worker('engine.worker'), mapLibreWorker: worker('maplibre-gl-worker') },
          idbBytes: stats?.cache.idb.bytes ?? null,
          storageUsage: usage,
          memoryTierBytes: stats?.cache.memory.bytes ?? null,
          entries: stats ? { memory: stats.cache.memory.entries, idb: stats.cache.idb.entries } : null,
          tilesDelivered: delivered,
          serverRequests: tiles.stats().requests,
        };
        samples.push(sample);
        const mib = (b: number | null) => (b === null ? '-' : (b / 2 ** 20).toFixed(1));
        log(`  ${String(t).padStart(4)} s  heap page ${mib(sample.heap.page)} / engine ${mib(sample.heap.engineWorker)} / maplibre ${mib(sample.heap.mapLibreWorker)} MiB, idb ${mib(sample.idbBytes)} MiB, usage ${mib(usage)} MiB, ${delivered} tiles`);
        nextSample += SAMPLE_EVERY_S * 1000;
        if (Date.now() >= end) break;
      }
      const { step: s, pauseMs } = journey === 'roaming' ? nextStep(random, false) : boundedStep(random);
      await step(page, s).catch(() => undefined);
      await new Promise((r) => setTimeout(r, Math.min(pauseMs, Math.max(0, nextSample - Date.now()))));
    }
  } finally {
    await context.close().catch(() => undefined);
    await servers.close();
    rmSync(profile, { recursive: true, force: true });
  }

  const to = minutes * 60;
  const from = Math.min(120, to / 5);
  const rows = growth(samples, from, to);
  const stamp = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z').replaceAll(':', '-');
  const dir = join(resolve(import.meta.dirname, 'results'));
  mkdirSync(dir, { recursive: true });
  const base = join(dir, `soak-${stamp}`);
  writeFileSync(`${base}.json`, `${JSON.stringify({ minutes, seed, journey, faults: TRICKLE, sampleEverySeconds: SAMPLE_EVERY_S, pageErrors, growth: { fromSeconds: from, toSeconds: to, rows }, samples }, null, 2)}\n`);
  writeFileSync(`${base}.svg`, soakSvg(samples, title(minutes, seed, journey), [from, to]));
  log(`\n${formatGrowth(rows, from, to)}\n\npage errors: ${pageErrors.length}${pageErrors.length ? ` (${pageErrors.slice(0, 3).join(' | ')})` : ''}\nwritten: ${base}.json, ${base}.svg`);
}

await main();
