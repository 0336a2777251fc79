import type { Page } from '@playwright/test';
import type { KestrelWindowContract } from '../maplibre/window-contract.ts';

// The page's `window.kestrel` (exposeWindowContract), for the functions below that run inside page.evaluate.
declare const window: Window & { kestrel: KestrelWindowContract };

// Camera moves as plain data, so the same journey runs in the benchmark and in any Playwright suite, and is
// replayed inside the page with MapLibre's own animations (time-based: both modes move identically).

/** One camera move of a {@link Journey}, played in the page with MapLibre's own animation of that name. */
export type JourneyStep =
  | { kind: 'panBy'; dx: number; dy: number; durationMs: number }
  | { kind: 'zoomBy'; delta: number; durationMs: number }
  | { kind: 'flyTo'; center: [number, number]; zoom: number; durationMs: number };

/** A camera journey: moves played one after the other, each followed by a pause of `dwellMs`. */
export interface Journey {
  steps: JourneyStep[];
  // pause after each step: a user's hand between drags, short enough that tiles are still arriving
  dwellMs: number;
}

const repeat = (n: number, step: JourneyStep): JourneyStep[] => Array.from({ length: n }, () => step);

/**
 * The named journeys `map.journey(name)` plays: `pan` (10 × 300 px eastwards, 400 ms each), `shortPan`
 * (5 × 300 px east and 100 px south), `zoom` (four levels in, then four out) and `flyTo` (to New York at z6 in 4 s).
 */
export const JOURNEYS = {
  // 10 × 300 px eastwards, 400 ms each: a steady drag across ~4 screen widths.
  pan: { steps: repeat(10, { kind: 'panBy', dx: 300, dy: 0, durationMs: 400 }), dwellMs: 100 },
  // A shorter pan for scenarios where the network, not the journey, is the subject.
  shortPan: { steps: repeat(5, { kind: 'panBy', dx: 300, dy: 100, durationMs: 400 }), dwellMs: 100 },
  // In four zoom levels and back out: every step needs a new pyramid level, the way out can reuse parents.
  zoom: {
    steps: [...repeat(4, { kind: 'zoomBy', delta: 1, durationMs: 600 }), ...repeat(4, { kind: 'zoomBy', delta: -1, durationMs: 600 })],
    dwellMs: 200,
  },
  // London → New York at z6 in 4 s: MapLibre zooms out, crosses the Atlantic and zooms back in.
  flyTo: { steps: [{ kind: 'flyTo', center: [-74.006, 40.713], zoom: 6, durationMs: 4000 }], dwellMs: 0 },
} satisfies Record<string, Journey>;

/** The name of one of the {@link JOURNEYS}. */
export type JourneyName = keyof typeof JOURNEYS;

/**
 * Plays a journey on the page's `window.kestrel.map`; resolves when the last animation ends (not when its tiles
 * are in), with both ends on the page's clock.
 */
export async function playJourney(page: Page, journey: Journey): Promise<{ startedAt: number; endedAt: number }> {
  return page.evaluate(async ({ steps, dwellMs }) => {
    const map = window.kestrel.map;
    const started = performance.now();
    for (const step of steps) {
      const ended = new Promise<void>((resolve) => map.once('moveend', () => resolve()));
      if (step.kind === 'panBy') map.panBy([step.dx, step.dy], { duration: step.durationMs });
      else if (step.kind === 'zoomBy') map.easeTo({ zoom: map.getZoom() + step.delta, duration: step.durationMs });
      else map.flyTo({ center: step.center, zoom: step.zoom, duration: step.durationMs });
      await ended;
      if (dwellMs > 0) await new Promise((resolve) => setTimeout(resolve, dwellMs));
    }
    return { startedAt: started, endedAt: performance.now() };
  }, journey);
}
