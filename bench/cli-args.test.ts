import { describe, expect, it } from 'vitest';
import { BenchArgsError, parseBenchArgs } from './cli-args.ts';
import { BASELINE_VARIANT, SCENARIOS, selectScenarios, withBaseline } from './scenarios.ts';

describe('parseBenchArgs', () => {
  it('defaults to 5 runs, 1 warm-up, every scenario, 10 % tolerance', () => {
    const args = parseBenchArgs([]);
    expect(args).toMatchObject({ runs: 5, warmup: 1, tolerance: 0.1, build: false, all: false });
    expect(args.scenarios).toBeUndefined();
  });
  it('--quick means 2 runs unless --runs says otherwise', () => {
    expect(parseBenchArgs(['--quick']).runs).toBe(2);
    expect(parseBenchArgs(['--quick', '--runs', '3']).runs).toBe(3);
  });
  it('takes a comma-separated scenario list, with or without =', () => {
    expect(parseBenchArgs(['--scenario', 'cold,warm']).scenarios).toEqual(['cold', 'warm']);
    expect(parseBenchArgs(['--scenario=pan']).scenarios).toEqual(['pan']);
  });
  it('reads --tolerance as a percentage', () => {
    expect(parseBenchArgs(['--tolerance', '15']).tolerance).toBeCloseTo(0.15);
  });
  it('has no app directory and no baseline unless given', () => {
    const args = parseBenchArgs([]);
    expect(args.app).toBeUndefined();
    expect(args.baseline).toBeUndefined();
  });
  it('takes --baseline and --app directories, with or without =', () => {
    expect(parseBenchArgs(['--baseline', '/tmp/base-dist']).baseline).toBe('/tmp/base-dist');
    expect(parseBenchArgs(['--baseline=/tmp/base-dist']).baseline).toBe('/tmp/base-dist');
    const args = parseBenchArgs(['--app', '/tmp/cur-dist', '--baseline', '/tmp/base-dist', '--runs', '3']);
    expect(args).toMatchObject({ app: '/tmp/cur-dist', baseline: '/tmp/base-dist', runs: 3 });
  });
  it('refuses --baseline or --app without a directory', () => {
    expect(() => parseBenchArgs(['--baseline'])).toThrow(/--baseline needs a directory/);
    expect(() => parseBenchArgs(['--app', '--runs', '3'])).toThrow(/--app needs a directory/);
    expect(() => parseBenchArgs(['--baseline='])).toThrow(BenchArgsError);
  });
  it('refuses --build with --app (--build builds dist/, which --app replaces)', () => {
    expect(() => parseBenchArgs(['--app', '/tmp/cur-dist', '--build'])).toThrow(/--build builds dist\/, which --app replaces/);
    expect(parseBenchArgs(['--baseline', '/tmp/base-dist', '--build']).build).toBe(true);
  });
  it('names the bad flag', () => {
    expect(() => parseBenchArgs(['--runs', '0'])).toThrow(/--runs needs an integer ≥ 1, got 0/);
    expect(() => parseBenchArgs(['--fast'])).toThrow(BenchArgsError);
  });
});

describe('selectScenarios', () => {
  it('runs every scenario but the extras by default, and the extras too with --all', () => {
    const extras = SCENARIOS.filter((s) => s.extra).map((s) => s.id);
    expect(extras).toContain('faulty20');
    const defaults = selectScenarios(undefined).map((s) => s.id);
    expect(defaults).toEqual(SCENARIOS.filter((s) => !s.extra).map((s) => s.id));
    expect(defaults).not.toContain('faulty20');
    expect(selectScenarios(undefined, parseBenchArgs(['--all']).all)).toEqual(SCENARIOS);
  });
  it('runs a named extra scenario, and names an unknown one', () => {
    expect(selectScenarios(['faulty20', 'cold']).map((s) => s.id)).toEqual(['faulty20', 'cold']);
    expect(() => selectScenarios(['nope'])).toThrow(/unknown scenario nope/);
  });
  it('withBaseline puts engine-baseline just before engine, and leaves a scenario without engine alone', () => {
    const [pan, zoom, concurrency] = selectScenarios(['pan', 'zoom', 'concurrency']).map(withBaseline);
    expect(pan.variants.map((v) => v.id)).toEqual(['off', 'engine-baseline', 'engine', 'engine-main-hop', 'engine-prefetch-off']);
    expect(zoom.variants.map((v) => v.id)).toEqual(['off', 'engine-baseline', 'engine', 'engine-prefetch-off']);
    expect(zoom.variants[1]).toEqual({ id: 'engine-baseline', mode: 'engine', app: 'baseline' });
    expect(concurrency.variants).not.toContain(BASELINE_VARIANT);
    expect(concurrency).toBe(SCENARIOS.find((s) => s.id === 'concurrency'));
    // the scenario table itself is untouched
    expect(SCENARIOS.find((s) => s.id === 'zoom')!.variants.map((v) => v.id)).toEqual(['off', 'engine', 'engine-prefetch-off']);
  });
  it('runs prefetch on, prefetch off and MapLibre alone side by side in every journey of camera motion', () => {
    for (const s of selectScenarios(['pan', 'zoom', 'flyto'])) {
      expect(s.variants.map((v) => v.id)).toEqual(expect.arrayContaining(['off', 'engine', 'engine-prefetch-off']));
      expect(s.variants.find((v) => v.id === 'engine-prefetch-off')).toMatchObject({ mode: 'engine', params: { prefetch: 'off' } });
    }
  });
  it('covers the issue’s eight scenarios and the concurrency sweep by default', () => {
    expect(selectScenarios(undefined).map((s) => s.id)).toEqual(
      expect.arrayContaining(['cold', 'warm', 'pan', 'zoom', 'flyto', 'faulty', 'slow', 'offline', 'concurrency']),
    );
  });
});
