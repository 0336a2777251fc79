import { describe, expect, it } from 'vitest';
import type { MetricType, ReportOpts } from 'web-vitals';
import type { VitalName } from './overlay-types.ts';
import { startVitals, type VitalReporters } from './start-vitals.ts';

function fakeReporters() {
  const callbacks = new Map<VitalName, (metric: MetricType) => void>();
  const options = new Map<VitalName, ReportOpts | undefined>();
  const reporter = (name: VitalName) => (onReport: (metric: MetricType) => void, opts?: ReportOpts) => {
    callbacks.set(name, onReport);
    options.set(name, opts);
  };
  const reporters: VitalReporters = { LCP: reporter('LCP'), INP: reporter('INP'), CLS: reporter('CLS'), FCP: reporter('FCP'), TTFB: reporter('TTFB') };
  const report = (name: VitalName, value: number, rating: MetricType['rating']) =>
    callbacks.get(name)!({ name, value, rating, delta: value, id: 'v1', entries: [], navigationType: 'navigate', navigationId: 1 } as unknown as MetricType);
  return { reporters, report, options };
}

describe('startVitals', () => {
  it('subscribes to all five metrics with reportAllChanges', () => {
    const fake = fakeReporters();
    startVitals(fake.reporters);
    for (const name of ['LCP', 'INP', 'CLS', 'FCP', 'TTFB'] as const) expect(fake.options.get(name)).toEqual({ reportAllChanges: true });
  });
  it('starts with every metric unreported', () => {
    expect(startVitals(fakeReporters().reporters).vitals()).toEqual({ LCP: null, INP: null, CLS: null, FCP: null, TTFB: null });
  });
  it('keeps the latest value and rating of each metric', () => {
    const fake = fakeReporters();
    const source = startVitals(fake.reporters);
    fake.report('INP', 120, 'good');
    fake.report('INP', 320, 'needs-improvement');
    fake.report('CLS', 0.3, 'poor');
    expect(source.vitals().INP).toEqual({ value: 320, rating: 'needs-improvement' });
    expect(source.vitals().CLS).toEqual({ value: 0.3, rating: 'poor' });
  });
  it('hands out snapshots that later reports do not change', () => {
    const fake = fakeReporters();
    const source = startVitals(fake.reporters);
    fake.report('LCP', 1000, 'good');
    const before = source.vitals();
    fake.report('LCP', 3000, 'needs-improvement');
    expect(before.LCP?.value).toBe(1000);
  });
});
