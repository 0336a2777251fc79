import type { BreakerSnapshot, CacheStats, EngineStats, FailureReason, NetworkStats, PrefetchStats, StatusClass, Tier } from '../contract/engine-api.ts';
import { defaultLatencyWindow, LatencyWindow } from './latency-window.ts';
import type { CachePortStats } from './ports.ts';
import type { SchedulerSnapshot } from './scheduler.ts';

// What the engine knows only at snapshot time (gauges), as opposed to the counters kept here.
export interface LiveState {
  now: number;
  scheduler: SchedulerSnapshot;
  configuredMax: number;
  breakers: Record<string, BreakerSnapshot>;
  // undefined: the engine has no cache at all
  cache: CachePortStats | undefined;
  hasCache: boolean;
  memoryBudget: number;
  idbBudget: number;
  // kept by the prefetcher's ledger, which alone knows what it issued and what came of it
  prefetch: PrefetchStats;
}

function counters() {
  return {
    requests: { total: 0, ok: 0, noTile: 0, failed: 0, aborted: 0, coalesced: 0, retried: 0 },
    retries: { total: 0, budgetExhausted: 0, paced: 0 },
    failures: {} as Partial<Record<FailureReason, number>>,
    bytesNetwork: 0,
    hits: { memory: 0, idb: 0, network: 0, revalidated304: 0, staleServed: 0 },
    corruptDropped: 0,
    revalidations: { notModified: 0, changed: 0 },
    network: {
      attempts: 0,
      byStatusClass: byClass(),
      bytesByStatusClass: byClass(),
      tailTimeouts: 0,
    },
  };
}

/**
 * The fields of a PerformanceResourceTiming the engine reads (the worker passes the entries it observes; times on
 * the worker's performance.now() clock, the engine's own).
 */
export interface WireTiming {
  url: string;
  duration: number;
  requestStart: number;
  responseEnd: number;
  // 0 or absent where the browser does not say (older browsers, or a response the page may not read)
  responseStatus?: number;
  encodedBodySize: number;
}

// A few minutes of requests that failed before producing a timing entry; far above what is ever in flight.
const MAX_AWAITING_TIMING = 2000;

function byClass(): Record<StatusClass, number> {
  return { '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0, none: 0 };
}

/** The class of an HTTP status; `none` when there was none (0 or undefined). */
export function statusClassOf(status: number | undefined): StatusClass {
  if (status === undefined || status < 200 || status >= 600) return 'none';
  return `${Math.floor(status / 100)}xx` as StatusClass;
}

// Counters are plain fields bumped in place (the hot path pays one increment); latency windows sort lazily;
// `snapshot` builds the contract's EngineStats.
export class EngineStatsRecorder {
  c = counters();
  private readonly latency: Record<'all' | Tier, LatencyWindow> = {
    all: new LatencyWindow(defaultLatencyWindow),
    network: new LatencyWindow(defaultLatencyWindow),
    memory: new LatencyWindow(defaultLatencyWindow),
    idb: new LatencyWindow(defaultLatencyWindow),
  };
  private readonly queue = new LatencyWindow(defaultLatencyWindow);
  // URLs sent whose Resource Timing entry has not arrived yet, with how many times
  private readonly awaitingTiming = new Map<string, number>();
  private readonly wire = new LatencyWindow(defaultLatencyWindow);

  fail(reason: FailureReason): void {
    this.c.failures[reason] = (this.c.failures[reason] ?? 0) + 1;
  }

  latencySample(tier: Tier, ms: number, now: number): void {
    this.latency.all.add(ms, now);
    this.latency[tier].add(ms, now);
  }

  /** How long a request waited in the engine before its first attempt started. */
  queueSample(ms: number, now: number): void {
    this.queue.add(ms, now);
  }

  /** A request to `url` was handed to the browser: count it, and expect its Resource Timing entry. */
  sent(url: string): void {
    this.c.network.attempts++;
    this.awaitingTiming.set(url, (this.awaitingTiming.get(url) ?? 0) + 1);
    // Bounded: requests that never produce an entry (network errors, aborts) must not pile up over a session.
    if (this.awaitingTiming.size > MAX_AWAITING_TIMING) this.awaitingTiming.delete(this.awaitingTiming.keys().next().value as string);
  }

  /**
   * A Resource Timing entry from the engine's thread. Counted only for a URL this engine sent and has not yet
   * matched (another engine in the same worker fetches other URLs), so every sample is one of our responses.
   */
  wireTiming(t: WireTiming, now: number): boolean {
    const waiting = this.awaitingTiming.get(t.url);
    if (waiting === undefined) return false;
    if (waiting <= 1) this.awaitingTiming.delete(t.url);
    else this.awaitingTiming.set(t.url, waiting - 1);
    // A fetch that got no response (cancelled, cut by a timeout, a dropped connection) is reported with status 0:
    // its duration is how long we waited, not time on the wire, so it is no wire sample (it is an attempt).
    if (t.responseStatus === 0) return true;
    // requestStart is 0 when a cross-origin host sends no Timing-Allow-Origin: the whole fetch is all there is
    const ms = t.requestStart > 0 ? t.responseEnd - t.requestStart : t.duration;
    this.wire.add(ms, now);
    this.c.network.bytesByStatusClass[statusClassOf(t.responseStatus)] += t.encodedBodySize;
    return true;
  }

  // Median request→bytes time of recent network answers (queueing included: that is what a prefetch must beat),
  // undefined before the first one.
  networkLatencyMs(now: number): number | undefined {
    const summary = this.latency.network.summary(now);
    return summary.count > 0 ? summary.p50 : undefined;
  }

  reset(): void {
    this.c = counters();
    for (const w of Object.values(this.latency)) w.clear();
    this.queue.clear();
    this.wire.clear();
    // a request sent before the reset is not one of the new window's attempts, so its timing is not either (the
    // tile server likewise keeps only durations of requests that arrived after its reset)
    this.awaitingTiming.clear();
  }

  private networkStats(now: number): NetworkStats {
    const n = this.c.network;
    return {
      attempts: n.attempts,
      byStatusClass: { ...n.byStatusClass },
      bytesByStatusClass: { ...n.bytesByStatusClass },
      tailTimeouts: n.tailTimeouts,
      queueMs: this.queue.summary(now),
      wireMs: this.wire.summary(now),
    };
  }

  snapshot(live: LiveState): EngineStats {
    const { c } = this;
    const s = live.scheduler;
    return {
      time: live.now,
      requests: { ...c.requests },
      latencyMs: {
        all: this.latency.all.summary(live.now),
        network: this.latency.network.summary(live.now),
        memory: this.latency.memory.summary(live.now),
        idb: this.latency.idb.summary(live.now),
        window: { ...defaultLatencyWindow },
      },
      inFlight: { now: s.inFlight, max: s.inFlightMax, limit: s.limit, configuredMax: live.configuredMax },
      queue: { now: s.queued, max: s.queuedMax, byPurpose: { ...s.queuedByPurpose } },
      retries: { ...c.retries, waitingNow: s.waitingRetry },
      failures: { ...c.failures },
      breakers: live.breakers,
      bytes: { network: c.bytesNetwork },
      network: this.networkStats(live.now),
      revalidations: { ...c.revalidations },
      cache: this.cacheStats(live),
      prefetch: { ...live.prefetch },
    };
  }

  private cacheStats(live: LiveState): CacheStats {
    const memory = live.cache?.memory ?? { bytes: 0, entries: 0, budget: live.memoryBudget, evictions: 0 };
    const idb = live.cache?.idb ?? {
      status: live.hasCache ? ('ok' as const) : ('disabled' as const),
      bytes: 0,
      entries: 0,
      budget: live.idbBudget,
      evictions: 0,
      quotaErrors: 0,
      corruptDropped: 0,
    };
    return {
      hits: { ...this.c.hits },
      memory: { ...memory },
      // the cache counts corruption it finds itself; the engine adds the entries it dropped for failing validation
      idb: { ...idb, corruptDropped: idb.corruptDropped + this.c.corruptDropped },
    };
  }
}
