import type { Map as MapLibreMap } from 'maplibre-gl';
import type { EngineStats } from '../contract/engine-api.ts';

// `window.kestrel`: what Playwright suites (ours and external) may rely on. Documented in the README.
export interface KestrelWindowContract {
  map: MapLibreMap;
  // 'engine' when tiles go through Kestrel's worker, 'maplibre' with ?engine=off
  mode: 'engine' | 'maplibre';
  // resolves once the style has loaded; rejects when it cannot
  ready: Promise<void>;
  // resolves once the map is loaded, every visible tile is settled and no render is pending
  idle(): Promise<void>;
  // the engine's statistics (null with ?engine=off)
  stats(): Promise<EngineStats | null>;
  resetStats(): Promise<void>;
}

declare global {
  interface Window {
    kestrel: KestrelWindowContract;
  }
}
