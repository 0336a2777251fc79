import type { EngineStats } from '../contract/engine-api.ts';
import type { OverlaySource } from './overlay-types.ts';
import { startPageHealth } from './start-page-health.ts';
import { startVitals } from './start-vitals.ts';

// Convenience for the composition root: `createOverlaySource(engine)` with the comlink Remote<EngineApi>.
// Start it early (before the first paint settles) so web-vitals sees LCP and FCP.
export function createOverlaySource(engine: { stats(): Promise<EngineStats> }): OverlaySource & { stop(): void } {
  const vitals = startVitals();
  const health = startPageHealth();
  return {
    stats: () => engine.stats(),
    vitals: () => vitals.vitals(),
    pageHealth: () => health.pageHealth(),
    stop: () => health.stop(),
  };
}
