import type { CostMeter } from './cost-meter.ts';

// The same shape as the engine's Clock port, declared here because the app may not import from src/engine.
export interface PollerClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface PollerOptions<T> {
  // One snapshot per tick; the engine answers with a single structured-cloned object, no per-tile traffic.
  pull(): Promise<T>;
  onResult(value: T, info: { roundTripMs: number }): void;
  onError(error: unknown): void;
  intervalMs?: number;
  clock?: PollerClock;
  // Receives the synchronous main-thread time of each tick (starting the pull, handling the answer).
  cost?: CostMeter;
}

// 4 updates per second is as fast as a person reads numbers; faster would only cost main-thread time.
export const MIN_INTERVAL_MS = 250;

const browserClock: PollerClock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

// Pulls on a fixed cadence, never more than one pull at a time: a tick that finds the previous pull still pending
// is skipped, so a busy worker slows the overlay down instead of queueing snapshots behind tile work.
export class SnapshotPoller<T> {
  private readonly intervalMs: number;
  private readonly clock: PollerClock;
  private timer: unknown = null;
  private pending = false;
  // bumped by stop(), so an answer that arrives after a stop is dropped rather than rendered into a paused panel
  private generation = 0;
  ticks = 0;
  skipped = 0;

  constructor(private readonly options: PollerOptions<T>) {
    this.intervalMs = Math.max(MIN_INTERVAL_MS, options.intervalMs ?? MIN_INTERVAL_MS);
    this.clock = options.clock ?? browserClock;
  }

  get running(): boolean {
    return this.timer !== null;
  }

  // Ticks at once, so opening the panel shows data without waiting an interval.
  start(): void {
    if (this.running) return;
    const loop = () => {
      this.tick();
      this.timer = this.clock.setTimeout(loop, this.intervalMs);
    };
    loop();
  }

  stop(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
    this.generation += 1;
  }

  private tick(): void {
    if (this.pending) {
      this.skipped += 1;
      return;
    }
    this.ticks += 1;
    this.pending = true;
    const generation = this.generation;
    const started = this.clock.now();
    let answer: Promise<T>;
    try {
      answer = this.options.pull();
    } catch (error) {
      answer = Promise.reject(error);
    }
    this.options.cost?.add(started, this.clock.now() - started);
    answer.then(
      (value) => {
        this.pending = false;
        if (generation !== this.generation) return;
        const handled = this.clock.now();
        this.options.onResult(value, { roundTripMs: handled - started });
        this.options.cost?.add(handled, this.clock.now() - handled);
      },
      (error: unknown) => {
        this.pending = false;
        if (generation === this.generation) this.options.onError(error);
      },
    );
  }
}
