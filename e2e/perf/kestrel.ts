import type { Browser, BrowserContext, BrowserContextOptions, Page, TestInfo, ViewportSize } from '@playwright/test';
import { JOURNEYS, playJourney, type Journey, type JourneyName } from '../../bench/journeys.ts';
import { waitForIdle, waitForKestrel } from '../../bench/measure.ts';
import type { KestrelWindowContract } from '../../packages/kestrel/src/maplibre/window-contract.ts';
import type { DeepPartial, EngineOptions, EngineStats } from '../../packages/kestrel/src/contract/engine-api.ts';
import type { FaultDocument } from '../../tile-server/faults.ts';
import { startTileServer, type TileServerOptions, type TileServerStats } from '../../tile-server/tile-server.ts';
import { createTiler, type Tiler } from '../../tile-server/tiler.ts';
import { expectBudget } from './expect-budget.ts';

export type { FaultDocument, Journey, JourneyName, TileServerStats };

/** Options of {@link Kestrel.startTileServer}. */
export type StartTileServerOptions = Pick<TileServerOptions, 'cacheControl' | 'warm'> & {
  /** Faults from the first request on: the fault document of tile-server/README.md (latency, 5xx, hangs, …). */
  faults?: FaultDocument;
};

/** A tile server the fixture started in the test's process, on a free port of 127.0.0.1; closed at teardown. */
export interface KestrelTiles {
  /** Its origin, e.g. `http://127.0.0.1:41873`; its style is `${url}/style.json`. */
  url: string;
  /** Replaces the whole fault document (`{}` clears it); throws on an invalid one. Request numbering restarts,
   * so a seeded document replays the same decisions. */
  setFaults(doc: FaultDocument): Promise<void>;
  /** What `GET /__stats` answers: requests (by tile, by status), in flight now and at most, bytes sent, faults. */
  stats(): Promise<TileServerStats>;
  /** Zeroes the counters; `maxInFlight` restarts at the requests still open. */
  resetStats(): Promise<void>;
}

/** Options of {@link Kestrel.open}; each maps to the URL contract of the README. */
export interface OpenOptions {
  /** The tile server whose `/style.json` the map loads: a {@link KestrelTiles} or any `{ url }`. */
  tiles?: { url: string };
  /** Any other style URL (wins over `tiles`). With neither, the app's default: a tile server on :8787. */
  style?: string;
  /** The view, `zoom/lat/lng[/bearing/pitch]`. */
  hash?: string;
  /** `false`: `?engine=off`, MapLibre's own tile loading, the baseline to compare with. */
  engine?: boolean;
  /** `false`: `?prefetch=off`. */
  prefetch?: boolean;
  /** `true`: `?perf=1`, the overlay open. */
  perf?: boolean;
  /** `?engineOptions=`: any engine option (README, "Engine options"). */
  engineOptions?: DeepPartial<EngineOptions>;
  /** Further URL parameters, as they are. */
  params?: Record<string, string>;
  /** Default: the project's `viewport`. */
  viewport?: ViewportSize;
  /** How long `open` and `journey` wait for the map to settle; default 30 000 ms. */
  idleTimeoutMs?: number;
}

export type TileSummary = ReturnType<KestrelWindowContract['tiles']>;

/** One open map: a page in a fresh browser context (empty HTTP cache and IndexedDB, service workers blocked). */
export interface KestrelMap {
  page: Page;
  /** `'maplibre'` with `engine: false`, or when the engine could not start. */
  mode: KestrelWindowContract['mode'];
  /** Uncaught errors in the page (`pageerror`) so far, in order. */
  pageErrors: string[];
  /** Plays a camera journey (a name from bench/journeys.ts, or your own steps), then waits for the map to settle. */
  journey(journey: JourneyName | Journey): Promise<void>;
  /** Waits until every visible tile is settled; throws if that takes longer than `timeoutMs`. */
  idle(timeoutMs?: number): Promise<void>;
  /** `window.kestrel.stats()`; throws when the page is not running the engine. */
  stats(): Promise<EngineStats>;
  /** `window.kestrel.tiles()`: MapLibre's own count of its tile requests, the same in both modes. */
  tiles(): Promise<TileSummary>;
  /** Zeroes the engine's counters and the tile timeline, to measure from here on. */
  resetStats(): Promise<void>;
  close(): Promise<void>;
}

/** The `kestrel` fixture. Everything it starts is closed when the test ends. */
export interface Kestrel {
  startTileServer(options?: StartTileServerOptions): Promise<KestrelTiles>;
  /** Opens the app at the project's `baseURL`; resolves once its style has loaded and the map is idle. */
  open(options?: OpenOptions): Promise<KestrelMap>;
  /** A named budget from e2e/perf/budgets.json or an inline `{ what, max?, min? }`; soft. */
  expectBudget: typeof expectBudget;
}

export interface KestrelEnv {
  browser: Browser;
  baseURL?: string;
  viewport: ViewportSize | null;
  contextOptions: BrowserContextOptions;
  testInfo: TestInfo;
}

const DEFAULT_IDLE_TIMEOUT_MS = 30_000;
// One tiler per test worker, shared by every tile server the fixture starts: loading and indexing the Natural
// Earth data takes seconds, and the tiles it cuts are the same for every server.
let sharedTiler: Tiler | undefined;
const BOOT_TIMEOUT_MS = 15_000;

function appUrl(baseURL: string, o: OpenOptions): string {
  const url = new URL(baseURL);
  const style = o.style ?? (o.tiles ? `${o.tiles.url}/style.json` : undefined);
  const params: Record<string, string | undefined> = {
    style,
    engine: o.engine === false ? 'off' : undefined,
    prefetch: o.prefetch === false ? 'off' : undefined,
    perf: o.perf ? '1' : undefined,
    engineOptions: o.engineOptions ? JSON.stringify(o.engineOptions) : undefined,
    ...o.params,
  };
  for (const [key, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(key, value);
  if (o.hash) url.hash = o.hash;
  return url.href;
}

async function settle(page: Page, timeoutMs: number): Promise<void> {
  const { outcome, readyError } = await waitForIdle(page, timeoutMs);
  if (outcome === 'idle') return;
  const { inView } = await page.evaluate(() => window.kestrel.tiles());
  throw new Error(`the map did not settle within ${timeoutMs} ms (tiles in view still loading: ${inView.loading}, errored: ${inView.errored})${readyError ? `; ready: ${readyError}` : ''}`);
}

function mapHandle(page: Page, mode: KestrelMap['mode'], pageErrors: string[], idleTimeoutMs: number): KestrelMap {
  const idle = (timeoutMs = idleTimeoutMs) => settle(page, timeoutMs);
  return {
    page,
    mode,
    pageErrors,
    async journey(journey) {
      await playJourney(page, typeof journey === 'string' ? JOURNEYS[journey] : journey);
      await idle();
    },
    idle,
    async stats() {
      const stats = await page.evaluate(() => window.kestrel.stats());
      if (!stats) throw new Error(`no engine statistics: the page loads tiles without the engine (mode '${mode}')`);
      return stats;
    },
    tiles: () => page.evaluate(() => window.kestrel.tiles()),
    resetStats: () => page.evaluate(() => window.kestrel.resetStats()),
    close: () => page.context().close(),
  };
}

/** Builds the `kestrel` fixture's value; `dispose` closes every page and tile server it started. */
export function createKestrel(env: KestrelEnv): { kestrel: Kestrel; dispose(): Promise<void> } {
  const contexts: BrowserContext[] = [];
  const servers: { close(): Promise<void>; log: string[] }[] = [];

  const kestrel: Kestrel = {
    async startTileServer(options = {}) {
      const log: string[] = [];
      const server = await startTileServer({ ...options, port: 0, tiler: (sharedTiler ??= createTiler()), log: (line) => log.push(line) });
      servers.push({ close: () => server.close(), log });
      return {
        url: server.url,
        setFaults: async (doc) => void server.setFaults(doc),
        stats: async () => server.stats(),
        resetStats: async () => server.resetStats(),
      };
    },
    async open(options = {}) {
      if (!env.baseURL) throw new Error("kestrel.open needs the Kestrel app's address: set `use.baseURL` in the Playwright config");
      const context = await env.browser.newContext({
        ...env.contextOptions,
        viewport: options.viewport ?? env.viewport,
        serviceWorkers: 'block',
      });
      contexts.push(context);
      const page = await context.newPage();
      const pageErrors: string[] = [];
      page.on('pageerror', (error) => pageErrors.push(error.message));
      await page.goto(appUrl(env.baseURL, options));
      await waitForKestrel(page, BOOT_TIMEOUT_MS);
      await page.evaluate(() => window.kestrel.ready);
      const idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
      await settle(page, idleTimeoutMs);
      return mapHandle(page, await page.evaluate(() => window.kestrel.mode), pageErrors, idleTimeoutMs);
    },
    expectBudget,
  };

  async function dispose(): Promise<void> {
    await Promise.allSettled(contexts.map((c) => c.close()));
    await Promise.allSettled(servers.map((s) => s.close()));
    const failed = env.testInfo.status !== env.testInfo.expectedStatus;
    for (const [i, { log }] of servers.entries()) {
      if (failed && log.length) await env.testInfo.attach(`tile-server-${i + 1}.log`, { body: log.join('\n'), contentType: 'text/plain' });
    }
  }

  return { kestrel, dispose };
}
