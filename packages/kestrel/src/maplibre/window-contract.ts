import type { Map as MapLibreMap } from 'maplibre-gl';
import type { DeliveryAuditReport, EngineStats } from '../contract/engine-api.ts';
import type { Kestrel, KestrelAreas } from '../kestrel.ts';
import { pageVitals } from '../overlay/start-vitals.ts';
import { TileTimeline, type TileTimelineSummary } from './tile-timeline.ts';
import type { BridgeCensus } from './bridge-census.ts';
import type { EngineHostEvent } from '../client/engine-host.ts';
import { whenIdle, whenLoaded } from './map-idle.ts';

/** `window.kestrel`: what Playwright suites (Kestrel's fixture, `kestrel-maps/playwright`, and yours) rely on. */
export interface KestrelWindowContract {
  map: MapLibreMap;
  // 'engine' when tiles go through Kestrel's worker, 'maplibre' with ?engine=off
  mode: 'engine' | 'maplibre';
  // the build's version (package.json's, or KESTREL_BUILD_ID at build time)
  version: string;
  // resolves once the style has loaded; rejects when it cannot
  ready: Promise<void>;
  // resolves once the map is loaded, every visible tile is settled and no render is pending
  idle(): Promise<void>;
  // MapLibre's own view of its tile requests (same in both modes): requested/delivered/errored/aborted/pending,
  // hole time and request→bytes latencies
  // viaMainThread: how many tile asks took the main-thread hop to the engine (raster tiles; vector tiles only
  // with ?bridge=main or before the worker bridge has loaded)
  tiles(): TileTimelineSummary & { viaMainThread: number };
  // the engine's statistics (null with ?engine=off). `sharing` says whose figures are whose: every other field is
  // the engine's as a whole — with one engine for every tab (`sharing.mode` 'shared-worker' or 'leader'), all tabs'
  // — and `sharing.tab` is this tab's share (its asks, and the tier that answered each); mode 'off': the tab's own
  stats(): Promise<EngineStats | null>;
  // zero the engine's counters and the tile timeline
  resetStats(): Promise<void>;
  // web-vitals seen so far (LCP, INP, CLS, FCP, TTFB)
  vitals(): unknown;
  // empty both cache tiers
  clearCache(): Promise<void>;
  // drop a region ([west, south, east, north]) from both tiers; returns how many tiles were dropped
  invalidate(bbox: [number, number, number, number], zoom?: { minZoom?: number; maxZoom?: number }): Promise<number>;
  // which tiles ("z/x/y") are cached inside bbox at a zoom
  coverage(bbox: [number, number, number, number], zoom: number): Promise<string[]>;
  // saved offline areas (null with ?engine=off): one list for every tab of the origin
  areas: KestrelAreas | null;
  // chaos suites: kill the engine worker as a crash would; the page falls back to direct loading and restarts it
  terminateEngine(): void;
  // the tile asks MapLibre's workers handed the engine, counted by the bridges themselves: requests, answered,
  // errored, aborted, open (direct: ended by a direct fetch; resent: asked again after an engine lost them);
  // null with ?engine=off
  // `{ deliveries: true }`: also what they handed MapLibre while the engine audited (chaos suites)
  bridge(options?: { deliveries?: boolean }): Promise<BridgeCensus | null>;
  // the engine worker's life on this page: every death (why) and restart, with Date.now() times
  engineEvents(): EngineHostEvent[];
  // chaos suites (with ?engineOptions={"audit":true}): what the current engine worker handed to MapLibre, and the
  // tiles the page fetched directly while no worker was in service (not audited); engine null with ?engine=off
  audit(): Promise<{ engine: DeliveryAuditReport | null; fallback: { ok: number; noTile: number; failed: number } | null }>;
}

/** Options of {@link exposeWindowContract}. */
export interface WindowContractOptions {
  /** The app's version, shown as `window.kestrel.version`. */
  version?: string;
  /** Resolves once the style has loaded, rejects when it cannot; default: the map's `load` event. */
  ready?: Promise<void>;
}

/**
 * Publishes `window.kestrel` for Playwright suites: the map, its tile timeline (MapLibre's own view of its tile
 * requests, the same with or without the engine), the engine's statistics and controls. `kestrel` null: the map
 * loads tiles MapLibre's own way (the baseline a suite compares with). Returns what removes it again.
 */
export function exposeWindowContract(kestrel: Kestrel | null, map: MapLibreMap, options: WindowContractOptions = {}): () => void {
  const timeline = new TileTimeline(map);
  const vitals = pageVitals();
  const noEngine = () => Promise.reject(new Error('the engine is off'));
  const target = globalThis as unknown as { kestrel?: KestrelWindowContract };
  const contract: KestrelWindowContract = {
    map,
    mode: kestrel ? 'engine' : 'maplibre',
    version: options.version ?? '',
    ready: options.ready ?? whenLoaded(map),
    idle: () => whenIdle(map),
    tiles: () => ({ ...timeline.read(), viaMainThread: kestrel?.mainThreadAsks() ?? 0 }),
    stats: async () => (kestrel ? kestrel.stats() : null),
    resetStats: async () => {
      timeline.reset();
      await kestrel?.resetStats();
    },
    vitals: () => vitals.vitals(),
    clearCache: () => (kestrel ? kestrel.clearCache() : noEngine()),
    invalidate: (bbox, zoom) => (kestrel ? kestrel.invalidate(bbox, zoom) : noEngine()),
    coverage: (bbox, zoom) => (kestrel ? kestrel.coverage(bbox, zoom) : noEngine()),
    areas: kestrel?.areas ?? null,
    terminateEngine: () => kestrel?.crashWorker(),
    bridge: (census) => (kestrel ? kestrel.bridgeCensus(census) : Promise.resolve(null)),
    engineEvents: () => kestrel?.events() ?? [],
    audit: async () => ({ engine: kestrel ? await kestrel.audit() : null, fallback: kestrel ? kestrel.fallbackAnswers() : null }),
  };
  target.kestrel = contract;
  return () => {
    timeline.dispose();
    if (target.kestrel === contract) delete target.kestrel;
  };
}
