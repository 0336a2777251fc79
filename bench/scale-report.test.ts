import { describe, expect, it } from 'vitest';
import { compareRow, formatScaleTable } from './scale-report.ts';

const sizes = [1000, 10000, 100000];

describe('bench:scale report', () => {
  it('judges a ratio goal on the largest size over the smallest', () => {
    const row = compareRow({ measure: 'reload', unit: 'ms', bySize: { 1000: 800, 10000: 820, 100000: 960 }, goal: { kind: 'ratio', max: 1.1 } }, sizes);
    expect(row.ratio).toBeCloseTo(1.2);
    expect(row.met).toBe(false);
  });

  it('judges a difference goal in the row unit', () => {
    const row = compareRow({ measure: 'heap', unit: 'MiB', bySize: { 1000: 20, 10000: 21, 100000: 24 }, goal: { kind: 'difference', max: 10 } }, sizes);
    expect(row).toMatchObject({ difference: 4, met: true });
  });

  it('leaves a figure it could not measure blank and unjudged', () => {
    const row = compareRow({ measure: 'x', unit: 'ms', bySize: { 1000: null, 100000: 3 }, goal: { kind: 'ratio', max: 1 } }, sizes);
    expect(row.ratio).toBeNull();
    expect(row.met).toBeUndefined();
  });

  it('prints one column per size, the ratio and the goal', () => {
    const table = formatScaleTable([{ measure: 'reload', unit: 'ms', bySize: { 1000: 800, 10000: 810, 100000: 840 }, goal: { kind: 'ratio', max: 1.1 } }], sizes);
    expect(table.split('\n')[0]).toBe('| measure | 1k records | 10k records | 100k records | 100k/1k | 100k − 1k | goal |');
    expect(table).toContain('| reload (ms) | 800 | 810 | 840 | 1.05× | 40.0 | ratio ≤ 1.1 ✓ |');
  });
});
