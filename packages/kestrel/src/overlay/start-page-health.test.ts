import { describe, expect, it } from 'vitest';
import { startPageHealth, type PageHealthEnv } from './start-page-health.ts';

function fakeEnv(options: { longTasks?: boolean; heap?: boolean } = {}) {
  let time = 0;
  let nextHandle = 1;
  let queued: { handle: number; callback: (t: number) => void } | null = null;
  let onTask: ((ms: number) => void) | null = null;
  let disconnected = false;
  const env: PageHealthEnv = {
    now: () => time,
    requestAnimationFrame: (callback) => {
      queued = { handle: nextHandle++, callback };
      return queued.handle;
    },
    cancelAnimationFrame: (handle) => {
      if (queued?.handle === handle) queued = null;
    },
    observeLongTasks: (callback) => {
      if (options.longTasks === false) return null;
      onTask = callback;
      return () => {
        disconnected = true;
      };
    },
    readHeap: () => (options.heap === false ? null : { usedBytes: 1, totalBytes: 2, limitBytes: 3 }),
  };
  return {
    env,
    frames(count: number, intervalMs: number) {
      for (let i = 0; i < count; i += 1) {
        time += intervalMs;
        const next = queued;
        queued = null;
        next?.callback(time);
      }
    },
    longTask: (ms: number) => onTask?.(ms),
    get rafPending() {
      return queued !== null;
    },
    get disconnected() {
      return disconnected;
    },
  };
}

describe('startPageHealth', () => {
  it('measures the frame rate from animation frames', () => {
    const fake = fakeEnv();
    const health = startPageHealth(fake.env, 1000);
    fake.frames(100, 20);
    expect(health.pageHealth().fps).toBeCloseTo(50, 5);
    expect(health.pageHealth().fpsWindowMs).toBe(1000);
    health.stop();
  });
  it('tallies long tasks where the browser reports them', () => {
    const fake = fakeEnv();
    const health = startPageHealth(fake.env);
    fake.longTask(80);
    fake.longTask(200);
    expect(health.pageHealth().longTasks).toEqual({ supported: true, count: 2, totalMs: 280, maxMs: 200 });
    health.stop();
  });
  it('says so when long tasks cannot be observed', () => {
    const health = startPageHealth(fakeEnv({ longTasks: false }).env);
    expect(health.pageHealth().longTasks.supported).toBe(false);
    health.stop();
  });
  it('reports the heap when the browser exposes it, and null otherwise', () => {
    expect(startPageHealth(fakeEnv().env).pageHealth().heap).toEqual({ usedBytes: 1, totalBytes: 2, limitBytes: 3 });
    expect(startPageHealth(fakeEnv({ heap: false }).env).pageHealth().heap).toBeNull();
  });
  it('stops the frame loop and the observer', () => {
    const fake = fakeEnv();
    const health = startPageHealth(fake.env);
    fake.frames(3, 16);
    health.stop();
    expect(fake.rafPending).toBe(false);
    expect(fake.disconnected).toBe(true);
  });
});
