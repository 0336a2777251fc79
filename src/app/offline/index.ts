export { OfflineControl } from './offline-control.tsx';
export { mapViewSource } from './map-view.ts';
export type { OfflineSource } from './offline-types.ts';
