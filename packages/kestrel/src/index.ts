// Kestrel's public API: the only module an app imports (plus `kestrel-maps/overlay` for the performance overlay
// and `kestrel-maps/playwright` for the test fixture). Everything else in the package is internal.

export {
  createKestrel,
  type Kestrel,
  type KestrelAreas,
  type KestrelEvents,
  type KestrelOptions,
  type KestrelState,
  type KestrelWorkerOptions,
  type MapLibreModule,
} from './kestrel.ts';
export { exposeWindowContract, type KestrelWindowContract, type WindowContractOptions } from './maplibre/window-contract.ts';
export { defaultEngineOptions, validateEngineOptions } from './engine/engine-options.ts';
export { EngineOptionsError } from './engine/engine-options-schema.ts';
export { NoticeBoard, type Notice, type NoticeAction } from './client/notices.ts';
export { redactUrl } from './client/redact-url.ts';
export { sourcesOf } from './maplibre/source-feed.ts';
export { whenIdle, whenLoaded } from './maplibre/map-idle.ts';
export { isTextEntry } from './overlay/text-entry.ts';
export type { BridgeCensus } from './maplibre/bridge-census.ts';
export type { TileTimelineSummary } from './maplibre/tile-timeline.ts';
export type { EngineHostEvent as KestrelLifeEvent } from './client/engine-host.ts';
export type { SharingChoice } from './client/engine-link.ts';
export type { SharingMode, SharingStats, TabStats } from './contract/engine-hub.ts';
export type {
  AreaBBox,
  AreaPlan,
  BreakerSnapshot,
  DeepPartial,
  DeliveryAuditReport,
  EngineOptions,
  EngineStats,
  NetworkStats,
  PrefetchReason,
  PrefetchReasonStats,
  PrefetchStats,
  StatusClass,
  SaveAreaRequest,
  SavedArea,
  SourceDescriptor,
  TileSource,
} from './contract/engine-api.ts';
