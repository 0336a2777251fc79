import type { IControl, Map as MapLibreMap } from 'maplibre-gl';
import { StrictMode } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import type { Kestrel } from '../kestrel.ts';
import { TileSourcesLayer } from '../maplibre/tile-sources-layer.ts';
import type { Budgets } from './budgets.ts';
import overlayCss from './perf-overlay.css?inline';
import { PerfOverlay } from './perf-overlay.tsx';
import { startPageHealth } from './start-page-health.ts';
import { pageVitals } from './start-vitals.ts';

/** Options of {@link KestrelOverlayControl}. */
export interface OverlayControlOptions {
  /** Open the panel at once (else a small button, or Shift+P, opens it). */
  open?: boolean;
  /** The app's thresholds for amber and red; a developer's localStorage `kestrel.perf.budgets` overrides them. */
  budgets?: Partial<Budgets>;
  /** Offer the "Tile sources" map layer (where each tile on screen came from). Default true. */
  tileSources?: boolean;
}

const STYLE_ID = 'kestrel-overlay-style';

/**
 * Kestrel's performance overlay as a MapLibre control: `map.addControl(new KestrelOverlayControl(kestrel))`.
 * p50/p95/p99 per tier, hit rates, queue, breakers, prefetch and web-vitals, in any page: it brings its own
 * styles and its own React root, so the app needs neither.
 */
export class KestrelOverlayControl implements IControl {
  private root: Root | undefined;
  private container: HTMLElement | undefined;
  private layer: TileSourcesLayer | undefined;
  private pageHealth: ReturnType<typeof startPageHealth> | undefined;

  constructor(
    private readonly kestrel: Kestrel,
    private readonly options: OverlayControlOptions = {},
  ) {}

  onAdd(map: MapLibreMap): HTMLElement {
    addStyles(map.getContainer().ownerDocument);
    const container = map.getContainer().ownerDocument.createElement('div');
    container.className = 'kestrel-overlay-control';
    const kestrel = this.kestrel;
    const vitals = pageVitals();
    const pageHealth = startPageHealth();
    const layer = this.options.tileSources === false ? undefined : new TileSourcesLayer(map, { tileSources: (tiles) => kestrel.tileSources(tiles), coverage: (bbox, zoom) => kestrel.coverage(bbox, zoom) });
    const root = createRoot(container);
    root.render(
      <StrictMode>
        <PerfOverlay
          source={{ stats: () => kestrel.stats(), vitals: () => vitals.vitals(), pageHealth: () => pageHealth.pageHealth() }}
          initiallyOpen={this.options.open}
          budgets={this.options.budgets}
          onToggleTileBoundaries={layer ? (on) => layer.setEnabled(on) : undefined}
        />
      </StrictMode>,
    );
    Object.assign(this, { root, container, layer, pageHealth });
    return container;
  }

  onRemove(): void {
    this.root?.unmount();
    this.layer?.setEnabled(false);
    this.pageHealth?.stop();
    this.container?.remove();
    this.root = this.container = this.layer = this.pageHealth = undefined;
  }
}

// One stylesheet per document, however many controls; every rule is scoped under .kpo- (perf-overlay.css).
function addStyles(doc: Document): void {
  if (doc.getElementById(STYLE_ID)) return;
  const style = doc.createElement('style');
  style.id = STYLE_ID;
  style.textContent = overlayCss;
  doc.head.append(style);
}
