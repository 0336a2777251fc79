import { mergeTests } from '@playwright/test';
import type { EngineStats } from 'kestrel-maps';
import { test as kestrelTest } from 'kestrel-maps/playwright';
import type { MeasureKey } from '../../bench/measures.ts';
import { runOnce, type RunEnv, type RunResult, type ServerStatsReading } from '../../bench/run-scenario.ts';
import { SCENARIOS, type Scenario, type Variant } from '../../bench/scenarios.ts';
import { median } from '../../bench/summarise.ts';
import { expect, resetServer, serverStats, setFaults, test as base, tileUrl } from '../fixtures.ts';
import { extendKestrel, type Kestrel } from './kestrel.ts';

export type * from './kestrel.ts';
export { expectBudget, type BudgetLimit } from 'kestrel-maps/playwright';

// Measured runs per mode in a side-by-side test: 2 inside `npm test` (one pair's ratio swings widely on a loaded
// 2-core machine), more with `npm run test:perf` (KESTREL_PERF_RUNS).
export const PERF_RUNS = Math.max(1, Number(process.env.KESTREL_PERF_RUNS ?? 2) || 2);

export const OFF: Variant = { id: 'off', mode: 'off' };
export const ENGINE: Variant = { id: 'engine', mode: 'engine' };

// A bench scenario by id, with overrides (the suites reuse the benchmark's views, journeys and fault documents).
export function scenario(id: string, overrides: Partial<Scenario> = {}): Scenario {
  const found = SCENARIOS.find((s) => s.id === id);
  if (!found) throw new Error(`no bench scenario "${id}"`);
  return { ...found, ...overrides };
}

export interface ModeComparison {
  off: RunResult[];
  engine: RunResult[];
  // median of a measure over one mode's runs (undefined when no run measured it)
  median(mode: 'off' | 'engine', key: MeasureKey): number | undefined;
  // engine median / off median
  ratio(key: MeasureKey): number;
}

export interface Perf {
  // One measured run (a fresh browser context), exactly as the benchmark measures it.
  run(scenario: Scenario, variant: Variant, run?: number): Promise<RunResult>;
  // An unmeasured run first (the tile server cuts tiles on first request), then `runs` runs per mode
  // alternating off, engine, off, engine… in this one test.
  compareModes(scenario: Scenario, runs?: number): Promise<ModeComparison>;
  // Skips the test unless the page really ran the engine.
  requireEngine(result: RunResult): void;
}

const http = {
  setFaults: (doc: object) => setFaults(doc),
  resetStats: async () => {
    await fetch(`${tileUrl}/__stats/reset`, { method: 'POST' });
  },
  stats: async (): Promise<ServerStatsReading> => {
    const s = await serverStats();
    return { requests: s.requests, bytesSent: s.bytesSent, maxInFlight: s.maxInFlight, byTileTimes: s.byTileTimes ?? {} };
  },
};

function failIfBroken(result: RunResult): RunResult {
  if (result.outcome === 'error') throw new Error(`${result.scenario}/${result.variant} run failed: ${result.error}`);
  return result;
}

export function engineStats(result: RunResult): EngineStats {
  if (!result.engine) throw new Error(`${result.scenario}/${result.variant}: no engine statistics (was the engine on?)`);
  return result.engine;
}

/**
 * kestrel-maps/playwright's `test` (with this suite's `pageErrors`) and two fixtures:
 * - `kestrel`, for any suite: the package's fixture (open the app, play journeys, read statistics, assert
 *   budgets), plus tile servers with faults and the viewer's URL options (see ./kestrel.ts and the README, "Using
 *   Kestrel's fixture in your own Playwright suite");
 * - `perf`, for this repository's perf specs: the benchmark's scenarios, run exactly as `npm run bench` runs
 *   them, against the tile server the Playwright config starts.
 */
export const test = mergeTests(kestrelTest, base).extend<{ perf: Perf; kestrel: Kestrel }>({
  kestrel: async ({ kestrel: packageKestrel }, use, testInfo) => {
    const { kestrel, dispose } = extendKestrel(packageKestrel, testInfo);
    try {
      await use(kestrel);
    } finally {
      await dispose();
    }
  },
  perf: async ({ browser, baseURL }, use, testInfo) => {
    const env: RunEnv = { browser, appUrl: baseURL!, styleUrl: `${tileUrl}/style.json`, tiles: http, persistentProfiles: false };
    const perf: Perf = {
      run: async (s, v, run = 0) => failIfBroken(await runOnce(env, s, v, run)),
      async compareModes(s, runs = PERF_RUNS) {
        await runOnce(env, s, OFF, -1);
        const off: RunResult[] = [];
        const engine: RunResult[] = [];
        for (let i = 0; i < runs; i++) {
          off.push(await perf.run(s, OFF, i));
          engine.push(await perf.run(s, ENGINE, i));
        }
        perf.requireEngine(engine[0]);
        const med = (mode: 'off' | 'engine', key: MeasureKey) => {
          const values = (mode === 'off' ? off : engine).map((r) => r.measures[key]).filter((v): v is number => typeof v === 'number');
          return values.length ? median(values) : undefined;
        };
        const ratio = (key: MeasureKey) => {
          const e = med('engine', key);
          const o = med('off', key);
          if (e === undefined || o === undefined) throw new Error(`${s.id}: ${key} was not measured in both modes`);
          // both zero is parity, not a division by zero
          return o === 0 ? (e === 0 ? 1 : Number.POSITIVE_INFINITY) : e / o;
        };
        testInfo.annotations.push({
          type: 'perf-runs',
          description: `${s.id}: ${runs} run(s) per mode; settle ms off ${off.map((r) => r.measures.settleMs).join('/')}, engine ${engine.map((r) => r.measures.settleMs).join('/')}`,
        });
        return { off, engine, median: med, ratio };
      },
      // Fails, never skips: a regression that leaves the page without its engine must not pass as "skipped".
      requireEngine(result) {
        expect(result.pageMode, `the engine is not live (the page reports mode '${result.pageMode}'): nothing to budget`).toBe('engine');
      },
    };
    // Every perf test starts and ends with no faults and zeroed server counters (the tile server is shared).
    await resetServer();
    await use(perf);
    await resetServer();
  },
});

export { expect } from '../fixtures.ts';
