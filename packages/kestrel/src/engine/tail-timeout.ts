import { LatencyWindow } from './latency-window.ts';

/** How an attempt's timeout adapts to the host's observed latency (`retry.tail*` in the engine options). */
export interface TailTimeoutOptions {
  // the timeout is this many times the host's recent p95 attempt time; 0 turns adaptation off
  tailFactor: number;
  // never shorter than this, however fast the host has been
  tailFloorMs: number;
  // answers from the host needed before its p95 is trusted (fewer: the fixed attemptTimeoutMs applies)
  tailMinSamples: number;
  // the fixed ceiling, and the timeout whenever adaptation does not apply
  attemptTimeoutMs: number;
}

// 200 answers over a minute: a p95 with 10 samples above it, and "recent" enough that a host that slowed down
// raises its own timeout within seconds.
const WINDOW = { maxSamples: 200, maxAgeMs: 60_000 };

/**
 * Adaptive attempt timeouts: an attempt to a host that has been answering is cut at `tailFactor` × that host's
 * recent p95 attempt time (at least `tailFloorMs`, at most `attemptTimeoutMs`), then retried through the ordinary
 * retry policy and budget. A hung request so costs about the host's normal tail, not the whole fixed timeout.
 * Each request is cut at most once (its retry gets the fixed timeout), and a cut is neutral for the breaker and
 * AIMD: it is a guess, and wrong guesses (a host whose cold tiles are slow) must cost one retry, not the host.
 *
 * Chosen over hedging (a second attempt racing the first): a hedge needs a second request slot while the first
 * still holds one, so either the in-flight bounds (maxInFlight, the 6 HTTP/1.1 connections per host, which the
 * test server witnesses as its maxInFlight) break, or hedges take slots from visible tiles exactly when the queue
 * is longest. Cutting and retrying keeps one request per slot, spends the retry budget the engine already has,
 * and costs the same for a hang (the tail, a backoff, one normal answer). What it gives up: a slow answer that
 * would have arrived just past the cut is thrown away, which at 4 × p95 is rare by construction.
 *
 * Never while the host is rate-limiting us (a 429 within `throttleQuietMs`, or the host is being paced): its
 * answers are then slow on purpose, and cutting them would only add requests to a host asking for fewer. A host
 * whose breaker is open gets no attempt at all (network-task), so no timeout applies there.
 *
 * Written by hand: it is the engine's own latency model, sharing the engine's clock, latency window and fake-clock
 * tests; no library keeps per-host percentiles against an injected clock.
 */
export class TailTimeouts {
  private readonly windows = new Map<string, LatencyWindow>();
  private readonly throttledAt = new Map<string, number>();

  // 30 s: a rate limit that stopped complaining that long ago has let the host's latency settle again.
  constructor(private readonly throttleQuietMs = 30_000) {}

  /** An answer (any status the host meant to send) came from `host` after `ms` on the wire. */
  answered(host: string, ms: number, now: number): void {
    let window = this.windows.get(host);
    if (!window) {
      window = new LatencyWindow(WINDOW);
      this.windows.set(host, window);
    }
    window.add(ms, now);
  }

  /** The host said "too many requests": no adaptive cut for it for a while. */
  throttled(host: string, now: number): void {
    this.throttledAt.set(host, now);
  }

  /** The timeout for an attempt to `host` starting at `now`, and whether it was cut below the fixed one. */
  timeoutFor(host: string, now: number, o: TailTimeoutOptions, paced: boolean): { ms: number; adaptive: boolean } {
    const fixed = { ms: o.attemptTimeoutMs, adaptive: false };
    if (o.tailFactor <= 0 || paced) return fixed;
    const throttled = this.throttledAt.get(host);
    if (throttled !== undefined && now - throttled < this.throttleQuietMs) return fixed;
    const window = this.windows.get(host);
    if (!window) return fixed;
    const summary = window.summary(now);
    if (summary.count < Math.max(1, o.tailMinSamples)) return fixed;
    const ms = Math.max(o.tailFloorMs, summary.p95 * o.tailFactor);
    return ms < o.attemptTimeoutMs ? { ms, adaptive: true } : fixed;
  }
}
