import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, CDPSession, Page } from '@playwright/test';
import { launchProfile } from './browser.ts';
import { JOURNEYS, playJourney } from './journeys.ts';
import {
  installProbes,
  longTasksIn,
  mainThreadDelta,
  readMainThread,
  readMark,
  resetPageCounters,
  settledAt,
  startFrames,
  stopFrames,
  tileDelta,
  waitForIdle,
  waitForKestrel,
} from './measure.ts';
import { BROWSER_CONNECTIONS_PER_HOST, deriveMeasures, type Measures, type RawReadings } from './measures.ts';
import type { EngineStats } from '../packages/kestrel/src/contract/engine-api.ts';
import type { Faults, Mode, Scenario, Variant } from './scenarios.ts';

export interface RunResult {
  scenario: string;
  variant: string;
  mode: Mode;
  run: number;
  // what the page said it was: 'maplibre' for an engine variant means the engine was not live
  pageMode?: 'engine' | 'maplibre';
  timeline?: 'app' | 'bench';
  // idle: settled in time; timeout: the idle wait ran out (the figures are then lower bounds); error: the
  // harness could not complete the run
  outcome: 'idle' | 'timeout' | 'error';
  error?: string;
  readyError?: string;
  measures: Measures;
  // the engine's own statistics at the end of the window (null with ?engine=off)
  engine?: EngineStats | null;
}

export interface ServerStatsReading {
  requests: number;
  bytesSent: number;
  maxInFlight: number;
  byTileTimes: Record<string, number[]>;
  // the server's service time of each tile response sent in full (tile-server/server-stats.ts)
  tileDurationsMs?: number[];
}

// The tile server as a run needs it: in-process for the benchmark, over HTTP for the Playwright suites.
export interface TileControl {
  setFaults(doc: Faults): unknown;
  resetStats(): unknown;
  stats(): ServerStatsReading | Promise<ServerStatsReading>;
}

export interface RunEnv {
  browser: Browser;
  appUrl: string;
  styleUrl: string;
  tiles: TileControl;
  // warm/offline loads in a fresh on-disk profile (a second browser process); false: a fresh in-memory
  // context, whose HTTP cache and IndexedDB also live until the context closes
  persistentProfiles: boolean;
}

const BOOT_TIMEOUT_MS = 15_000;
// After the setup visit: the engine writes IndexedDB asynchronously, the HTTP cache too.
const CACHE_SETTLE_MS = 500;
const CACHE_SETTLE_MAX_MS = 4000;

export function appUrl(env: Pick<RunEnv, 'appUrl' | 'styleUrl'>, scenario: Scenario, variant: Variant): string {
  const params = new URLSearchParams({ style: env.styleUrl, ...(variant.mode === 'off' ? { engine: 'off' } : {}), ...variant.params });
  return `${env.appUrl}/?${params}#${scenario.hash}`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function openContext(env: RunEnv, scenario: Scenario): Promise<{ context: BrowserContext; dispose(): Promise<void> }> {
  if (scenario.load === 'cold' || !env.persistentProfiles) {
    const context = await env.browser.newContext({ viewport: scenario.viewport, deviceScaleFactor: 1, serviceWorkers: 'block' });
    return { context, dispose: () => context.close() };
  }
  const dir = await mkdtemp(join(tmpdir(), 'kestrel-bench-'));
  const context = await launchProfile(dir, scenario.viewport);
  return {
    context,
    async dispose() {
      await context.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

// Visit without measuring and wait until it settled; a setup that does not settle makes the run meaningless.
async function visit(page: Page, url: string, scenario: Scenario): Promise<void> {
  await page.goto(url);
  await waitForKestrel(page, BOOT_TIMEOUT_MS);
  const idle = await waitForIdle(page, scenario.idleTimeoutMs);
  if (idle.outcome !== 'idle') throw new Error(`setup visit did not settle within ${scenario.idleTimeoutMs} ms`);
}

// Until the engine's persistent tier stops growing (or a cap), so a warm reload finds what the visit stored.
async function settleCaches(page: Page): Promise<void> {
  await sleep(CACHE_SETTLE_MS);
  const deadline = Date.now() + CACHE_SETTLE_MAX_MS;
  let last = -1;
  while (Date.now() < deadline) {
    const entries = await page.evaluate(async () => (await window.kestrel.stats())?.cache.idb.entries ?? 0);
    if (entries === last) return;
    last = entries;
    await sleep(250);
  }
}

// The measured stretch of a run, on the page's clock.
interface MeasuredWindow {
  from: number;
  settleMs: number;
  tailMs?: number;
  frames?: { frames: number; ms: number };
  readyError?: string;
  outcome: 'idle' | 'timeout';
}

// Navigation → idle: the page clock starts at navigation, so the window is [0, settled].
async function measureNavigation(page: Page, cdp: CDPSession, scenario: Scenario, navigate: () => Promise<unknown>) {
  const before = await readMainThread(cdp);
  await navigate();
  await waitForKestrel(page, BOOT_TIMEOUT_MS);
  const idle = await waitForIdle(page, scenario.idleTimeoutMs);
  const mark = await readMark(page);
  const after = await readMainThread(cdp);
  const settled = settledAt(mark.idleEvents, 0, idle);
  const window: MeasuredWindow = { from: 0, settleMs: settled, readyError: idle.readyError, outcome: idle.outcome };
  return { window, mark, tiles: tileDelta(undefined, mark.tiles), mainThread: mainThreadDelta(before, after) };
}

async function measureJourney(page: Page, cdp: CDPSession, scenario: Scenario) {
  const start = await readMark(page);
  const before = await readMainThread(cdp);
  await startFrames(page);
  const motion = await playJourney(page, JOURNEYS[scenario.journey!]);
  const frames = await stopFrames(page);
  const idle = await waitForIdle(page, scenario.idleTimeoutMs);
  const mark = await readMark(page);
  const after = await readMainThread(cdp);
  const settled = settledAt(mark.idleEvents, motion.endedAt, idle);
  const window: MeasuredWindow = {
    from: motion.startedAt,
    settleMs: settled - motion.startedAt,
    tailMs: settled - motion.endedAt,
    frames,
    readyError: idle.readyError,
    outcome: idle.outcome,
  };
  return { window, mark, tiles: tileDelta(start.tiles, mark.tiles), mainThread: mainThreadDelta(before, after) };
}

export async function runOnce(env: RunEnv, scenario: Scenario, variant: Variant, run: number): Promise<RunResult> {
  const { tiles: server } = env;
  const url = appUrl(env, scenario, variant);
  const base = { scenario: scenario.id, variant: variant.id, mode: variant.mode, run };
  const startMeasuredWindow = async (page?: Page) => {
    await server.setFaults(scenario.faults);
    await server.resetStats();
    if (page) await resetPageCounters(page);
  };
  await server.setFaults(scenario.setupFaults ?? scenario.faults);
  const { context, dispose } = await openContext(env, scenario);
  try {
    await installProbes(context);
    let page = context.pages()[0] ?? (await context.newPage());
    let cdp = await context.newCDPSession(page);
    let measured: Awaited<ReturnType<typeof measureNavigation>>;
    if (scenario.journey) {
      await visit(page, url, scenario);
      await startMeasuredWindow(page);
      measured = await measureJourney(page, cdp, scenario);
    } else if (scenario.load === 'cold') {
      await startMeasuredWindow();
      measured = await measureNavigation(page, cdp, scenario, () => page.goto(url, { waitUntil: 'commit' }));
    } else {
      await visit(page, url, scenario);
      await settleCaches(page);
      await startMeasuredWindow();
      if (scenario.load === 'warm') {
        measured = await measureNavigation(page, cdp, scenario, () => page.reload({ waitUntil: 'commit' }));
      } else {
        await context.setOffline(true);
        // A new tab, because a goto to the same URL with a hash would only be a same-document navigation.
        await page.close();
        page = await context.newPage();
        cdp = await context.newCDPSession(page);
        measured = await measureNavigation(page, cdp, scenario, () => page.goto(url, { waitUntil: 'commit' }));
      }
    }
    const { window, mark, tiles, mainThread } = measured;
    const serverStats = await server.stats();
    const limit = variant.inFlightLimit ?? (variant.mode === 'off' ? BROWSER_CONNECTIONS_PER_HOST : undefined);
    const readings: RawReadings = {
      settleMs: window.settleMs,
      tailMs: window.tailMs,
      tiles,
      server: serverStats,
      mainThread,
      longTasks: longTasksIn(mark.longTasks, window.from, window.from + window.settleMs),
      frames: window.frames,
      engine: mark.engine,
      little: scenario.littleLatencyMs && limit ? { latencyMs: scenario.littleLatencyMs, limit } : undefined,
      moving: scenario.journey !== undefined,
    };
    return {
      ...base,
      pageMode: mark.mode,
      timeline: mark.timeline,
      outcome: window.outcome,
      readyError: window.readyError,
      measures: deriveMeasures(readings),
      engine: mark.engine,
    };
  } catch (error) {
    return { ...base, outcome: 'error', error: (error as Error).message.split('\n')[0], measures: {} };
  } finally {
    await dispose().catch(() => undefined);
    await server.setFaults({});
  }
}
