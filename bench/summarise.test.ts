import { describe, expect, it } from 'vitest';
import type { RunResult } from './run-scenario.ts';
import { median, ratio, ratiosTo, stat, summariseRuns, summariseVariant } from './summarise.ts';

function run(partial: Partial<RunResult> & Pick<RunResult, 'variant' | 'mode'>): RunResult {
  return { scenario: 'cold', run: 0, outcome: 'idle', pageMode: partial.mode === 'off' ? 'maplibre' : 'engine', measures: {}, ...partial };
}

describe('median', () => {
  it('takes the middle value of an odd count, whatever the input order', () => {
    expect(median([5, 1, 3])).toBe(3);
  });
  it('averages the two middle values of an even count', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
  it('does not reorder its input', () => {
    const values = [3, 1, 2];
    median(values);
    expect(values).toEqual([3, 1, 2]);
  });
  it('refuses an empty list instead of inventing a value', () => {
    expect(() => median([])).toThrow(RangeError);
  });
});

describe('stat', () => {
  it('gives median, min, max and how many values it used', () => {
    expect(stat([10, 30, 20])).toEqual({ median: 20, min: 10, max: 30, n: 3 });
  });
  it('ignores null, undefined and non-finite values', () => {
    expect(stat([null, 4, undefined, Number.NaN, 6])).toEqual({ median: 5, min: 4, max: 6, n: 2 });
  });
  it('is undefined when nothing was measured', () => {
    expect(stat([null, undefined])).toBeUndefined();
  });
});

describe('ratio', () => {
  it('is engine over off, to three decimals', () => {
    expect(ratio(2, 3)).toBe(0.667);
  });
  it('is null when off is zero or either side is missing', () => {
    expect(ratio(1, 0)).toBeNull();
    expect(ratio(undefined, 3)).toBeNull();
    expect(ratio(3, undefined)).toBeNull();
  });
});

describe('summariseVariant', () => {
  it('counts timeouts with their figures and errors without', () => {
    const s = summariseVariant([
      run({ variant: 'off', mode: 'off', measures: { settleMs: 100 } }),
      run({ variant: 'off', mode: 'off', outcome: 'timeout', measures: { settleMs: 25_000 } }),
      run({ variant: 'off', mode: 'off', outcome: 'error', error: 'boom', measures: { settleMs: 1 } }),
    ]);
    expect(s.runs).toBe(3);
    expect(s.timeouts).toBe(1);
    expect(s.errors).toEqual(['boom']);
    expect(s.measures.settleMs).toEqual({ median: 12_550, min: 100, max: 25_000, n: 2 });
  });
  it('reports the modes the pages said they ran in', () => {
    const s = summariseVariant([run({ variant: 'engine', mode: 'engine', pageMode: 'maplibre' })]);
    expect(s.pageModes).toEqual(['maplibre']);
  });
});

describe('summariseRuns', () => {
  const runs = [
    run({ variant: 'off', mode: 'off', measures: { settleMs: 1000, tilesMissing: 0 } }),
    run({ variant: 'engine', mode: 'engine', measures: { settleMs: 800, tilesMissing: 0 } }),
    run({ variant: 'off', mode: 'off', run: 1, measures: { settleMs: 1200, tilesMissing: 0 } }),
    run({ variant: 'engine', mode: 'engine', run: 1, measures: { settleMs: 900, tilesMissing: 0 } }),
    run({ scenario: 'warm', variant: 'off', mode: 'off', measures: { settleMs: 300 } }),
  ];

  it('groups by scenario and variant in order of first appearance', () => {
    const out = summariseRuns(runs);
    expect(out.map((s) => s.scenario)).toEqual(['cold', 'warm']);
    expect(out[0].variants.map((v) => v.variant)).toEqual(['off', 'engine']);
  });
  it('gives each engine variant the ratio of its medians to off', () => {
    const [cold] = summariseRuns(runs);
    expect(cold.ratios.engine.settleMs).toBe(0.773);
    expect(cold.ratios.engine.tilesMissing).toBeNull();
  });
  it('adds no baselineRatios key without an engine-baseline variant (a default run’s JSON is unchanged)', () => {
    for (const s of summariseRuns(runs)) expect(Object.keys(s)).toEqual(['scenario', 'variants', 'ratios']);
  });
  it('has no ratios for a scenario without an off variant', () => {
    const out = summariseRuns([run({ variant: 'limit-2', mode: 'engine', measures: { settleMs: 1 } })]);
    expect(out[0].ratios).toEqual({});
  });
});

describe('summariseRuns with a baseline build', () => {
  // off, engine-baseline, engine alternating, as run.ts plays them with --baseline
  const figures = {
    off: [
      { mainMsPerTile: 90, holeTimeMs: 3000, tilesMissing: 0 },
      { mainMsPerTile: 100, holeTimeMs: 3200, tilesMissing: 0 },
      { mainMsPerTile: 110, holeTimeMs: 2800, tilesMissing: 0 },
    ],
    'engine-baseline': [
      { mainMsPerTile: 80, holeTimeMs: 1000, tilesMissing: 0 },
      { mainMsPerTile: 84, holeTimeMs: 1300, tilesMissing: 0 },
      { mainMsPerTile: 70, holeTimeMs: 1200, tilesMissing: 0 },
    ],
    engine: [
      { mainMsPerTile: 88, holeTimeMs: 900, tilesMissing: 0 },
      { mainMsPerTile: 82, holeTimeMs: 1100, tilesMissing: 0 },
      { mainMsPerTile: 95, holeTimeMs: 1000, tilesMissing: 0 },
    ],
  };
  const runs = [0, 1, 2].flatMap((i) =>
    (['off', 'engine-baseline', 'engine'] as const).map((variant) =>
      run({ scenario: 'pan', variant, mode: variant === 'off' ? 'off' : 'engine', run: i, measures: figures[variant][i] }),
    ),
  );
  const [pan] = summariseRuns(runs);

  it('keeps the variants in run order, the baseline as a column of its own', () => {
    expect(pan.variants.map((v) => v.variant)).toEqual(['off', 'engine-baseline', 'engine']);
    expect(pan.variants[1].measures.mainMsPerTile).toEqual({ median: 80, min: 70, max: 84, n: 3 });
  });
  it('gives engine / engine-baseline as a ratio of medians, the way engine/off is computed', () => {
    // medians: engine 88 and 1000, engine-baseline 80 and 1200
    expect(pan.baselineRatios).toEqual({ engine: { mainMsPerTile: 1.1, holeTimeMs: 0.833, tilesMissing: null } });
    expect(pan.baselineRatios!.engine).toEqual(ratiosTo(pan.variants[2], pan.variants[1]));
  });
  it('still gives every engine variant, the baseline included, its ratio to off', () => {
    expect(pan.ratios.engine).toMatchObject({ mainMsPerTile: 0.88, holeTimeMs: 0.333 });
    expect(pan.ratios['engine-baseline']).toMatchObject({ mainMsPerTile: 0.8, holeTimeMs: 0.4 });
  });
  it('has no baseline ratios when the engine variant is missing', () => {
    const [only] = summariseRuns(runs.filter((r) => r.variant !== 'engine'));
    expect(only.baselineRatios).toBeUndefined();
  });
});
