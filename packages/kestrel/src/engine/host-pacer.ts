// Spacing between request starts per host, learned from 429s that name no Retry-After (nginx `limit_req`, many
// CDNs and tile APIs). Such a 429 says "you are above my rate", not "this tile failed": the answer is to slow down
// to the rate the host allows, not to spend the retry budget on it. Written by hand because it is the engine's
// own congestion control (multiplicative increase of the interval on each 429, gentle decay on each answer, the
// mirror of AIMD's window), and it must share the scheduler's clock and fake-clock tests.
export interface HostPacerOptions {
  // the first interval after a 429 (ms); halving below it ends pacing
  minMs: number;
  // the longest interval between starts: a host that still throttles at this pace is left to the deadline
  maxMs: number;
  // factor applied to the interval on each answer that was not a 429 (< 1)
  decay: number;
}

export const defaultHostPacerOptions: HostPacerOptions = { minMs: 100, maxMs: 4000, decay: 0.9 };

/** Per-host minimum spacing between request starts, widened by throttling answers and narrowed by good ones. */
export class HostPacer {
  private readonly intervals = new Map<string, number>();
  private readonly widenedAt = new Map<string, number>();

  constructor(private readonly options: HostPacerOptions = defaultHostPacerOptions) {}

  /**
   * A 429 without Retry-After from `host` at `now`: double its interval (at least minMs) and return it. The 429s
   * of one burst (requests started before the last widening took effect) are one signal, as TCP cuts its window
   * once per round trip: without this, six parallel refusals would widen the interval 64-fold at once.
   */
  throttled(host: string, now: number): number {
    const current = this.intervals.get(host) ?? 0;
    const last = this.widenedAt.get(host);
    if (last !== undefined && now - last < current) return current;
    const next = Math.min(this.options.maxMs, Math.max(this.options.minMs, current * 2));
    this.intervals.set(host, next);
    this.widenedAt.set(host, now);
    return next;
  }

  /** Any other answer from `host`: the interval shrinks, and pacing ends once it is below minMs / 2. */
  answered(host: string): void {
    const interval = this.intervals.get(host);
    if (interval === undefined) return;
    const next = interval * this.options.decay;
    if (next < this.options.minMs / 2) {
      this.intervals.delete(host);
      this.widenedAt.delete(host);
    }
    else this.intervals.set(host, next);
  }

  /** The spacing to keep between two request starts to `host`; 0 when it is not paced. */
  intervalMs(host: string): number {
    return this.intervals.get(host) ?? 0;
  }

  /** Every paced host and its interval (ms), for stats. */
  snapshot(): Record<string, number> {
    return Object.fromEntries([...this.intervals].map(([host, ms]) => [host, Math.round(ms)]));
  }
}
