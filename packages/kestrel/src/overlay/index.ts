// The overlay's public API, for the composition root (src/app/main.tsx).
export { PerfOverlay, type PerfOverlayProps } from './perf-overlay.tsx';
export { useOverlayToggle, type OverlayToggle } from './use-overlay-toggle.ts';
export { startVitals } from './start-vitals.ts';
export { startPageHealth } from './start-page-health.ts';
export { createOverlaySource } from './create-overlay-source.ts';
export { evaluateBudgets, DEFAULT_BUDGETS, type Budgets, type BudgetMetric, type BudgetStatus, type Threshold } from './budgets.ts';
export { BUDGETS_STORAGE_KEY } from './budget-config.ts';
export { toPrometheus, PROMETHEUS_CONTENT_TYPE } from './prometheus.ts';
export type {
  OverlaySource,
  OverlaySnapshot,
  VitalsSnapshot,
  VitalReading,
  VitalName,
  VitalRating,
  PageHealthSnapshot,
  LongTaskSummary,
  HeapSummary,
} from './overlay-types.ts';
