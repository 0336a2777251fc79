import type { IControl } from 'maplibre-gl';
import type { TileSourceLabel } from './tile-sources-features.ts';

const LABEL_ORDER: readonly TileSourceLabel[] = ['memory', 'idb', 'network', 'prefetched', 'unknown'];

// Okabe–Ito colours: distinguishable with the common colour-vision deficiencies, and dark enough to read as
// outlines on the light land and the blue water of Kestrel's style as well as on dark basemaps.
export const TILE_SOURCE_COLOURS: Record<TileSourceLabel, string> = {
  memory: '#009E73',
  idb: '#0072B2',
  network: '#D55E00',
  prefetched: '#CC79A7',
  unknown: '#7f7f7f',
};

export const COVERAGE_COLOUR = '#334155';

const LABELS: Record<TileSourceLabel, string> = {
  memory: 'memory',
  idb: 'IndexedDB',
  network: 'network',
  prefetched: 'prefetched',
  unknown: 'no record',
};

// The map layer carries no text (the style has no glyphs), so the key and the counts live in this DOM control,
// drawn like MapLibre's own controls (white box), which reads on light and dark styles alike.
export class TileSourcesLegend implements IControl {
  private readonly root = document.createElement('div');
  private readonly counts = new Map<TileSourceLabel | 'cached', HTMLElement>();

  constructor() {
    this.root.className = 'maplibregl-ctrl maplibregl-ctrl-group';
    this.root.setAttribute('role', 'group');
    this.root.setAttribute('aria-label', 'Tile sources: where each visible tile came from');
    this.root.dataset.testid = 'tile-sources-legend';
    Object.assign(this.root.style, { padding: '4px 8px', font: '12px/1.45 system-ui, sans-serif', color: '#1f2933' });
    for (const kind of LABEL_ORDER) {
      const colour = TILE_SOURCE_COLOURS[kind];
      this.row(kind, LABELS[kind], { border: `2px solid ${colour}`, background: `${colour}33` });
    }
    this.row('cached', 'cached here (rbush)', {
      border: `1px solid ${COVERAGE_COLOUR}`,
      background: `repeating-linear-gradient(135deg, ${COVERAGE_COLOUR}99 0 2px, transparent 2px 5px)`,
    });
  }

  onAdd(): HTMLElement {
    return this.root;
  }

  onRemove(): void {
    this.root.remove();
  }

  // Visible tiles per source, and cached tiles at the view's zoom (null until the engine answered).
  update(bySource: Record<TileSourceLabel, number>, cached: number | null): void {
    for (const [kind, count] of Object.entries(bySource)) this.setCount(kind as TileSourceLabel, count);
    if (cached !== null) this.setCount('cached', cached);
  }

  private setCount(key: TileSourceLabel | 'cached', count: number): void {
    const cell = this.counts.get(key);
    if (!cell || cell.dataset.value === String(count)) return;
    cell.dataset.value = String(count);
    cell.textContent = String(count);
  }

  private row(key: TileSourceLabel | 'cached', label: string, swatch: Partial<CSSStyleDeclaration>): void {
    const line = document.createElement('div');
    Object.assign(line.style, { display: 'flex', alignItems: 'center', gap: '6px' });
    const box = document.createElement('span');
    box.setAttribute('aria-hidden', 'true');
    Object.assign(box.style, { display: 'inline-block', width: '12px', height: '10px', boxSizing: 'border-box', ...swatch });
    const name = document.createElement('span');
    name.textContent = label;
    name.style.flex = '1';
    const count = document.createElement('span');
    count.dataset.testid = `tile-sources-count-${key}`;
    count.dataset.value = '';
    count.textContent = '–';
    Object.assign(count.style, { fontVariantNumeric: 'tabular-nums', minWidth: '2.5em', textAlign: 'right' });
    line.append(box, name, count);
    this.root.append(line);
    this.counts.set(key, count);
  }
}
