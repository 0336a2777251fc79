import type { EngineStats } from '../contract/engine-api.ts';
import type { OverlaySnapshot, PageHealthSnapshot, VitalsSnapshot } from './overlay-types.ts';

// A plausible, fully populated snapshot for tests and for previewing the overlay without an engine.
// Not imported by the app's runtime code.

export function makeStats(): EngineStats {
  const summary = (p50: number, p95: number, p99: number, count: number) => ({ p50, p95, p99, count });
  return {
    time: 42_000,
    requests: { total: 1200, ok: 1100, noTile: 40, failed: 12, aborted: 48, coalesced: 30, retried: 20 },
    latencyMs: {
      all: summary(8, 320, 900, 1000),
      network: summary(120, 480, 1200, 300),
      memory: summary(0.2, 0.6, 1.1, 500),
      idb: summary(4, 11, 25, 200),
      window: { maxSamples: 1000, maxAgeMs: 60_000 },
    },
    inFlight: { now: 5, max: 12, limit: 8, configuredMax: 16 },
    queue: { now: 7, max: 40, byPurpose: { visible: 4, prefetch: 3, revalidate: 0, 'offline-save': 0 } },
    retries: { total: 25, budgetExhausted: 1, waitingNow: 2, paced: 0 },
    failures: { network: 5, 'http-5xx': 4, timeout: 3 },
    breakers: {
      'tiles.example.com': { state: 'closed', consecutiveFailures: 0, answered: 812, failed: 2 },
      'fonts.example.com': { state: 'half-open', consecutiveFailures: 3, answered: 40, failed: 3, openedAt: 30_000 },
      'flaky.example.com': { state: 'open', consecutiveFailures: 5, answered: 17, failed: 9, openedAt: 41_000 },
    },
    bytes: { network: 15 * 1024 * 1024 },
    network: {
      attempts: 1240,
      byStatusClass: { '2xx': 1180, '3xx': 40, '4xx': 0, '5xx': 12, none: 8 },
      bytesByStatusClass: { '2xx': 14 * 1024 * 1024, '3xx': 0, '4xx': 0, '5xx': 600, none: 0 },
      tailTimeouts: 3,
      queueMs: summary(4, 60, 140, 1200),
      wireMs: summary(95, 210, 380, 1200),
    },
    revalidations: { notModified: 40, changed: 2 },
    cache: {
      hits: { memory: 600, idb: 200, network: 300, revalidated304: 15, staleServed: 6 },
      memory: { bytes: 24 * 1024 * 1024, entries: 800, budget: 64 * 1024 * 1024, evictions: 120 },
      idb: {
        status: 'ok',
        bytes: 180 * 1024 * 1024,
        entries: 5200,
        budget: 512 * 1024 * 1024,
        evictions: 10,
        quotaErrors: 0,
        corruptDropped: 0,
      },
    },
    prefetch: { enabled: true, issued: 200, completed: 180, used: 120, wasted: 40, bytes: 3 * 1024 * 1024, hitRatio: 0.6, cancelled: 12, usedBytes: 2 * 1024 * 1024, wastedBytes: 640 * 1024, unusedBytes: 384 * 1024 },
  };
}

export function makeVitals(): VitalsSnapshot {
  return {
    LCP: { value: 1800, rating: 'good' },
    INP: { value: 240, rating: 'needs-improvement' },
    CLS: { value: 0.02, rating: 'good' },
    FCP: { value: 900, rating: 'good' },
    TTFB: { value: 120, rating: 'good' },
  };
}

export function makePageHealth(): PageHealthSnapshot {
  return {
    fps: 58,
    fpsWindowMs: 5000,
    longTasks: { supported: true, count: 3, totalMs: 240, maxMs: 120 },
    heap: { usedBytes: 80 * 1024 * 1024, totalBytes: 120 * 1024 * 1024, limitBytes: 4096 * 1024 * 1024 },
  };
}

export function makeSnapshot(): OverlaySnapshot {
  return { stats: makeStats(), vitals: makeVitals(), pageHealth: makePageHealth(), takenAt: Date.UTC(2026, 10, 23, 12, 0, 0) };
}
