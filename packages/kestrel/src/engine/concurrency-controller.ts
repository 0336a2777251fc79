export interface AimdOptions {
  // the configured maxInFlight: the ceiling the limit climbs back to
  max: number;
  decreaseFactor: number;
  increaseStep: number;
  latencyTargetMs: number;
}

// Latency this many times the target is "far above" it: the server (or the link) is queueing our requests.
const FAR_ABOVE_TARGET = 2;
// The gentle step taken for slow-but-successful answers, milder than the ×decreaseFactor for explicit overload.
const GENTLE_DECREASE = 0.9;
// EWMA weight of a new latency sample: ~the last 10 samples dominate.
const LATENCY_EWMA_ALPHA = 0.2;
// Bounds on the "one latency window" between two decreases: errors caused by the same burst of requests
// arrive within about one round trip of each other and must count as one congestion signal.
const MIN_WINDOW_MS = 100;
const MAX_WINDOW_MS = 10_000;

// AIMD (as TCP congestion avoidance and Netflix's concurrency-limits): the number of requests in flight grows by
// `increaseStep` per limit's worth of clean successes and shrinks ×decreaseFactor on overload (429, timeout,
// 503), at most once per latency window. The limit is kept fractional internally and read as an integer in
// [1, max].
export class ConcurrencyController {
  private current: number;
  private successes = 0;
  private lastDecreaseAt = Number.NEGATIVE_INFINITY;
  private latencyEwma: number | undefined;

  constructor(private options: AimdOptions) {
    this.current = options.max;
  }

  get limit(): number {
    return Math.max(1, Math.min(this.options.max, Math.floor(this.current)));
  }

  // A new configured max keeps the current limit if it fits under it; raising the max lets it climb there.
  configure(options: AimdOptions): void {
    this.options = options;
    this.current = Math.max(1, Math.min(options.max, this.current));
  }

  onSuccess(latencyMs: number, now: number): void {
    this.latencyEwma =
      this.latencyEwma === undefined ? latencyMs : this.latencyEwma + LATENCY_EWMA_ALPHA * (latencyMs - this.latencyEwma);
    if (latencyMs > this.options.latencyTargetMs * FAR_ABOVE_TARGET) {
      this.decrease(GENTLE_DECREASE, now);
      return;
    }
    // Between the target and far above it: hold. Only clean answers earn growth.
    if (latencyMs > this.options.latencyTargetMs) return;
    this.successes++;
    if (this.successes >= this.limit) {
      this.successes = 0;
      this.current = Math.min(this.options.max, this.current + this.options.increaseStep);
    }
  }

  onOverload(now: number): void {
    this.decrease(this.options.decreaseFactor, now);
  }

  private decrease(factor: number, now: number): void {
    if (now - this.lastDecreaseAt < this.windowMs()) return;
    this.lastDecreaseAt = now;
    this.successes = 0;
    this.current = Math.max(1, this.current * factor);
  }

  private windowMs(): number {
    const latency = this.latencyEwma ?? this.options.latencyTargetMs;
    return Math.max(MIN_WINDOW_MS, Math.min(MAX_WINDOW_MS, latency));
  }
}
