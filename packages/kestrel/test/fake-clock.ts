import type { Clock } from '../src/engine/ports.ts';

interface Timer {
  id: number;
  at: number;
  fn: () => void;
}

// Time moves only when a test says so; timers fire in due order, so retry and timeout races are deterministic.
export class FakeClock implements Clock {
  private current = 0;
  private nextId = 1;
  private timers: Timer[] = [];

  now(): number {
    return this.current;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const timer = { id: this.nextId++, at: this.current + Math.max(0, ms), fn };
    this.timers.push(timer);
    return timer.id;
  }

  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((t) => t.id !== handle);
  }

  pending(): number {
    return this.timers.length;
  }

  // Advance time, firing due timers in order and letting promise callbacks settle between them.
  async advance(ms: number): Promise<void> {
    const target = this.current + ms;
    for (;;) {
      await flushMicrotasks();
      const due = this.timers.filter((t) => t.at <= target).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.current = due.at;
      due.fn();
    }
    this.current = target;
    await flushMicrotasks();
  }

  // Fire timers until none are left (bounded, so a timer loop fails the test instead of hanging it).
  async runAll(maxSteps = 10_000): Promise<void> {
    for (let i = 0; i < maxSteps; i++) {
      await flushMicrotasks();
      const next = [...this.timers].sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!next) return;
      await this.advance(next.at - this.current);
    }
    throw new Error(`FakeClock.runAll: still ${this.timers.length} timers after ${maxSteps} steps`);
  }
}

export async function flushMicrotasks(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await Promise.resolve();
}
