import type { ViewportSize } from './browser.ts';
import type { JourneyName } from './journeys.ts';
import type { TileOrigin } from './servers.ts';

// A fault document as POST /__faults takes it (tile-server/faults.ts); `{}` is a clean, instant network.
export type Faults = Record<string, unknown>;

export type Mode = 'off' | 'engine';

// One column of a scenario: a mode plus URL parameters. Most scenarios compare `off` with `engine`; the
// concurrency sweep has one engine variant per ?maxInFlight.
export interface Variant {
  id: string;
  mode: Mode;
  params?: Record<string, string>;
  // the in-flight bound this variant runs under (Little's-law figures)
  inFlightLimit?: number;
  // 'baseline': loaded from the --baseline build (servers.ts) instead of the app under test
  app?: 'baseline';
}

export interface Scenario {
  id: string;
  title: string;
  viewport: ViewportSize;
  // start view, MapLibre's hash: zoom/lat/lng[/bearing/pitch]
  hash: string;
  // How the measured window starts:
  // cold    — a fresh context navigates to the view (window: navigation → idle);
  // warm    — visit in a fresh on-disk profile, then reload in that profile (window: reload → idle);
  // offline — visit in a fresh on-disk profile, go offline, open the same URL in a new tab (window: that
  //           navigation → idle or timeout).
  // With a journey the load is unmeasured (clean network) and the window is journey start → idle.
  load: 'cold' | 'warm' | 'offline';
  journey?: JourneyName;
  // faults during the measured window; the unmeasured setup visit uses `setupFaults` (default: the same)
  faults: Faults;
  setupFaults?: Faults;
  idleTimeoutMs: number;
  variants: Variant[];
  // Little's-law reporting: fixed per-request latency of this scenario
  littleLatencyMs?: number;
  // the tile server's Cache-Control (servers.ts); default `public, max-age=3600`
  tileOrigin?: TileOrigin;
  // Not in a default run (which must stay under 15 minutes here); `--scenario <id>` or `--all` runs it.
  extra?: boolean;
}

export const VIEWPORT: ViewportSize = { width: 800, height: 600 };
// 1280×960 at pitch 60 loads ~36 z5 tiles: enough for the in-flight limit to be what decides the load time.
export const LARGE_VIEWPORT: ViewportSize = { width: 1280, height: 960 };

const CLEAN_60: Faults = { latencyMs: { base: 60, jitter: 20 } };
const OFF_AND_ENGINE: Variant[] = [
  { id: 'off', mode: 'off' },
  { id: 'engine', mode: 'engine' },
];
// The engine with vector tiles taking the main-thread hop (?bridge=main) instead of the worker-to-worker bridge:
// the figure for what the hop costs.
const WITH_MAIN_HOP: Variant[] = [...OFF_AND_ENGINE, { id: 'engine-main-hop', mode: 'engine', params: { bridge: 'main' } }];
// The engine with ?prefetch=off: in journeys, what prefetch itself buys (hole time, requests, bytes), from the same
// run as MapLibre alone (`off`) and the engine with prefetch on (`engine`).
const PREFETCH_OFF: Variant = { id: 'engine-prefetch-off', mode: 'engine', params: { prefetch: 'off' } };
const WITH_PREFETCH_OFF: Variant[] = [...OFF_AND_ENGINE, PREFETCH_OFF];
export const CONCURRENCY_LIMITS = [1, 2, 4, 8, 16, 32];

// Central Europe at z5 (10m coastlines, many countries: the heaviest tiles at this zoom).
const EUROPE = '5/47/6';

export const SCENARIOS: Scenario[] = [
  { id: 'cold', title: 'cold load, Europe z5', viewport: VIEWPORT, hash: EUROPE, load: 'cold', faults: CLEAN_60, idleTimeoutMs: 20_000, variants: WITH_MAIN_HOP },
  {
    id: 'warm',
    title: 'warm reload, same profile',
    viewport: VIEWPORT,
    hash: EUROPE,
    load: 'warm',
    faults: CLEAN_60,
    idleTimeoutMs: 20_000,
    variants: OFF_AND_ENGINE,
  },
  {
    id: 'pan',
    title: 'pan 10 × 300 px from Paris z6',
    viewport: VIEWPORT,
    hash: '6/48.85/2.35',
    load: 'cold',
    journey: 'pan',
    faults: { latencyMs: { base: 60, jitter: 10 } },
    idleTimeoutMs: 20_000,
    variants: [...WITH_MAIN_HOP, PREFETCH_OFF],
  },
  {
    id: 'zoom',
    title: 'zoom 5 → 9 → 5 over Chicago',
    viewport: VIEWPORT,
    hash: '5/41.88/-87.63',
    load: 'cold',
    journey: 'zoom',
    faults: CLEAN_60,
    idleTimeoutMs: 20_000,
    variants: WITH_PREFETCH_OFF,
  },
  {
    id: 'flyto',
    title: 'flyTo London → New York z6, 4 s',
    viewport: VIEWPORT,
    hash: '6/51.507/-0.128',
    load: 'cold',
    journey: 'flyTo',
    faults: CLEAN_60,
    idleTimeoutMs: 20_000,
    variants: WITH_PREFETCH_OFF,
  },
  {
    id: 'faulty20',
    title: 'cold load under 20 % 5xx + 5 % hangs',
    viewport: VIEWPORT,
    hash: EUROPE,
    load: 'cold',
    // seed 6 puts 5xx and a hang among the first dozen requests (as in e2e/engine.spec.ts)
    faults: { seed: 6, latencyMs: { base: 60, jitter: 20 }, status: { '500': 0.1, '503': 0.1 }, hangRate: 0.05 },
    idleTimeoutMs: 25_000,
    variants: OFF_AND_ENGINE,
    // `faulty` covers failures in the default run; this harsher one shows the engine waiting out a hang (10 s
    // attempt timeout) where MapLibre alone settles at once with holes.
    extra: true,
  },
  {
    id: 'faulty',
    title: 'pan under 10 % 5xx + 2 % hangs',
    viewport: VIEWPORT,
    hash: '6/48.85/2.35',
    load: 'cold',
    journey: 'pan',
    // Seeded: request n gets outcome n in both modes. Seed 3 hangs requests #6 and #14 and fails #8 and #20
    // (tile-server/fault-decision.ts), so every run meets a hang within the journey's first dozen tiles.
    faults: { seed: 3, latencyMs: { base: 60, jitter: 20 }, status: { '500': 0.05, '503': 0.05 }, hangRate: 0.02 },
    setupFaults: CLEAN_60,
    // A hang costs the engine one retry after its tail timeout (4 × the host's p95, at least 500 ms, once the
    // host has answered 10 times; the fixed 10 s attempt timeout before that, engine/tail-timeout.ts). MapLibre
    // alone waits for a hung tile forever, so `off` runs that meet a hang end at this timeout (their settle time
    // is then this bound, not a measurement).
    idleTimeoutMs: 15_000,
    variants: OFF_AND_ENGINE,
  },
  {
    id: 'slow',
    title: 'cold load, 300 ms median lognormal (p99 1200 ms)',
    viewport: VIEWPORT,
    hash: EUROPE,
    load: 'cold',
    faults: { seed: 11, latencyMs: { median: 300, p99: 1200 } },
    idleTimeoutMs: 30_000,
    variants: OFF_AND_ENGINE,
  },
  {
    id: 'offline',
    title: 'offline revisit of a visited view (tiles max-age 3600)',
    viewport: VIEWPORT,
    hash: EUROPE,
    load: 'offline',
    faults: {},
    setupFaults: CLEAN_60,
    idleTimeoutMs: 15_000,
    variants: OFF_AND_ENGINE,
  },
  {
    // With fresh tiles the browser's HTTP cache serves an offline revisit as well as the engine does; with
    // `no-cache` tiles it must revalidate, cannot, and only a cache that serves stale-if-offline still shows them.
    id: 'offline-nocache',
    title: 'offline revisit of a visited view (tiles no-cache)',
    viewport: VIEWPORT,
    hash: EUROPE,
    load: 'offline',
    faults: {},
    setupFaults: CLEAN_60,
    idleTimeoutMs: 15_000,
    variants: OFF_AND_ENGINE,
    tileOrigin: 'no-cache',
  },
  {
    id: 'concurrency',
    title: 'cold load of ~36 tiles at ?maxInFlight=N, 100 ms fixed latency',
    viewport: LARGE_VIEWPORT,
    hash: '5/40/-95/0/60',
    load: 'cold',
    faults: { latencyMs: { base: 100, jitter: 0 } },
    idleTimeoutMs: 30_000,
    littleLatencyMs: 100,
    variants: [
      { id: 'off', mode: 'off' },
      // Prefetch off: the sweep is about how the bound paces the visible tiles, and prefetched tiles would
      // both add requests and shorten the visible ones.
      ...CONCURRENCY_LIMITS.map((n): Variant => ({ id: `limit-${n}`, mode: 'engine', params: { maxInFlight: String(n), prefetch: 'off' }, inFlightLimit: n })),
    ],
  },
];

// `--baseline DIR`: the other build with the engine on, compared with this build's `engine` variant
// (summarise.ts: ScenarioSummary.baselineRatios).
export const BASELINE_VARIANT: Variant = { id: 'engine-baseline', mode: 'engine', app: 'baseline' };
export const BASELINE_COMPARED = 'engine';

// The scenario with the baseline variant just before its `engine` one (off, engine-baseline, engine, …), so the
// runs alternate over all of them; a scenario without an `engine` variant (the concurrency sweep) has nothing to
// compare and is returned as it is.
export function withBaseline(scenario: Scenario): Scenario {
  const at = scenario.variants.findIndex((v) => v.id === BASELINE_COMPARED);
  if (at < 0) return scenario;
  return { ...scenario, variants: [...scenario.variants.slice(0, at), BASELINE_VARIANT, ...scenario.variants.slice(at)] };
}

// The named scenarios, in the order given; without names every scenario but the extras (all of them with `all`).
export function selectScenarios(ids: string[] | undefined, all = false): Scenario[] {
  if (!ids || ids.length === 0) return all ? SCENARIOS : SCENARIOS.filter((s) => !s.extra);
  const unknown = ids.filter((id) => !SCENARIOS.some((s) => s.id === id));
  if (unknown.length > 0) throw new Error(`unknown scenario ${unknown.join(', ')}; known: ${SCENARIOS.map((s) => s.id).join(', ')}`);
  return ids.map((id) => SCENARIOS.find((s) => s.id === id)!);
}
