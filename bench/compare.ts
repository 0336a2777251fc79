import { MEASURES, type MeasureKey } from './measures.ts';
import { BASELINE_COMPARED, BASELINE_VARIANT } from './scenarios.ts';
import type { ScenarioSummary } from './summarise.ts';

export interface Change {
  scenario: string;
  variant: string;
  measure: MeasureKey;
  // 'median': a variant's median; 'ratio': an engine variant's median over off's in the same run (the figure
  // that survives a change of machine)
  kind: 'median' | 'ratio';
  baseline: number;
  current: number;
  // signed relative change in the bad direction: +0.25 = 25 % worse
  worseBy: number;
}

export interface Comparison {
  regressions: Change[];
  improvements: Change[];
  compared: number;
}

// Relative change towards worse, given which direction is better. A zero baseline makes any worsening infinite.
export function worseBy(baseline: number, current: number, better: 'lower' | 'higher'): number {
  const delta = better === 'lower' ? current - baseline : baseline - current;
  if (baseline === 0) return delta === 0 ? 0 : delta > 0 ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  return delta / Math.abs(baseline);
}

function pairs(baseline: ScenarioSummary[], current: ScenarioSummary[]) {
  const out: Omit<Change, 'worseBy'>[] = [];
  for (const cur of current) {
    const base = baseline.find((b) => b.scenario === cur.scenario);
    if (!base) continue;
    for (const v of cur.variants) {
      const bv = base.variants.find((b) => b.variant === v.variant);
      if (!bv) continue;
      for (const [measure, s] of Object.entries(v.measures) as [MeasureKey, { median: number }][]) {
        const b = bv.measures[measure];
        if (b) out.push({ scenario: cur.scenario, variant: v.variant, measure, kind: 'median', baseline: b.median, current: s.median });
      }
    }
    for (const [variant, ratios] of Object.entries(cur.ratios)) {
      for (const [measure, r] of Object.entries(ratios) as [MeasureKey, number | null][]) {
        const b = base.ratios[variant]?.[measure];
        if (typeof r === 'number' && typeof b === 'number') out.push({ scenario: cur.scenario, variant, measure, kind: 'ratio', baseline: b, current: r });
      }
    }
  }
  return out;
}

// A regression is worse than the baseline by more than `tolerance` (0.1 = 10 %) AND by more than the measure's
// noise floor (`minDelta`; ratios use 0.1), so 2 → 3 long tasks is not a 50 % regression.
export function compareSummaries(baseline: ScenarioSummary[], current: ScenarioSummary[], tolerance: number, ratiosOnly = false): Comparison {
  const regressions: Change[] = [];
  const improvements: Change[] = [];
  let compared = 0;
  for (const p of pairs(baseline, current)) {
    const info = MEASURES[p.measure];
    if (!info || ('informational' in info && info.informational)) continue;
    if (ratiosOnly && p.kind !== 'ratio') continue;
    compared++;
    const change: Change = { ...p, worseBy: worseBy(p.baseline, p.current, info.better) };
    const floor = p.kind === 'ratio' ? 0.1 : info.minDelta;
    if (Math.abs(p.current - p.baseline) < floor) continue;
    if (change.worseBy > tolerance) regressions.push(change);
    else if (change.worseBy < -tolerance) improvements.push(change);
  }
  return { regressions, improvements, compared };
}

// --baseline: this build's `engine` variant against the baseline build's (engine-baseline) in the same run, each
// median judged as compareSummaries judges one against an earlier file (tolerance and the measure's noise floor).
export function compareWithBaseline(summaries: ScenarioSummary[], tolerance: number): Comparison {
  const pick = (id: string) =>
    summaries.map((s) => ({
      scenario: s.scenario,
      variants: s.variants.filter((v) => v.variant === id).map((v) => ({ ...v, variant: BASELINE_COMPARED })),
      ratios: {},
    }));
  return compareSummaries(pick(BASELINE_VARIANT.id), pick(BASELINE_COMPARED), tolerance);
}
