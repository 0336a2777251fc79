import type { BrowserContext, CDPSession, Page } from '@playwright/test';
import type { EngineStats } from '../packages/kestrel/src/contract/engine-api.ts';
import type { TileTimelineSummary } from '../packages/kestrel/src/maplibre/tile-timeline.ts';
// window.kestrel's type (a global augmentation)
import type {} from '../packages/kestrel/src/maplibre/window-contract.ts';
import type { IdleOutcome } from '../packages/kestrel/src/playwright/wait.ts';

// Waiting for `window.kestrel` and for idle is kestrel-maps/playwright's, shared with the fixture.
export { waitForIdle, waitForKestrel, type IdleOutcome } from '../packages/kestrel/src/playwright/wait.ts';

// Installed before any page script (context.addInitScript). Plain JS in a string on purpose: tsx/esbuild wrap
// named functions in `__name(…)` when they are serialised into the page, so the shim for that goes here too.
// - long tasks: PerformanceObserver('longtask'), buffered so boot-time tasks count on a cold load;
// - frames: a rAF counter that runs only between startFrames() and stopFrames(), so it costs nothing at idle;
// - the page-clock time of every MapLibre 'idle' event, so a window ends when the map settled, not when the
//   harness got round to asking;
// - a tile timeline with the semantics of src/app/map/tile-timeline.ts, used only while the app does not
//   expose `window.kestrel.tiles()` yet (results say which one was read).
export const PROBE_SCRIPT = `(() => {
  if (window.__kestrelBench) return;
  globalThis.__name ??= (fn) => fn;
  const bench = { longTasks: [], idleEvents: [], frames: 0, counting: false, framesFrom: 0, timeline: undefined };
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) bench.longTasks.push([e.startTime, e.duration]);
    }).observe({ type: 'longtask', buffered: true });
  } catch {}
  const tick = () => { if (!bench.counting) return; bench.frames++; requestAnimationFrame(tick); };
  bench.startFrames = () => {
    if (bench.counting) return;
    bench.frames = 0; bench.counting = true; bench.framesFrom = performance.now(); requestAnimationFrame(tick);
  };
  bench.stopFrames = () => { bench.counting = false; return { frames: bench.frames, ms: performance.now() - bench.framesFrom }; };
  const timeline = (map) => {
    const started = new Map();
    let s;
    const reset = () => { s = { requested: 0, delivered: 0, errored: 0, aborted: 0, pending: 0, holeTimeMs: 0, latenciesMs: [] }; started.clear(); };
    reset();
    const key = (e) => (e && e.tile ? (e.sourceId || '') + ':' + e.tile.tileID.key : undefined);
    map.on('dataloading', (e) => { const k = key(e); if (!k || started.has(k)) return; started.set(k, performance.now()); s.requested++; });
    const settle = (outcome) => (e) => {
      const k = key(e); if (!k) return; const t = started.get(k); if (t === undefined) return;
      started.delete(k); s[outcome]++;
      if (outcome === 'delivered') { const ms = performance.now() - t; s.holeTimeMs += ms; s.latenciesMs.push(ms); }
    };
    map.on('data', settle('delivered')); map.on('dataabort', settle('aborted')); map.on('error', settle('errored'));
    return { read: () => ({ ...s, pending: started.size, latenciesMs: [...s.latenciesMs] }), reset };
  };
  let kestrel;
  Object.defineProperty(window, 'kestrel', {
    configurable: true, enumerable: true,
    get: () => kestrel,
    set: (value) => {
      kestrel = value;
      if (value && value.map && !bench.watching) { bench.watching = true; value.map.on('idle', () => bench.idleEvents.push(performance.now())); }
      if (value && value.map && typeof value.tiles !== 'function' && !bench.timeline) bench.timeline = timeline(value.map);
    },
  });
  Object.defineProperty(window, '__kestrelBench', { value: bench });
})();`;

interface BenchGlobal {
  longTasks: [number, number][];
  idleEvents: number[];
  startFrames(): void;
  stopFrames(): { frames: number; ms: number };
  timeline?: { read(): TimelineReading; reset(): void };
}
declare global {
  interface Window {
    __kestrelBench: BenchGlobal;
  }
}

export async function installProbes(context: BrowserContext): Promise<void> {
  await context.addInitScript({ content: PROBE_SCRIPT });
}

export type TimelineSource = 'app' | 'bench';

// The app's summary; `inView` (the current view's tiles by state) only when the app provides it.
export type TimelineReading = Omit<TileTimelineSummary, 'inView'> & { inView?: TileTimelineSummary['inView'] };

// One reading of everything the page knows, at one instant of its clock.
export interface PageMark {
  at: number;
  mode: 'engine' | 'maplibre';
  tiles: TimelineReading;
  timeline: TimelineSource;
  longTasks: [number, number][];
  idleEvents: number[];
  engine: EngineStats | null;
}

export async function readMark(page: Page): Promise<PageMark> {
  return page.evaluate(async () => {
    const k = window.kestrel;
    const bench = window.__kestrelBench;
    const fromApp = typeof k.tiles === 'function';
    const empty = { requested: 0, delivered: 0, errored: 0, aborted: 0, pending: 0, holeTimeMs: 0, latenciesMs: [] };
    const tiles: TimelineReading = fromApp ? k.tiles() : (bench.timeline?.read() ?? empty);
    const engine = typeof k.stats === 'function' ? await k.stats().catch(() => null) : null;
    return {
      at: performance.now(),
      mode: k.mode,
      tiles,
      timeline: (fromApp ? 'app' : 'bench') as 'app' | 'bench',
      longTasks: [...bench.longTasks],
      idleEvents: [...bench.idleEvents],
      engine,
    };
  });
}

// Zeroes the page's counters (engine stats and tile timeline) so the next window starts from nothing.
export async function resetPageCounters(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await window.kestrel.resetStats?.();
    window.__kestrelBench.timeline?.reset();
  });
}

// When the map settled: its first 'idle' event at or after `from` (page clock), else when the wait ended.
export function settledAt(idleEvents: number[], from: number, waitEnded: IdleOutcome): number {
  if (waitEnded.outcome === 'timeout') return waitEnded.at;
  return idleEvents.find((t) => t >= from) ?? waitEnded.at;
}

export async function startFrames(page: Page): Promise<void> {
  await page.evaluate(() => window.__kestrelBench.startFrames());
}

export async function stopFrames(page: Page): Promise<{ frames: number; ms: number }> {
  return page.evaluate(() => window.__kestrelBench.stopFrames());
}

export interface MainThreadMetrics {
  // seconds of main-thread work (Chromium's TaskDuration) and of script within it (ScriptDuration)
  taskS: number;
  scriptS: number;
}

// Chromium's cumulative main-thread counters for the page's renderer (CDP Performance.getMetrics).
export async function readMainThread(cdp: CDPSession): Promise<MainThreadMetrics> {
  await cdp.send('Performance.enable').catch(() => undefined);
  const { metrics } = await cdp.send('Performance.getMetrics');
  const get = (name: string) => metrics.find((m) => m.name === name)?.value ?? 0;
  return { taskS: get('TaskDuration'), scriptS: get('ScriptDuration') };
}

// A navigation may move the page to a fresh renderer whose counters start again at zero: then the later
// reading is itself the delta.
export function mainThreadDelta(before: MainThreadMetrics, after: MainThreadMetrics): MainThreadMetrics {
  if (after.taskS < before.taskS) return after;
  return { taskS: after.taskS - before.taskS, scriptS: after.scriptS - before.scriptS };
}

// The timeline's counters over the window (pending: at its end; latenciesMs: tiles delivered inside it), plus the
// tiles of the final view still errored or loading (the app's census), when the app reports it.
export type TileDelta = Omit<TileTimelineSummary, 'inView'> & { viewHoles?: number };

// Counter deltas, so a window is measured right whether or not resetStats() zeroed the timeline.
export function tileDelta(before: TimelineReading | undefined, after: TimelineReading): TileDelta {
  const b = before ?? { requested: 0, delivered: 0, errored: 0, aborted: 0, pending: 0, holeTimeMs: 0, latenciesMs: [] };
  const reset = after.requested < b.requested;
  const d = (k: 'requested' | 'delivered' | 'errored' | 'aborted' | 'holeTimeMs') => (reset ? after[k] : after[k] - b[k]);
  return {
    requested: d('requested'),
    delivered: d('delivered'),
    errored: d('errored'),
    aborted: d('aborted'),
    pending: after.pending,
    holeTimeMs: d('holeTimeMs'),
    viewHoles: after.inView ? after.inView.errored + after.inView.loading : undefined,
    // the app keeps latencies in delivery order, so the window's are the ones after the earlier reading's
    latenciesMs: reset ? [...after.latenciesMs] : after.latenciesMs.slice(b.latenciesMs.length),
  };
}

// Long tasks that started inside [from, to) of the page clock: count and total duration.
export function longTasksIn(tasks: [number, number][], from: number, to: number): { count: number; totalMs: number } {
  const inside = tasks.filter(([start]) => start >= from && start < to);
  return { count: inside.length, totalMs: inside.reduce((sum, [, d]) => sum + d, 0) };
}
