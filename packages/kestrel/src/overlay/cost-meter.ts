// The overlay's own main-thread cost: time spent in its pull, state update and React render/commit, as ms per
// second of wall time. Shown in the panel so the overlay can be trusted not to be the cause of what it shows.
export class CostMeter {
  private readonly spans: Array<{ at: number; ms: number }> = [];

  // A few seconds smooths the 4 Hz ticks into a steady figure.
  constructor(readonly windowMs = 5000) {}

  add(at: number, ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) return;
    this.spans.push({ at, ms });
    this.prune(at);
  }

  msPerSecond(now: number): number {
    this.prune(now);
    let total = 0;
    for (const span of this.spans) total += span.ms;
    return (total * 1000) / this.windowMs;
  }

  private prune(now: number): void {
    const oldest = now - this.windowMs;
    let drop = 0;
    while (drop < this.spans.length && this.spans[drop].at <= oldest) drop += 1;
    if (drop > 0) this.spans.splice(0, drop);
  }
}
