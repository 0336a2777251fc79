import { describe, expect, it } from 'vitest';
import { formatReport, formatScenario } from './report.ts';
import type { BenchReport } from './results-file.ts';
import type { ScenarioSummary, VariantSummary } from './summarise.ts';

const stat = (median: number) => ({ median, min: median, max: median, n: 3 });
const variant = (id: string, mode: 'off' | 'engine', main: number, hole: number): VariantSummary => ({
  variant: id,
  mode,
  runs: 3,
  timeouts: 0,
  errors: [],
  pageModes: [mode === 'off' ? 'maplibre' : 'engine'],
  measures: { mainMsPerTile: stat(main), holeTimeMs: stat(hole) },
});

describe('formatScenario', () => {
  it('without a baseline: one column per variant and engine/off, nothing about a baseline', () => {
    const s: ScenarioSummary = {
      scenario: 'zoom',
      variants: [variant('off', 'off', 100, 3000), variant('engine', 'engine', 90, 1200)],
      ratios: { engine: { mainMsPerTile: 0.9, holeTimeMs: 0.4 } },
    };
    const text = formatScenario(undefined, s);
    expect(text.split('\n')[1]).toMatch(/^measure +off median \(min–max\), n=3 +engine median \(min–max\), n=3 +engine\/off$/);
    expect(text).not.toMatch(/baseline/);
  });
  it('with a baseline: engine-baseline as a column, then engine/off and engine/engine-baseline', () => {
    const s: ScenarioSummary = {
      scenario: 'pan',
      variants: [variant('off', 'off', 100, 3000), variant('engine-baseline', 'engine', 80, 1200), variant('engine', 'engine', 88, 1000), variant('engine-main-hop', 'engine', 85, 1100)],
      ratios: { engine: { mainMsPerTile: 0.88, holeTimeMs: 0.333 }, 'engine-baseline': { mainMsPerTile: 0.8, holeTimeMs: 0.4 } },
      baselineRatios: { engine: { mainMsPerTile: 1.1, holeTimeMs: 0.833 } },
    };
    const [, head, ...rows] = formatScenario(undefined, s).split('\n');
    expect(head.split(/ {2,}/)).toEqual([
      'measure',
      'off median (min–max), n=3',
      'engine-baseline median (min–max), n=3',
      'engine median (min–max), n=3',
      'engine-main-hop median (min–max), n=3',
      'engine/off',
      'engine/engine-baseline',
    ]);
    expect(rows.map((r) => r.split(/ {2,}/))).toEqual([
      ['hole time (ms)', '3000', '1200', '1000', '1100', '0.33', '0.83'],
      ['main thread/tile (ms)', '100', '80', '88', '85', '0.88', '1.1'],
    ]);
  });
});

describe('formatReport', () => {
  const report = (extra: Partial<BenchReport['environment']>): BenchReport => ({
    version: 1,
    createdAt: '2026-12-08T00:00:00.000Z',
    environment: {
      chromium: '150',
      webgl: 'software',
      viewport: '800×600',
      cores: 2,
      node: 'v20',
      platform: 'linux x64',
      appBuiltAt: '2026-12-08T00:00:00.000Z',
      runs: 3,
      warmup: 1,
      timeline: ['app'],
      engineLive: true,
      ...extra,
    },
    scenarios: [],
    summaries: [],
    runs: [],
  });
  it('names the builds only when --app or --baseline gave them', () => {
    expect(formatReport(report({}))).toContain('app built 2026-12-08T00:00:00.000Z, tile timeline from app');
    expect(formatReport(report({ appDir: '/tmp/cur', baseline: { dir: '/tmp/base', builtAt: '2026-12-01T00:00:00.000Z' } }))).toContain(
      'app built 2026-12-08T00:00:00.000Z (/tmp/cur), baseline build 2026-12-01T00:00:00.000Z (/tmp/base), tile timeline from app',
    );
  });
});
