import { describe, expect, test } from 'vitest';
import { decideFault, type FaultDecision } from './fault-decision.ts';
import type { FaultDocument } from './faults.ts';

const N = 2000;
const TOLERANCE = 0.03;

function decisions(doc: FaultDocument, n = N): FaultDecision[] {
  return Array.from({ length: n }, (_, i) => decideFault(doc, i));
}

function label(d: FaultDecision): string {
  return d.outcome.kind === 'status' ? String(d.outcome.status) : d.outcome.kind;
}

function share(all: FaultDecision[], kind: string): number {
  return all.filter((d) => label(d) === kind).length / all.length;
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(q * (sorted.length - 1))];
}

describe('decideFault', () => {
  const doc: FaultDocument = {
    seed: 7,
    status: { '500': 0.05, '503': 0.1 },
    rateLimit: { rate: 0.05, retryAfterS: 2 },
    hangRate: 0.02,
    garbageRate: 0.04,
    htmlRate: 0.03,
    truncateRate: 0.05,
    slowBody: { rate: 0.06, bytesPerSecond: 500 },
  };

  test.each([
    ['500', 0.05],
    ['503', 0.1],
    ['rateLimit', 0.05],
    ['hang', 0.02],
    ['garbage', 0.04],
    ['html', 0.03],
    ['truncate', 0.05],
    ['slowBody', 0.06],
    ['none', 0.6],
  ])('injects %s at the requested rate (%s ± 3 points over 2000 seeded requests)', (kind, expected) => {
    expect(Math.abs(share(decisions(doc), kind) - expected)).toBeLessThanOrEqual(TOLERANCE);
  });

  test('makes the same decisions for the same seed and request order', () => {
    expect(decisions(doc, 200).map(label)).toEqual(decisions(doc, 200).map(label));
    expect(decisions(doc, 200).map((d) => d.latencyMs)).toEqual(decisions(doc, 200).map((d) => d.latencyMs));
  });

  test('makes different decisions for a different seed', () => {
    expect(decisions({ ...doc, seed: 8 }, 200).map(label)).not.toEqual(decisions(doc, 200).map(label));
  });

  test('injects nothing and adds no latency for an empty document', () => {
    expect(decisions({}, 100).every((d) => label(d) === 'none' && d.latencyMs === 0 && !d.down)).toBe(true);
  });

  test('keeps base ± jitter latency inside its bounds and centred on base', () => {
    const delays = decisions({ latencyMs: { base: 80, jitter: 20 } }).map((d) => d.latencyMs);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(60);
    expect(Math.max(...delays)).toBeLessThanOrEqual(100);
    expect(quantile(delays, 0.5)).toBeCloseTo(80, -1);
  });

  test('gives a lognormal latency with the requested median and p99', () => {
    const delays = decisions({ latencyMs: { median: 100, p99: 400 } }, 20_000).map((d) => d.latencyMs);
    expect(quantile(delays, 0.5)).toBeGreaterThan(95);
    expect(quantile(delays, 0.5)).toBeLessThan(105);
    expect(quantile(delays, 0.99)).toBeGreaterThan(340);
    expect(quantile(delays, 0.99)).toBeLessThan(470);
  });

  test('marks every decision down while down is set', () => {
    expect(decisions({ down: true }, 50).every((d) => d.down)).toBe(true);
  });

  test('injects oversized bodies at the requested rate', () => {
    expect(Math.abs(share(decisions({ seed: 3, oversizeRate: 0.1 }), 'oversize') - 0.1)).toBeLessThanOrEqual(TOLERANCE);
  });

  test('adding oversizeRate leaves the decisions of the other outcomes where they were', () => {
    const withOversize = decisions({ ...doc, oversizeRate: 0.05 }, 500).map(label);
    const without = decisions(doc, 500).map(label);
    withOversize.forEach((kind, i) => expect(kind === 'oversize' ? 'none' : kind).toBe(without[i]));
  });

  test('carries the rate-limit retry delay and the slow-body speed', () => {
    expect(decideFault({ rateLimit: { rate: 1, retryAfterS: 3 } }, 0).outcome).toEqual({ kind: 'rateLimit', retryAfterS: 3, retryAfterForm: 'seconds' });
    expect(decideFault({ rateLimit: { rate: 1, retryAfterS: 30, retryAfterForm: 'http-date' } }, 0).outcome).toMatchObject({ retryAfterForm: 'http-date' });
    expect(decideFault({ slowBody: { rate: 1, bytesPerSecond: 99 } }, 0).outcome).toEqual({ kind: 'slowBody', bytesPerSecond: 99 });
  });
});
