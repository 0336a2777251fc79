import type { EngineStats } from '../contract/engine-api.ts';

export type VitalName = 'LCP' | 'INP' | 'CLS' | 'FCP' | 'TTFB';

// web-vitals' own rating words, kept verbatim so the overlay and any dashboard agree.
export type VitalRating = 'good' | 'needs-improvement' | 'poor';

export interface VitalReading {
  // ms for the timings; unitless for CLS
  value: number;
  rating: VitalRating;
}

// null until web-vitals has reported the metric (INP needs an interaction, LCP a paint).
// null rather than undefined so an exported JSON keeps every key.
export type VitalsSnapshot = Record<VitalName, VitalReading | null>;

export interface LongTaskSummary {
  // false where the browser has no 'longtask' entry type (Firefox, Safari): the zeros then mean "unknown"
  supported: boolean;
  count: number;
  totalMs: number;
  maxMs: number;
}

export interface HeapSummary {
  usedBytes: number;
  totalBytes: number;
  limitBytes: number;
}

export interface PageHealthSnapshot {
  // frames per second over the last `fpsWindowMs`; null before two frames were seen
  fps: number | null;
  fpsWindowMs: number;
  longTasks: LongTaskSummary;
  // null where performance.memory does not exist (everything but Chromium)
  heap: HeapSummary | null;
}

// What the overlay pulls from the app. One `stats()` call per tick is the whole cost on the worker side.
export interface OverlaySource {
  stats(): Promise<EngineStats>;
  vitals(): VitalsSnapshot;
  pageHealth(): PageHealthSnapshot;
}

// One tick's worth of data; also the shape of the JSON export.
export interface OverlaySnapshot {
  stats: EngineStats;
  vitals: VitalsSnapshot;
  pageHealth: PageHealthSnapshot;
  // wall-clock ms (Date.now()) so exports from different tabs and machines line up
  takenAt: number;
}
