import type { Map as MapLibreMap } from 'maplibre-gl';
import type { DeliveryAuditReport, EngineStats } from '../contract/engine-api.ts';
import type { TileTimelineSummary } from './tile-timeline.ts';
import type { BridgeCensus } from './bridge-census.ts';
import type { EngineHostEvent } from '../client/engine-host.ts';

// `window.kestrel`: what Playwright suites (ours and external) may rely on. Documented in the README.
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
  // the engine's statistics (null with ?engine=off)
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

declare global {
  interface Window {
    kestrel: KestrelWindowContract;
  }
}
