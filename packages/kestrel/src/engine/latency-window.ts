import type { LatencySummary } from '../contract/engine-api.ts';
import { summarize } from './percentiles.ts';

export interface LatencyWindowOptions {
  // the newest this many samples…
  maxSamples: number;
  // …that are also at most this old
  maxAgeMs: number;
}

// 1000 samples is a few minutes of busy panning: enough for a stable p99 (10 samples above it), small enough to
// sort on every stats read. 60 s keeps the figures about "now", not about the start of the session.
export const defaultLatencyWindow: LatencyWindowOptions = { maxSamples: 1000, maxAgeMs: 60_000 };

// Sliding window of recent latencies in a ring buffer. The sorted copy is cached until the next change, so
// repeated stats reads cost nothing.
export class LatencyWindow {
  private readonly values: Float64Array;
  private readonly times: Float64Array;
  // index of the oldest sample and number of samples held
  private start = 0;
  private count = 0;
  private sorted: Float64Array | undefined;

  constructor(readonly options: LatencyWindowOptions = defaultLatencyWindow) {
    this.values = new Float64Array(options.maxSamples);
    this.times = new Float64Array(options.maxSamples);
  }

  add(valueMs: number, now: number): void {
    const capacity = this.values.length;
    const slot = (this.start + this.count) % capacity;
    this.values[slot] = valueMs;
    this.times[slot] = now;
    if (this.count < capacity) this.count++;
    else this.start = (this.start + 1) % capacity;
    this.sorted = undefined;
  }

  summary(now: number): LatencySummary {
    this.expire(now);
    if (!this.sorted) {
      const copy = new Float64Array(this.count);
      for (let i = 0; i < this.count; i++) copy[i] = this.values[(this.start + i) % this.values.length];
      this.sorted = copy.sort();
    }
    return summarize(this.sorted);
  }

  clear(): void {
    this.start = 0;
    this.count = 0;
    this.sorted = undefined;
  }

  private expire(now: number): void {
    const oldest = now - this.options.maxAgeMs;
    while (this.count > 0 && this.times[this.start] < oldest) {
      this.start = (this.start + 1) % this.values.length;
      this.count--;
      this.sorted = undefined;
    }
  }
}
