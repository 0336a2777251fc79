// Frames per second from requestAnimationFrame timestamps over a sliding window. A frame the main thread could
// not produce (long task, heavy map redraw) is a missing timestamp, so this is the frame rate the user saw.
export class FrameRateMeter {
  private readonly stamps: number[] = [];

  constructor(readonly windowMs = 5000) {}

  record(t: number): void {
    this.stamps.push(t);
    this.prune(t);
  }

  // null until two frames fall in the window: one frame has no interval to measure
  fps(now: number): number | null {
    this.prune(now);
    const n = this.stamps.length;
    if (n < 2) return null;
    const elapsed = this.stamps[n - 1] - this.stamps[0];
    return elapsed > 0 ? ((n - 1) * 1000) / elapsed : null;
  }

  private prune(now: number): void {
    const oldest = now - this.windowMs;
    let drop = 0;
    while (drop < this.stamps.length && this.stamps[drop] < oldest) drop += 1;
    if (drop > 0) this.stamps.splice(0, drop);
  }
}
