import type { EngineOptions, FailureReason, RequestPurpose, ResourceKind } from '../contract/engine-api.ts';
import type { CircuitBreaker } from './circuit-breaker.ts';
import type { ConcurrencyController } from './concurrency-controller.ts';
import { EngineError } from './engine-error.ts';
import type { EngineStatsRecorder } from './engine-stats.ts';
import { type HttpAnswer, networkAttempt } from './network-attempt.ts';
import type { AppRequestInit, ByteRange, Clock, Fetcher, TileCache } from './ports.ts';
import type { HostPacer } from './host-pacer.ts';
import type { RetryBudget } from './retry-budget.ts';
import type { RetryPolicy } from './retry-policy.ts';
import type { Attempt } from './scheduler.ts';
import { statusClassOf } from './engine-stats.ts';
import type { TailTimeouts } from './tail-timeout.ts';

// What one network task yields to every asker that shares it.
export interface NetworkResult {
  outcome: 'ok' | 'no-tile' | 'not-modified';
  bytes: Uint8Array | null;
  headers: Record<string, string>;
  // a byte range's resource size, when the host said (Content-Range)
  totalBytes?: number;
}

// The engine's shared machinery a task reports to; options are read per attempt so `configure` applies at once.
export interface NetworkTaskContext {
  fetcher: Fetcher;
  clock: Clock;
  cache?: TileCache;
  options(): EngineOptions;
  breaker(host: string): CircuitBreaker;
  aimd: ConcurrencyController;
  budget: RetryBudget;
  policy: RetryPolicy;
  recorder: EngineStatsRecorder;
  // hold every request to a host until a Retry-After has passed
  pauseHost(host: string, until: number): void;
  // spacing between request starts per host, widened by 429s that name no Retry-After
  pacer?: HostPacer;
  // URLs whose last body was refused (garbage, HTML, truncated…): their next fetch bypasses HTTP caches
  refusedBodies?: Set<string>;
  // false when the device knows it has no network (navigator.onLine)
  isOnline?: () => boolean;
  // per-host latency for adaptive attempt timeouts; absent: every attempt gets the fixed attemptTimeoutMs
  tail?: TailTimeouts;
}

export interface NetworkTaskSpec {
  url: string;
  kind: ResourceKind;
  host: string;
  // where to write the answer; undefined without a cache
  cacheKey?: string;
  // conditional request headers for a revalidation
  conditional?: Record<string, string>;
  // the app's headers and credentials for this URL (its own, or remembered for its origin): sent, never cached
  app?: AppRequestInit;
  // a byte range of the URL (a PMTiles archive); the caller stores what it makes of the bytes (no cacheKey)
  range?: ByteRange;
}

// One logical fetch as the scheduler runs it, once per attempt: deadline, breaker permit, the HTTP attempt,
// then breaker/AIMD/stats bookkeeping, the cache write, and the retry decision. The deadline starts at the first
// attempt (not at enqueue), so time spent queued behind other work is not held against the server.
export function networkTask(ctx: NetworkTaskContext, spec: NetworkTaskSpec): Attempt<NetworkResult> {
  let deadlineAt = 0;
  // A request is cut by the tail timeout at most once: its retry waits the fixed attempt timeout, so a tile that is
  // merely slow (a cold tile the host has to render) costs one cut, not one per attempt.
  let cutOnce = false;
  return async (signal, attempt, task) => {
    const { clock, recorder } = ctx;
    const o = ctx.options();
    const now = clock.now();
    const fail = (reason: FailureReason, message: string, status?: number) => {
      recorder.fail(reason);
      return EngineError.of(reason, message, attempt, status);
    };
    if (attempt === 1) {
      deadlineAt = now + o.retry.deadlineMs;
      ctx.budget.recordRequest(now);
      recorder.queueSample(now - task.enqueuedAt, now);
    }
    if (now >= deadlineAt) throw fail('deadline', `deadline of ${o.retry.deadlineMs} ms passed while waiting to retry`);
    const breaker = ctx.breaker(spec.host);
    const permit = breaker.tryAcquire(now);
    if (!permit) throw fail('breaker-open', `circuit breaker for ${spec.host} is open`);
    const remaining = deadlineAt - now;
    const paced = (ctx.pacer?.intervalMs(spec.host) ?? 0) > 0;
    const fixed = { ms: o.retry.attemptTimeoutMs, adaptive: false };
    const limit = (!cutOnce && ctx.tail?.timeoutFor(spec.host, now, o.retry, paced)) || fixed;
    let sent = false;
    const result = await networkAttempt({
      fetcher: ctx.fetcher,
      clock,
      url: spec.url,
      kind: spec.kind,
      conditionalHeaders: spec.conditional,
      app: spec.app,
      // the last body from this URL was refused: do not let an HTTP cache answer with its copy of it
      fresh: ctx.refusedBodies?.has(spec.url) === true,
      signal,
      timeoutMs: Math.min(limit.ms, remaining),
      deadlineBound: remaining < limit.ms,
      tail: limit.adaptive,
      onSent: () => {
        if (!sent) {
          sent = true;
          recorder.sent(spec.url);
          return;
        }
        // the fetcher's own probe for this attempt: one more request at the host, whose opaque answer has no status
        recorder.c.network.attempts++;
        recorder.c.network.byStatusClass.none++;
      },
      maxTileBytes: o.maxTileBytes,
      ...(spec.range ? { range: spec.range } : {}),
    });
    const done = clock.now();
    if (sent) recorder.c.network.byStatusClass[statusClassOf(result.kind === 'aborted' ? undefined : result.status)]++;
    if (result.kind === 'aborted') {
      breaker.record(permit, 'neutral', done);
      throw EngineError.aborted('request cancelled', attempt);
    }
    if (result.kind === 'answer') {
      ctx.tail?.answered(spec.host, result.latencyMs, done);
      breaker.record(permit, 'success', done);
      ctx.refusedBodies?.delete(spec.url);
      ctx.aimd.onSuccess(result.latencyMs, done);
      ctx.pacer?.answered(spec.host);
      recorder.c.bytesNetwork += result.bytes?.byteLength ?? 0;
      if (spec.conditional) recorder.c.revalidations[result.outcome === 'not-modified' ? 'notModified' : 'changed']++;
      if (spec.cacheKey !== undefined) writeCache(ctx.cache, spec.cacheKey, spec.url, result, task.purpose);
      const value: NetworkResult = { outcome: result.outcome, bytes: result.bytes, headers: result.headers };
      if (result.totalBytes !== undefined) value.totalBytes = result.totalBytes;
      return { value };
    }
    // Offline, a network error is the device's, not the host's, and retrying cannot help. The attempt itself was
    // still made: navigator.onLine is false with Wi-Fi off while a tile server on localhost answers.
    if (result.reason === 'network' && ctx.isOnline?.() === false) {
      breaker.record(permit, 'neutral', done);
      throw fail('offline', `the device is offline (${result.message})`);
    }
    if (BODY_REASONS.has(result.reason)) rememberRefused(ctx.refusedBodies, spec.url);
    if (result.reason === 'timeout' && limit.adaptive) {
      recorder.c.network.tailTimeouts++;
      cutOnce = true;
    }
    if (result.reason === 'http-429' || result.reason === 'unreadable-error') ctx.tail?.throttled(spec.host, done);
    breaker.record(permit, result.hostVerdict, done);
    if (result.overload) ctx.aimd.onOverload(done);
    // The host-wide hold honours Retry-After up to the retry cap. A longer one (an hour, say) still ends the tile
    // that got it (the policy below gives up past the deadline), but holding every request to the host for that
    // long would leave each new view "loading" well after the server recovered: after the cap one request goes
    // out, and a host still refusing says so again.
    if (result.retryAfterMs !== undefined) ctx.pauseHost(spec.host, done + Math.min(result.retryAfterMs, o.retry.capMs));
    // An error answer we may not read (no CORS headers on a host whose tiles carry them) is often that host's 429:
    // pace the host as for one, while the retry itself still spends the budget (it may as well be a 5xx).
    const paceHost = (pacer: HostPacer) => {
      const spacing = pacer.throttled(spec.host, done);
      ctx.pauseHost(spec.host, done + spacing);
      return spacing;
    };
    if (result.reason === 'unreadable-error' && ctx.pacer) paceHost(ctx.pacer);
    // A 429 that names no time is a congestion signal, not a failure of this tile: the host is alive and says we
    // are above its rate. Pace the host and ask again, without spending the retry budget or an attempt; the
    // deadline still ends a tile the host keeps refusing. (Storms against a host that is down are 5xx, timeouts
    // and network errors: those still go through the budget.)
    if (result.reason === 'http-429' && result.retryAfterMs === undefined && ctx.pacer) {
      if (done + paceHost(ctx.pacer) < deadlineAt) {
        recorder.c.retries.total++;
        recorder.c.retries.paced++;
        if (attempt === 1) recorder.c.requests.retried++;
        return { retryInMs: 0 };
      }
    }
    const decision = ctx.policy.decide(result, attempt, done, deadlineAt, () => ctx.budget.tryRetry(done));
    if ('retryInMs' in decision) {
      recorder.c.retries.total++;
      if (attempt === 1) recorder.c.requests.retried++;
      return decision;
    }
    if (decision.giveUp === 'retry-budget') recorder.c.retries.budgetExhausted++;
    throw fail(decision.giveUp, `${result.message} (${decision.message})`, result.status);
  };
}

const BODY_REASONS: ReadonlySet<FailureReason> = new Set(['garbage', 'html-body', 'json-body', 'truncated', 'oversized']);

// Bounded: a long session with a broken host must not grow this without end (oldest forgotten first).
const MAX_REFUSED = 1000;
function rememberRefused(refused: Set<string> | undefined, url: string): void {
  if (!refused) return;
  refused.delete(url);
  refused.add(url);
  if (refused.size > MAX_REFUSED) refused.delete(refused.values().next().value as string);
}

// Off the critical path: the cache batches its durable writes, and a failing cache must not fail the request
// (it reports its own health in its stats).
function writeCache(cache: TileCache | undefined, key: string, url: string, result: HttpAnswer, purpose: RequestPurpose): void {
  if (!cache) return;
  try {
    if (result.outcome === 'not-modified') cache.refreshed(key, result.headers);
    else cache.put(key, { url, status: result.status, headers: result.headers, bytes: result.bytes, purpose });
  } catch {
    // deliberately ignored, see above
  }
}
