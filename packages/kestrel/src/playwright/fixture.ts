import { test as base, type BrowserContext, type Page, type ViewportSize } from '@playwright/test';
import type { EngineStats, NetworkStats } from '../contract/engine-api.ts';
import type { KestrelWindowContract } from '../maplibre/window-contract.ts';
import { defaultBudgets, type BudgetLimit } from './budgets.ts';
import { expectWithin } from './expect-budget.ts';
import { JOURNEYS, playJourney, type Journey, type JourneyName } from './journeys.ts';
import { openUrl } from './open-url.ts';
import { waitForIdle, waitForKestrel } from './wait.ts';

// The page's `window.kestrel` (exposeWindowContract), for the functions below that run inside page.evaluate.
declare const window: Window & { kestrel: KestrelWindowContract };

/** Options of {@link KestrelFixture.open}. */
export interface OpenOptions {
  /** Where the app is: a path (resolved against `baseURL`) or an absolute URL. Default: `baseURL`. */
  url?: string;
  /** The URL fragment, e.g. a view as `zoom/lat/lng` when the app keeps its view there (MapLibre's `hash`). */
  hash?: string;
  /** URL query parameters, whatever the app reads; an `undefined` value is left out. */
  params?: Record<string, string | undefined>;
  /** Default: the project's `viewport`. */
  viewport?: ViewportSize;
  /** How long `open`, `journey` and `idle` wait for the map to settle; default 30 000 ms. */
  idleTimeoutMs?: number;
}

/** What `window.kestrel.tiles()` answers: MapLibre's own count of its tile requests. */
export type TileSummary = ReturnType<KestrelWindowContract['tiles']>;

/** One open map: a page in a fresh browser context (empty HTTP cache and IndexedDB, service workers blocked). */
export interface KestrelMap {
  /** The Playwright page the app runs in. */
  page: Page;
  /** `'engine'` when tiles go through Kestrel's engine, `'maplibre'` when the app runs without it (or it could not start). */
  mode: KestrelWindowContract['mode'];
  /** Uncaught errors in the page (`pageerror`) so far, in order. */
  pageErrors: string[];
  /** Plays a camera journey (a name from {@link JOURNEYS}, or your own steps), then waits for the map to settle. */
  journey(journey: JourneyName | Journey): Promise<void>;
  /** Waits until every visible tile is settled; throws if that takes longer than `timeoutMs` (default: `open`'s `idleTimeoutMs`). */
  idle(timeoutMs?: number): Promise<void>;
  /** `window.kestrel.stats()`, the engine's statistics; throws when the page is not running the engine. */
  stats(): Promise<EngineStats>;
  /**
   * `stats().network`: every request the engine put on the wire (attempts by status class, bytes, wire time and
   * queue wait), to compare with the tile host's own request count and service times. Throws when the page is not
   * running the engine, or its engine predates these counts.
   */
  network(): Promise<NetworkStats>;
  /** `window.kestrel.tiles()`: MapLibre's own count of its tile requests, the same with or without the engine. */
  tiles(): Promise<TileSummary>;
  /** Zeroes the engine's counters and the tile timeline, to measure from here on. */
  resetStats(): Promise<void>;
  /** Closes the page's browser context (the fixture also does at the end of the test). */
  close(): Promise<void>;
}

/** The `kestrel` fixture. Every browser context it opens is closed when the test ends. */
export interface KestrelFixture {
  /**
   * Opens the app (any page that calls `exposeWindowContract`) in a fresh browser context; resolves once
   * `window.kestrel` is there, its `ready` has resolved and the map is idle.
   */
  open(options?: OpenOptions): Promise<KestrelMap>;
  /** Asserts a figure against a budget (see {@link expectBudget}); names are the default budgets and the suite's own (`kestrelBudgets`). */
  expectBudget(budget: string | BudgetLimit, actual: number): void;
}

/** Options of the `kestrel` fixture, set with `test.use({...})` or in the Playwright config's `use`. */
export interface KestrelTestOptions {
  /** The suite's own budgets by name, for `kestrel.expectBudget`: added to the defaults, replacing any of the same name. */
  kestrelBudgets: Record<string, BudgetLimit>;
}

const DEFAULT_IDLE_TIMEOUT_MS = 30_000;
// from navigation to `window.kestrel`
const BOOT_TIMEOUT_MS = 15_000;

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
    async network() {
      const stats = await this.stats();
      if (!stats.network) throw new Error('the engine reports no network attempts (a worker bundle older than stats().network)');
      return stats.network;
    },
    tiles: () => page.evaluate(() => window.kestrel.tiles()),
    resetStats: () => page.evaluate(() => window.kestrel.resetStats()),
    close: () => page.context().close(),
  };
}

/**
 * Playwright's `test` with a `kestrel` fixture, for any app that publishes `window.kestrel` with
 * `exposeWindowContract`: open the app, play camera journeys, read the engine's statistics and MapLibre's tile
 * counts, assert budgets. Extend it (`test.extend`) to add your own fixtures or to wrap `kestrel.open` with your
 * app's URL options.
 */
export const test = base.extend<{ kestrel: KestrelFixture } & KestrelTestOptions>({
  kestrelBudgets: [{}, { option: true }],
  kestrel: async (
    { browser, baseURL, viewport, contextOptions, ignoreHTTPSErrors, extraHTTPHeaders, httpCredentials, locale, timezoneId, kestrelBudgets },
    use,
  ) => {
    const contexts: BrowserContext[] = [];
    const budgets = { ...defaultBudgets, ...kestrelBudgets };
    const kestrel: KestrelFixture = {
      async open(options = {}) {
        const url = openUrl(baseURL, options);
        const context = await browser.newContext({
          ...contextOptions,
          ignoreHTTPSErrors,
          extraHTTPHeaders,
          httpCredentials,
          locale,
          timezoneId,
          viewport: options.viewport ?? viewport,
          serviceWorkers: 'block',
        });
        contexts.push(context);
        const page = await context.newPage();
        const pageErrors: string[] = [];
        page.on('pageerror', (error) => pageErrors.push(error.message));
        await page.goto(url);
        await waitForKestrel(page, BOOT_TIMEOUT_MS);
        await page.evaluate(() => window.kestrel.ready);
        const idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
        await settle(page, idleTimeoutMs);
        return mapHandle(page, await page.evaluate(() => window.kestrel.mode), pageErrors, idleTimeoutMs);
      },
      expectBudget: (budget, actual) => expectWithin(budgets, budget, actual),
    };
    try {
      await use(kestrel);
    } finally {
      await Promise.allSettled(contexts.map((c) => c.close()));
    }
  },
});
