import { MEASURES, type MeasureKey } from './measures.ts';
import type { RunResult } from './run-scenario.ts';
import { BASELINE_COMPARED, BASELINE_VARIANT } from './scenarios.ts';

export interface Stat {
  median: number;
  min: number;
  max: number;
  n: number;
}

export interface VariantSummary {
  variant: string;
  mode: 'off' | 'engine';
  runs: number;
  timeouts: number;
  errors: string[];
  // what the pages reported; an engine variant showing 'maplibre' ran without the engine
  pageModes: string[];
  measures: Partial<Record<MeasureKey, Stat>>;
}

export interface ScenarioSummary {
  scenario: string;
  variants: VariantSummary[];
  // engine variant → measure → engine median / off median (null when off's median is 0 or either is missing)
  ratios: Record<string, Partial<Record<MeasureKey, number | null>>>;
  // Only with --baseline: `engine` → measure → engine median / engine-baseline median (the same build comparison
  // in one run: below 1 the build under test is better for a lower-is-better measure), null as for `ratios`.
  baselineRatios?: Record<string, Partial<Record<MeasureKey, number | null>>>;
}

export function median(values: number[]): number {
  if (values.length === 0) throw new RangeError('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function stat(values: (number | null | undefined)[]): Stat | undefined {
  const numbers = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  if (numbers.length === 0) return undefined;
  return { median: median(numbers), min: Math.min(...numbers), max: Math.max(...numbers), n: numbers.length };
}

export function ratio(engine: number | undefined, off: number | undefined): number | null {
  if (engine === undefined || off === undefined || off === 0) return null;
  return Math.round((engine / off) * 1000) / 1000;
}

// Every measure `v` has, as v's median over `base`'s (engine/off, engine/engine-baseline).
export function ratiosTo(v: VariantSummary, base: VariantSummary): Partial<Record<MeasureKey, number | null>> {
  const keys = Object.keys(v.measures) as MeasureKey[];
  return Object.fromEntries(keys.map((k) => [k, ratio(v.measures[k]?.median, base.measures[k]?.median)]));
}

// Runs that errored carry no figures and count only in `errors`; runs that timed out count with their
// censored figures (a lower bound) and in `timeouts`.
export function summariseVariant(runs: RunResult[]): VariantSummary {
  const first = runs[0];
  const measured = runs.filter((r) => r.outcome !== 'error');
  const measures: Partial<Record<MeasureKey, Stat>> = {};
  for (const key of Object.keys(MEASURES) as MeasureKey[]) {
    const s = stat(measured.map((r) => r.measures[key]));
    if (s) measures[key] = s;
  }
  return {
    variant: first.variant,
    mode: first.mode,
    runs: runs.length,
    timeouts: runs.filter((r) => r.outcome === 'timeout').length,
    errors: runs.filter((r) => r.outcome === 'error').map((r) => r.error ?? 'unknown error'),
    pageModes: [...new Set(runs.map((r) => r.pageMode).filter((m): m is 'engine' | 'maplibre' => m !== undefined))],
    measures,
  };
}

// Groups runs by scenario then variant, in the order they first appear.
export function summariseRuns(runs: RunResult[]): ScenarioSummary[] {
  const byScenario = new Map<string, Map<string, RunResult[]>>();
  for (const r of runs) {
    const variants = byScenario.get(r.scenario) ?? new Map<string, RunResult[]>();
    byScenario.set(r.scenario, variants);
    variants.set(r.variant, [...(variants.get(r.variant) ?? []), r]);
  }
  return [...byScenario].map(([scenario, variants]) => {
    const summaries = [...variants.values()].map(summariseVariant);
    const off = summaries.find((v) => v.mode === 'off');
    const ratios: ScenarioSummary['ratios'] = {};
    if (off) {
      for (const v of summaries.filter((s) => s.mode === 'engine')) ratios[v.variant] = ratiosTo(v, off);
    }
    const baseline = summaries.find((v) => v.variant === BASELINE_VARIANT.id);
    const compared = summaries.find((v) => v.variant === BASELINE_COMPARED);
    // no key at all without a baseline: a default run's JSON stays as it was
    if (!baseline || !compared) return { scenario, variants: summaries, ratios };
    return { scenario, variants: summaries, ratios, baselineRatios: { [compared.variant]: ratiosTo(compared, baseline) } };
  });
}
