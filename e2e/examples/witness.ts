import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, type Page, type Worker } from '@playwright/test';

// An independent witness of who fetched what: the browser's own Resource Timing, read in every context of the
// page (the document, the engine worker, MapLibre's workers). Kestrel's code plays no part in it, so a tile whose
// URL shows up in the engine worker's timeline and nowhere else was fetched by the engine and by nothing else.

export interface ContextTimeline {
  // 'page', or the worker script's URL
  context: string;
  names: string[];
  // true when the context's buffer (250 entries by default) filled up: later fetches would be missing
  full: boolean;
}

export interface Timelines {
  page: ContextTimeline;
  engine: ContextTimeline;
  // MapLibre's own workers (every dedicated worker that is not the engine's)
  maplibre: ContextTimeline[];
}

const readTimeline = () => {
  const names = performance.getEntriesByType('resource').map((e) => e.name);
  return { names, full: names.length >= 250 };
};

async function timelineOf(context: Page | Worker, name: string): Promise<ContextTimeline> {
  // (Page and Worker have evaluate overloads TypeScript cannot call through their union)
  const { names, full } = await (context as Worker).evaluate(readTimeline);
  return { context: name, names, full };
}

export const isEngineWorker = (worker: Worker) => worker.url().includes('engine.worker');

// Waits for the engine worker and at least one MapLibre worker to be listed, then reads every timeline.
export async function resourceTimelines(page: Page): Promise<Timelines> {
  await expect.poll(() => page.workers().filter(isEngineWorker).length, { message: 'the engine worker is listed' }).toBe(1);
  await expect.poll(() => page.workers().filter((w) => !isEngineWorker(w)).length, { message: "MapLibre's worker is listed" }).toBeGreaterThan(0);
  const workers = page.workers();
  return {
    page: await timelineOf(page, 'page'),
    engine: await timelineOf(workers.find(isEngineWorker)!, workers.find(isEngineWorker)!.url()),
    maplibre: await Promise.all(workers.filter((w) => !isEngineWorker(w)).map((w) => timelineOf(w, w.url()))),
  };
}

// The tiles went through the engine: the engine worker fetched some tile URLs (those starting with `tilePrefix`),
// and neither the page nor any of MapLibre's workers fetched any. Returns the tile URLs the engine fetched.
export function expectTilesThroughEngine(timelines: Timelines, tilePrefix: string): string[] {
  const tiles = (timeline: ContextTimeline) => timeline.names.filter((name) => name.startsWith(tilePrefix));
  const engineTiles = tiles(timelines.engine);
  expect(timelines.engine.full, 'the engine worker’s Resource Timing buffer did not overflow').toBe(false);
  expect(engineTiles.length, `tiles (${tilePrefix}…) in the engine worker's Resource Timing`).toBeGreaterThan(0);
  expect(tiles(timelines.page), 'tiles the page fetched itself').toEqual([]);
  for (const worker of timelines.maplibre) expect(tiles(worker), `tiles fetched by ${worker.context}`).toEqual([]);
  return engineTiles;
}

// packages/kestrel/dist is what the examples load. When it is missing or older than a source file, it is built
// here (`npm run build:lib`, a few seconds), so a spec never tests a stale build.
export async function ensureFreshLibraryBuild(root: string): Promise<void> {
  const stale = await staleLibraryBuild(root);
  if (!stale) return;
  console.log(`examples: ${stale}; running npm run build:lib`);
  execFileSync('npm', ['run', 'build:lib'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  const still = await staleLibraryBuild(root);
  if (still) throw new Error(`npm run build:lib did not help: ${still}`);
}

async function staleLibraryBuild(root: string): Promise<string | undefined> {
  const dist = join(root, 'packages/kestrel/dist');
  const outputs = ['index.mjs', 'overlay.mjs', 'engine.worker.mjs', 'maplibre-bridge.mjs'].map((file) => join(dist, file));
  const missing = outputs.find((file) => !existsSync(file));
  if (missing) return `${missing} is missing`;
  const built = Math.min(...outputs.map((file) => statSync(file).mtimeMs));
  const sources = (await readdir(join(root, 'packages/kestrel/src'), { recursive: true, withFileTypes: true }))
    .filter((entry) => entry.isFile() && !/\.test\.tsx?$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name));
  const newer = sources.find((file) => statSync(file).mtimeMs > built);
  return newer ? `packages/kestrel/dist is older than ${newer}` : undefined;
}
