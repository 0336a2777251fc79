import type { BreakerSnapshot, CacheStats, EngineStats, FailureReason, PrefetchStats, Tier } from '../contract/engine-api.ts';
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
  };
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

  fail(reason: FailureReason): void {
    this.c.failures[reason] = (this.c.failures[reason] ?? 0) + 1;
  }

  latencySample(tier: Tier, ms: number, now: number): void {
    this.latency.all.add(ms, now);
    this.latency[tier].add(ms, now);
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
