import { describe, expect, it } from 'vitest';
import { compareSummaries, compareWithBaseline, worseBy } from './compare.ts';
import type { ScenarioSummary } from './summarise.ts';

const stat = (median: number) => ({ median, min: median, max: median, n: 1 });

function summary(settleOff: number, settleEngine: number, extra: Partial<ScenarioSummary> = {}): ScenarioSummary {
  return {
    scenario: 'cold',
    variants: [
      { variant: 'off', mode: 'off', runs: 1, timeouts: 0, errors: [], pageModes: ['maplibre'], measures: { settleMs: stat(settleOff), fps: stat(20) } },
      { variant: 'engine', mode: 'engine', runs: 1, timeouts: 0, errors: [], pageModes: ['engine'], measures: { settleMs: stat(settleEngine), fps: stat(20) } },
    ],
    ratios: { engine: { settleMs: settleEngine / settleOff } },
    ...extra,
  };
}

describe('worseBy', () => {
  it('is positive when a lower-is-better figure grows', () => {
    expect(worseBy(100, 125, 'lower')).toBeCloseTo(0.25);
  });
  it('is positive when a higher-is-better figure shrinks', () => {
    expect(worseBy(20, 15, 'higher')).toBeCloseTo(0.25);
  });
  it('is negative for an improvement', () => {
    expect(worseBy(100, 80, 'lower')).toBeCloseTo(-0.2);
  });
  it('treats any worsening from a zero baseline as infinitely worse', () => {
    expect(worseBy(0, 1, 'lower')).toBe(Number.POSITIVE_INFINITY);
    expect(worseBy(0, 0, 'lower')).toBe(0);
  });
});

describe('compareSummaries', () => {
  it('flags a median beyond the tolerance', () => {
    const { regressions } = compareSummaries([summary(1000, 1000)], [summary(1000, 1300)], 0.1);
    expect(regressions.map((r) => [r.variant, r.measure, r.kind])).toEqual([
      ['engine', 'settleMs', 'median'],
      ['engine', 'settleMs', 'ratio'],
    ]);
    expect(regressions[0].worseBy).toBeCloseTo(0.3);
  });
  it('does not flag a change within the tolerance', () => {
    const { regressions } = compareSummaries([summary(1000, 1000)], [summary(1000, 1080)], 0.1);
    expect(regressions).toEqual([]);
  });
  it('does not flag a change under the measure noise floor, whatever its percentage', () => {
    // 40 → 80 ms is +100 % but under settleMs' 100 ms floor
    const { regressions } = compareSummaries([summary(40, 40)], [summary(40, 80)], 0.1);
    expect(regressions.filter((r) => r.kind === 'median')).toEqual([]);
  });
  it('lists improvements apart from regressions', () => {
    const { regressions, improvements } = compareSummaries([summary(1000, 1000)], [summary(1000, 500)], 0.1);
    expect(regressions).toEqual([]);
    expect(improvements.map((r) => r.measure)).toContain('settleMs');
  });
  it('compares only engine/off ratios when asked', () => {
    const { regressions } = compareSummaries([summary(1000, 1000)], [summary(2000, 2600)], 0.1, true);
    expect(regressions.map((r) => [r.measure, r.kind])).toEqual([['settleMs', 'ratio']]);
  });
  it('ignores scenarios and variants the baseline does not have', () => {
    const other = { ...summary(1, 1), scenario: 'warm' };
    expect(compareSummaries([other], [summary(1000, 5000)], 0.1)).toEqual({ regressions: [], improvements: [], compared: 0 });
  });
});

describe('compareWithBaseline', () => {
  const variant = (id: string, mainMsPerTile: number, holeTimeMs: number) => ({
    variant: id,
    mode: 'engine' as const,
    runs: 3,
    timeouts: 0,
    errors: [],
    pageModes: ['engine'],
    measures: { mainMsPerTile: stat(mainMsPerTile), holeTimeMs: stat(holeTimeMs), tilesDelivered: stat(20) },
  });
  const pan = (engine: [number, number], baseline: [number, number]): ScenarioSummary => ({
    scenario: 'pan',
    variants: [summary(1, 1).variants[0], variant('engine-baseline', ...baseline), variant('engine', ...engine)],
    ratios: {},
  });

  it('judges engine against engine-baseline of the same run, with the tolerance and the noise floors', () => {
    // main thread/tile 80 → 100 ms (25 % worse, beyond its 2 ms floor); hole time 1000 → 1150 ms (15 % worse,
    // under its 200 ms floor); tiles delivered is informational
    const c = compareWithBaseline([pan([100, 1150], [80, 1000])], 0.1);
    expect(c.compared).toBe(2);
    expect(c.regressions).toEqual([{ scenario: 'pan', variant: 'engine', measure: 'mainMsPerTile', kind: 'median', baseline: 80, current: 100, worseBy: 0.25 }]);
    expect(c.improvements).toEqual([]);
  });
  it('reports an improvement, and nothing for a scenario without a baseline variant', () => {
    const c = compareWithBaseline([pan([80, 500], [80, 1000]), summary(1000, 800)], 0.1);
    expect(c.regressions).toEqual([]);
    expect(c.improvements.map((x) => x.measure)).toEqual(['holeTimeMs']);
  });
});
