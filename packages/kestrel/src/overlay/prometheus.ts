import type { BreakerState, CacheStats, LatencySummary, Tier } from '../contract/engine-api.ts';
import type { OverlaySnapshot, VitalName } from './overlay-types.ts';

// Prometheus text exposition format 0.0.4: https://prometheus.io/docs/instrumenting/exposition_formats/
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

type MetricType = 'counter' | 'gauge' | 'summary';

interface Sample {
  labels?: Record<string, string>;
  value: number;
}

interface Family {
  name: string;
  help: string;
  type: MetricType;
  samples: Sample[];
}

// Ordered by how bad it is, so a dashboard can alert on `> 0` (not closed) or `== 2` (open).
export const BREAKER_STATE_VALUE: Record<BreakerState, number> = { closed: 0, 'half-open': 1, open: 2 };

const LATENCY_TIERS: ReadonlyArray<Tier | 'all'> = ['memory', 'idb', 'network', 'all'];
const QUANTILES: ReadonlyArray<[string, keyof LatencySummary]> = [
  ['0.5', 'p50'],
  ['0.95', 'p95'],
  ['0.99', 'p99'],
];
const TIMING_VITALS: readonly VitalName[] = ['LCP', 'INP', 'FCP', 'TTFB'];
// A record rather than a list so a status added to the contract fails to compile here instead of going missing.
const IDB_STATUS_NAMES: Record<CacheStats['idb']['status'], true> = {
  ok: true,
  opening: true,
  unavailable: true,
  degraded: true,
  reopening: true,
  disabled: true,
};
const IDB_STATUSES = Object.keys(IDB_STATUS_NAMES) as Array<CacheStats['idb']['status']>;

// Units follow Prometheus conventions (seconds, bytes), so the engine's ms are divided by 1000 here.
export function toPrometheus(snapshot: OverlaySnapshot): string {
  return prometheusFamilies(snapshot).map(renderFamily).join('');
}

function prometheusFamilies(snapshot: OverlaySnapshot): Family[] {
  const { stats, vitals, pageHealth } = snapshot;
  const { requests, cache, prefetch } = stats;
  const counter = (name: string, help: string, samples: Sample[]): Family => ({ name, help, type: 'counter', samples });
  const gauge = (name: string, help: string, samples: Sample[]): Family => ({ name, help, type: 'gauge', samples });
  const one = (value: number): Sample[] => [{ value }];
  const byLabel = (label: string, entries: Array<[string, number]>): Sample[] =>
    entries.map(([key, value]) => ({ labels: { [label]: key }, value }));
  const hosts = Object.keys(stats.breakers).sort();

  return [
    counter('kestrel_requests_total', 'Tile requests finished, by outcome.', byLabel('outcome', [
      ['ok', requests.ok],
      ['no_tile', requests.noTile],
      ['failed', requests.failed],
      ['aborted', requests.aborted],
    ])),
    counter('kestrel_requests_coalesced_total', 'Requests answered by joining an identical request already in flight.', one(requests.coalesced)),
    counter('kestrel_requests_retried_total', 'Requests that needed at least one retry.', one(requests.retried)),
    counter('kestrel_retries_total', 'Retry attempts made.', one(stats.retries.total)),
    counter('kestrel_retry_budget_exhausted_total', 'Retries refused because the retry budget was spent.', one(stats.retries.budgetExhausted)),
    counter('kestrel_failures_total', 'Failed requests, by reason.', byLabel('reason', Object.entries(stats.failures)
      .filter((entry): entry is [string, number] => typeof entry[1] === 'number')
      .sort(([a], [b]) => a.localeCompare(b)))),
    counter('kestrel_bytes_received_total', 'Bytes received from the network.', one(stats.bytes.network)),
    counter('kestrel_cache_hits_total', 'Responses served, by the tier that answered (network: a cache miss).', byLabel('tier', [
      ['memory', cache.hits.memory],
      ['idb', cache.hits.idb],
      ['network', cache.hits.network],
    ])),
    counter('kestrel_cache_revalidated_total', 'Cached tiles confirmed fresh by a 304 Not Modified.', one(cache.hits.revalidated304)),
    counter('kestrel_cache_stale_served_total', 'Tiles served past their freshness.', one(cache.hits.staleServed)),
    counter('kestrel_cache_evictions_total', 'Cache entries evicted to stay within budget, by tier.', byLabel('tier', [
      ['memory', cache.memory.evictions],
      ['idb', cache.idb.evictions],
    ])),
    counter('kestrel_idb_quota_errors_total', 'IndexedDB writes refused for quota.', one(cache.idb.quotaErrors)),
    counter('kestrel_idb_corrupt_dropped_total', 'IndexedDB entries dropped as corrupt.', one(cache.idb.corruptDropped)),
    counter('kestrel_prefetch_issued_total', 'Prefetch requests issued.', one(prefetch.issued)),
    counter('kestrel_prefetch_completed_total', 'Prefetch requests completed.', one(prefetch.completed)),
    counter('kestrel_prefetch_used_total', 'Prefetched tiles later requested for display.', one(prefetch.used)),
    counter('kestrel_prefetch_wasted_total', 'Prefetched tiles evicted or expired unused.', one(prefetch.wasted)),
    counter('kestrel_prefetch_bytes_total', 'Bytes fetched by prefetch.', one(prefetch.bytes)),
    counter('kestrel_prefetch_cancelled_total', 'Prefetch requests cancelled before completing (the prediction changed).', one(prefetch.cancelled)),
    counter('kestrel_prefetch_used_bytes_total', 'Prefetched bytes that answered a tile request.', one(prefetch.usedBytes)),
    counter('kestrel_prefetch_wasted_bytes_total', 'Prefetched bytes evicted or expired unused.', one(prefetch.wastedBytes)),
    gauge('kestrel_prefetch_unused_bytes', 'Prefetched bytes not yet requested nor wasted.', one(prefetch.unusedBytes)),
    gauge('kestrel_prefetch_enabled', '1 when prefetch is enabled.', one(prefetch.enabled ? 1 : 0)),
    gauge('kestrel_prefetch_hit_ratio', 'Share of tile requests during motion answered from memory thanks to prefetch.', one(prefetch.hitRatio)),
    gauge('kestrel_in_flight', 'Network requests in flight now.', one(stats.inFlight.now)),
    gauge('kestrel_in_flight_peak', 'Most network requests in flight at once.', one(stats.inFlight.max)),
    gauge('kestrel_in_flight_limit', 'Adaptive concurrency limit now.', one(stats.inFlight.limit)),
    gauge('kestrel_in_flight_configured_max', 'Configured ceiling of the adaptive limit.', one(stats.inFlight.configuredMax)),
    gauge('kestrel_queue_depth', 'Requests queued now, by purpose.', byLabel('purpose', Object.entries(stats.queue.byPurpose))),
    gauge('kestrel_queue_depth_peak', 'Deepest the queue has been.', one(stats.queue.max)),
    gauge('kestrel_retries_waiting', 'Requests waiting for a retry now.', one(stats.retries.waitingNow)),
    gauge('kestrel_cache_bytes', 'Bytes held by each cache tier.', byLabel('tier', [
      ['memory', cache.memory.bytes],
      ['idb', cache.idb.bytes],
    ])),
    gauge('kestrel_cache_budget_bytes', 'Byte budget of each cache tier.', byLabel('tier', [
      ['memory', cache.memory.budget],
      ['idb', cache.idb.budget],
    ])),
    gauge('kestrel_cache_entries', 'Entries held by each cache tier.', byLabel('tier', [
      ['memory', cache.memory.entries],
      ['idb', cache.idb.entries],
    ])),
    gauge('kestrel_idb_status', 'IndexedDB store status: 1 for the current one.', IDB_STATUSES.map((status) => ({
      labels: { status },
      value: cache.idb.status === status ? 1 : 0,
    }))),
    gauge('kestrel_breaker_state', 'Circuit breaker per host: 0 closed, 1 half-open, 2 open.', hosts.map((host) => ({
      labels: { host },
      value: BREAKER_STATE_VALUE[stats.breakers[host].state],
    }))),
    gauge('kestrel_breaker_consecutive_failures', 'Consecutive failures counted by each host breaker.', hosts.map((host) => ({
      labels: { host },
      value: stats.breakers[host].consecutiveFailures,
    }))),
    {
      // No _sum or _count: the engine keeps a sliding window, not cumulative totals, and a windowed count
      // exported as _count would make rate() lie. The window's size is its own gauge below.
      name: 'kestrel_request_latency_seconds',
      help: 'Request latency percentiles over the engine window, by tier that answered.',
      type: 'summary',
      samples: LATENCY_TIERS.flatMap((tier) =>
        stats.latencyMs[tier].count > 0
          ? QUANTILES.map(([quantile, key]) => ({ labels: { tier, quantile }, value: stats.latencyMs[tier][key] / 1000 }))
          : [],
      ),
    },
    gauge('kestrel_request_latency_window_samples', 'Latency samples in the percentile window, by tier.', LATENCY_TIERS.map((tier) => ({
      labels: { tier },
      value: stats.latencyMs[tier].count,
    }))),
    gauge('kestrel_web_vital_seconds', 'Latest web-vitals timing, by name.', TIMING_VITALS.flatMap((name) => {
      const reading = vitals[name];
      return reading ? [{ labels: { name, rating: reading.rating }, value: reading.value / 1000 }] : [];
    })),
    gauge('kestrel_web_vital_cls', 'Latest Cumulative Layout Shift score.', vitals.CLS ? one(vitals.CLS.value) : []),
    gauge('kestrel_page_fps', 'Animation frames per second on the main thread.', pageHealth.fps === null ? [] : one(pageHealth.fps)),
    counter('kestrel_long_tasks_total', 'Main-thread tasks longer than 50 ms.', pageHealth.longTasks.supported ? one(pageHealth.longTasks.count) : []),
    counter('kestrel_long_task_seconds_total', 'Time spent in long tasks.', pageHealth.longTasks.supported ? one(pageHealth.longTasks.totalMs / 1000) : []),
    gauge('kestrel_js_heap_used_bytes', 'JavaScript heap in use (Chromium only).', pageHealth.heap ? one(pageHealth.heap.usedBytes) : []),
  ];
}

// A family with no samples still gets HELP and TYPE lines: valid, and it tells a reader the metric exists.
function renderFamily(family: Family): string {
  let text = `# HELP ${family.name} ${escapeHelp(family.help)}\n# TYPE ${family.name} ${family.type}\n`;
  for (const sample of family.samples) {
    text += `${family.name}${renderLabels(sample.labels)} ${formatValue(sample.value)}\n`;
  }
  return text;
}

function renderLabels(labels: Record<string, string> | undefined): string {
  if (!labels) return '';
  const pairs = Object.entries(labels).map(([name, value]) => `${name}="${escapeLabelValue(value)}"`);
  return pairs.length > 0 ? `{${pairs.join(',')}}` : '';
}

// The spec's three escapes for label values: backslash, double quote, line feed.
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

// HELP text escapes backslash and line feed only.
export function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

// Go's ParseFloat spellings for the non-finite values; JS's shortest round-trip form for the rest.
export function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}
