import type { BreakerSnapshot, BreakerState } from '../contract/engine-api.ts';

export interface BreakerOptions {
  failureThreshold: number;
  coolDownMs: number;
}

// Issued for every attempt the breaker lets through; `probe` marks the single half-open trial.
export interface BreakerPermit {
  readonly probe: boolean;
}

// How an attempt ended, from the host's point of view:
// - failure: 5xx, network error, timeout, truncated body — the host is struggling or unreachable;
// - success: any other HTTP answer, including 4xx, 429 and bodies that fail validation — the host is up and
//   answering quickly; a wrong body is a content problem the breaker cannot fix by shedding load;
// - neutral: no verdict (the asker cancelled), only frees the probe.
export type BreakerOutcome = 'success' | 'failure' | 'neutral';

// One host's breaker: closed → open after `failureThreshold` consecutive failures → half-open once `coolDownMs`
// has passed (one probe at a time) → closed on the probe's success, open again on its failure. The open →
// half-open step happens lazily when asked, so there are no timers to leak.
export class CircuitBreaker {
  private current: 'closed' | 'open' | 'half-open' = 'closed';
  private failures = 0;
  private openedAt: number | undefined;
  private probeOut = false;
  // Every verdict the host has given, in any state: the page tells "this host is failing" from "this host
  // answers, with some failures" by whether `answered` moved between two looks (engine-health.ts).
  private answered = 0;
  private failed = 0;

  constructor(private options: BreakerOptions) {}

  configure(options: BreakerOptions): void {
    this.options = options;
  }

  state(now: number): BreakerState {
    if (this.current === 'open' && now - (this.openedAt as number) >= this.options.coolDownMs) {
      this.current = 'half-open';
      this.probeOut = false;
    }
    return this.current;
  }

  // True when an attempt now would be refused: fail fast without queueing.
  rejects(now: number): boolean {
    const state = this.state(now);
    return state === 'open' || (state === 'half-open' && this.probeOut);
  }

  tryAcquire(now: number): BreakerPermit | undefined {
    const state = this.state(now);
    if (state === 'closed') return { probe: false };
    if (state === 'open' || this.probeOut) return undefined;
    this.probeOut = true;
    return { probe: true };
  }

  // Results of attempts let through before the breaker opened are ignored while it is open or half-open:
  // only the probe decides whether the host has recovered.
  record(permit: BreakerPermit, outcome: BreakerOutcome, now: number): void {
    if (outcome === 'success') this.answered++;
    else if (outcome === 'failure') this.failed++;
    if (permit.probe) {
      this.probeOut = false;
      if (this.current !== 'half-open' || outcome === 'neutral') return;
      if (outcome === 'success') this.close();
      else this.open(now);
      return;
    }
    if (this.current !== 'closed' || outcome === 'neutral') return;
    if (outcome === 'success') {
      this.failures = 0;
      return;
    }
    this.failures++;
    if (this.failures >= this.options.failureThreshold) this.open(now);
  }

  snapshot(now: number): BreakerSnapshot {
    const state = this.state(now);
    const counts = { consecutiveFailures: this.failures, answered: this.answered, failed: this.failed };
    return state === 'closed' ? { state, ...counts } : { state, ...counts, openedAt: this.openedAt };
  }

  private open(now: number): void {
    this.current = 'open';
    this.openedAt = now;
  }

  private close(): void {
    this.current = 'closed';
    this.failures = 0;
    this.openedAt = undefined;
  }
}
