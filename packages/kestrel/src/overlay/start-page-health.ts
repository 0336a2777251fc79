import { FrameRateMeter } from './frame-rate-meter.ts';
import { addLongTask, emptyLongTasks } from './long-task-tally.ts';
import type { HeapSummary, LongTaskSummary, PageHealthSnapshot } from './overlay-types.ts';

// The browser APIs page health needs, passed in so Node tests can drive frames and long tasks by hand.
export interface PageHealthEnv {
  now(): number;
  requestAnimationFrame(callback: (t: number) => void): number;
  cancelAnimationFrame(handle: number): void;
  // null where the 'longtask' entry type does not exist; otherwise returns a disconnect function
  observeLongTasks(onTask: (durationMs: number) => void): (() => void) | null;
  readHeap(): HeapSummary | null;
}

// Chromium's non-standard performance.memory; absent from lib.dom.
interface PerformanceWithMemory extends Performance {
  memory?: { usedJSHeapSize: number; totalJSHeapSize: number; jsHeapSizeLimit: number };
}

export const browserPageHealthEnv = (): PageHealthEnv => ({
  now: () => performance.now(),
  requestAnimationFrame: (callback) => requestAnimationFrame(callback),
  cancelAnimationFrame: (handle) => cancelAnimationFrame(handle),
  observeLongTasks: (onTask) => {
    if (typeof PerformanceObserver === 'undefined' || !PerformanceObserver.supportedEntryTypes?.includes('longtask')) return null;
    const observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) onTask(entry.duration);
    });
    // buffered: long tasks from page start-up (style parse, first tiles) count too
    observer.observe({ type: 'longtask', buffered: true });
    return () => observer.disconnect();
  },
  readHeap: () => {
    const memory = (performance as PerformanceWithMemory).memory;
    return memory ? { usedBytes: memory.usedJSHeapSize, totalBytes: memory.totalJSHeapSize, limitBytes: memory.jsHeapSizeLimit } : null;
  },
});

// Frame rate over the last `fpsWindowMs` from a requestAnimationFrame loop: a callback per frame that only stores
// a timestamp. rAF stops in a hidden tab, so the loop costs nothing there and the rate reads "no data".
export function startPageHealth(
  env: PageHealthEnv = browserPageHealthEnv(),
  fpsWindowMs = 5000,
): { pageHealth(): PageHealthSnapshot; stop(): void } {
  const frames = new FrameRateMeter(fpsWindowMs);
  let longTasks: LongTaskSummary = emptyLongTasks(false);
  let stopped = false;
  let frame = 0;

  const onFrame = (t: number) => {
    if (stopped) return;
    frames.record(t);
    frame = env.requestAnimationFrame(onFrame);
  };
  frame = env.requestAnimationFrame(onFrame);

  const disconnect = env.observeLongTasks((durationMs) => {
    longTasks = addLongTask(longTasks, durationMs);
  });
  if (disconnect) longTasks = emptyLongTasks(true);

  return {
    pageHealth: () => ({ fps: frames.fps(env.now()), fpsWindowMs, longTasks, heap: env.readHeap() }),
    stop: () => {
      stopped = true;
      env.cancelAnimationFrame(frame);
      disconnect?.();
    },
  };
}
