// `kestrel-maps/overlay`: the performance overlay as a MapLibre control, and what a dashboard or a CI job may
// reuse of it (budgets, the Prometheus export).
export { KestrelOverlayControl, type OverlayControlOptions } from './overlay-control.tsx';
export { evaluateBudgets, DEFAULT_BUDGETS, type Budgets, type BudgetMetric, type BudgetStatus, type Threshold } from './budgets.ts';
export { toPrometheus, PROMETHEUS_CONTENT_TYPE } from './prometheus.ts';
