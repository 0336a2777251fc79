import { describe, expect, it } from 'vitest';
import { BenchArgsError, parseBenchArgs } from './cli-args.ts';
import { SCENARIOS, selectScenarios } from './scenarios.ts';

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
  it('covers the issue’s eight scenarios and the concurrency sweep by default', () => {
    expect(selectScenarios(undefined).map((s) => s.id)).toEqual(
      expect.arrayContaining(['cold', 'warm', 'pan', 'zoom', 'flyto', 'faulty', 'slow', 'offline', 'concurrency']),
    );
  });
});
