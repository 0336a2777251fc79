import type { Page } from '@playwright/test';
import { quantile } from '../bench/measures.ts';
import type { EngineStats } from '../packages/kestrel/src/contract/engine-api.ts';
import type { TileTimelineSummary } from '../packages/kestrel/src/maplibre/tile-timeline.ts';
import { lngLatToTile } from '../packages/kestrel/src/engine/tile-math.ts';
// window.kestrel's type (a global augmentation)
import type {} from '../packages/kestrel/src/maplibre/window-contract.ts';
import { tileUrl } from './fixtures.ts';

// The scripted pan of the prefetch suite and its figures: eastwards at a steady speed across more than 15 tile
// widths at z5 (512-px tiles), starting over the US so it crosses land, sea and land again.
export const PAN = { start: { lng: -100, lat: 40, zoom: 5 }, pxPerS: 1000, durationMs: 8000 };
export const PAN_HASH = `${PAN.start.zoom}/${PAN.start.lat}/${PAN.start.lng}`;
const VIEW = { width: 800, height: 600 };

// Moves the camera by small jumps whose position follows the clock (not a step count), so the speed is the same
// however slowly frames render. Jumps carry no destination: the motion model has to see where the pan goes.
export async function scriptedPan(page: Page, pan = PAN): Promise<void> {
  await page.evaluate(async ({ pxPerS, durationMs }) => {
    const map = window.kestrel.map;
    const t0 = performance.now();
    let done = 0;
    for (;;) {
      const elapsed = Math.min(durationMs, performance.now() - t0);
      const target = (pxPerS * elapsed) / 1000;
      map.panBy([target - done, 0], { animate: false });
      done = target;
      if (elapsed >= durationMs) break;
      await new Promise((resolve) => setTimeout(resolve, 40));
    }
  }, pan);
}

// Cuts every tile the pan can show (plus a margin) once before the timed run, so the server's first-time tile
// cutting is not in the figures of whichever mode runs first.
export async function warmServer(pan = PAN): Promise<void> {
  const z = pan.start.zoom;
  const centre = lngLatToTile(pan.start.lng, pan.start.lat, z);
  const tilePx = 512;
  const distance = (pan.pxPerS * pan.durationMs) / 1000 / tilePx;
  const urls: string[] = [];
  for (let x = Math.floor(centre.x - VIEW.width / 2 / tilePx) - 2; x <= Math.ceil(centre.x + distance + VIEW.width / 2 / tilePx) + 2; x++) {
    for (let y = Math.floor(centre.y - VIEW.height / 2 / tilePx) - 2; y <= Math.ceil(centre.y + VIEW.height / 2 / tilePx) + 2; y++) {
      urls.push(`${tileUrl}/tiles/${z}/${((x % 2 ** z) + 2 ** z) % 2 ** z}/${y}.pbf`);
    }
  }
  for (let i = 0; i < urls.length; i += 8) await Promise.all(urls.slice(i, i + 8).map((u) => fetch(u).then((r) => r.arrayBuffer())));
}

export interface PanFigures {
  mode: string;
  tiles: TileTimelineSummary;
  prefetch: EngineStats['prefetch'] | null;
  // request→bytes of MapLibre's tile requests during the pan
  p50Ms: number;
  p95Ms: number;
  // the engine's side: tiles it answered from memory (MapLibre's asks; prefetch never re-reads memory)
  memoryHits: number | null;
}

// Runs the pan from a settled map with zeroed counters, then waits for the map to settle again.
export async function measurePan(page: Page, mode: string): Promise<PanFigures> {
  await page.evaluate(() => window.kestrel.resetStats());
  await scriptedPan(page);
  await page.evaluate(() => window.kestrel.idle());
  const { tiles, stats } = await page.evaluate(async () => ({ tiles: window.kestrel.tiles(), stats: await window.kestrel.stats() }));
  const at = (q: number) => quantile(tiles.latenciesMs, q) ?? 0;
  return { mode, tiles, prefetch: stats?.prefetch ?? null, p50Ms: at(0.5), p95Ms: at(0.95), memoryHits: stats?.cache.hits.memory ?? null };
}
