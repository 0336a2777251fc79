// The soak's figures: samples every 30 s, growth between two moments, and an SVG plot. Pure functions.

export interface SoakSample {
  // seconds since the journey started
  t: number;
  // JS heap used plus ArrayBuffer backing stores, after a forced GC, bytes, per JS context (null: not read)
  heap: { page: number | null; engineWorker: number | null; mapLibreWorker: number | null };
  // the two parts, as CDP reported them
  heapDetail?: Record<'page' | 'engineWorker' | 'mapLibreWorker', { used: number; backing: number } | null>;
  // the engine's own accounting of its IndexedDB tier, and the origin's usage as the browser reports it
  idbBytes: number | null;
  storageUsage: number | null;
  memoryTierBytes: number | null;
  // tiles each tier holds (the engine's per-tile bookkeeping grows with these, up to the budgets)
  entries?: { memory: number; idb: number } | null;
  tilesDelivered: number;
  serverRequests: number;
}

export type SoakSeries =
  | 'page heap'
  | 'engine worker heap'
  | 'engine worker heap − memory tier'
  | 'MapLibre worker heap'
  | 'memory tier (engine)'
  | 'IndexedDB (engine)'
  | 'origin storage (estimate)';

export const SERIES: { name: SoakSeries; panel: 'heap' | 'storage'; colour: string; dashed?: boolean; value: (s: SoakSample) => number | null }[] = [
  { name: 'page heap', panel: 'heap', colour: '#1d3557', value: (s) => s.heap.page },
  { name: 'engine worker heap', panel: 'heap', colour: '#e63946', value: (s) => s.heap.engineWorker },
  // The memory tier's tiles are ArrayBuffers in the engine worker, bounded by its budget: what is left once they
  // are taken away is what a leak would grow.
  {
    name: 'engine worker heap − memory tier',
    panel: 'heap',
    colour: '#e63946',
    dashed: true,
    value: (s) => (s.heap.engineWorker === null || s.memoryTierBytes === null ? null : s.heap.engineWorker - s.memoryTierBytes),
  },
  { name: 'MapLibre worker heap', panel: 'heap', colour: '#2a9d8f', value: (s) => s.heap.mapLibreWorker },
  { name: 'memory tier (engine)', panel: 'storage', colour: '#e76f51', value: (s) => s.memoryTierBytes },
  { name: 'IndexedDB (engine)', panel: 'storage', colour: '#f4a261', value: (s) => s.idbBytes },
  { name: 'origin storage (estimate)', panel: 'storage', colour: '#6d597a', value: (s) => s.storageUsage },
];

export interface Growth {
  series: SoakSeries;
  fromBytes: number;
  toBytes: number;
  // (to − from) / from
  ratio: number;
  // least-squares slope over the window, bytes per minute
  slopePerMinute: number;
}

// How each series moved between `fromS` and `toS` (seconds): the sample nearest each end, and the fitted slope
// of every sample in between (one noisy sample at either end then cannot decide the verdict).
export function growth(samples: SoakSample[], fromS: number, toS: number): Growth[] {
  const out: Growth[] = [];
  for (const series of SERIES) {
    const points = samples.filter((s) => s.t >= fromS - 15 && s.t <= toS + 15).map((s) => [s.t, series.value(s)] as const).filter((p): p is [number, number] => p[1] !== null);
    if (points.length < 2) continue;
    const near = (t: number) => points.reduce((best, p) => (Math.abs(p[0] - t) < Math.abs(best[0] - t) ? p : best))[1];
    const fromBytes = near(fromS);
    const toBytes = near(toS);
    out.push({ series: series.name, fromBytes, toBytes, ratio: fromBytes > 0 ? (toBytes - fromBytes) / fromBytes : 0, slopePerMinute: slope(points) * 60 });
  }
  return out;
}

function slope(points: [number, number][]): number {
  const n = points.length;
  const mx = points.reduce((a, p) => a + p[0], 0) / n;
  const my = points.reduce((a, p) => a + p[1], 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

const W = 880;
const PANEL_H = 220;
const M = { left: 64, right: 250, top: 36, bottom: 34 };

// Two panels sharing the time axis: JS heaps (page and both workers) and storage (IndexedDB and the origin's
// usage). A shaded band marks the growth window.
export function soakSvg(samples: SoakSample[], title: string, window: [number, number] = [120, 600]): string {
  const tMax = Math.max(60, ...samples.map((s) => s.t));
  const plotW = W - M.left - M.right;
  const x = (t: number) => Math.round((M.left + (t / tMax) * plotW) * 10) / 10;
  const parts: string[] = [];
  const height = M.top + 2 * (PANEL_H + M.bottom) + 10;
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${height}" viewBox="0 0 ${W} ${height}" font-family="sans-serif" font-size="12">`);
  parts.push(`<rect width="${W}" height="${height}" fill="#fff"/>`);
  parts.push(`<text x="${M.left}" y="20" font-size="14" font-weight="bold">${escapeXml(title)}</text>`);
  (['heap', 'storage'] as const).forEach((panel, i) => {
    const top = M.top + i * (PANEL_H + M.bottom);
    const series = SERIES.filter((s) => s.panel === panel);
    const values = samples.flatMap((s) => series.map((d) => d.value(s))).filter((v): v is number => v !== null);
    const yMax = niceMax(Math.max(1, ...values) / 2 ** 20);
    const y = (bytes: number) => top + PANEL_H - (bytes / 2 ** 20 / yMax) * PANEL_H;
    parts.push(`<rect x="${x(window[0])}" y="${top}" width="${Math.max(0, x(Math.min(window[1], tMax)) - x(window[0]))}" height="${PANEL_H}" fill="#f1f3f5"/>`);
    for (let k = 0; k <= 4; k++) {
      const v = (yMax * k) / 4;
      const yy = top + PANEL_H - (k / 4) * PANEL_H;
      parts.push(`<line x1="${M.left}" x2="${M.left + plotW}" y1="${yy}" y2="${yy}" stroke="#dee2e6"/>`);
      parts.push(`<text x="${M.left - 6}" y="${yy + 4}" text-anchor="end">${+v.toFixed(1)}</text>`);
    }
    parts.push(`<text x="14" y="${top + PANEL_H / 2}" transform="rotate(-90 14 ${top + PANEL_H / 2})" text-anchor="middle">${panel === 'heap' ? 'JS heap + ArrayBuffers after GC (MiB)' : 'storage (MiB)'}</text>`);
    for (let m = 0; m <= tMax / 60; m++) {
      parts.push(`<line x1="${x(m * 60)}" x2="${x(m * 60)}" y1="${top + PANEL_H}" y2="${top + PANEL_H + 4}" stroke="#495057"/>`);
      parts.push(`<text x="${x(m * 60)}" y="${top + PANEL_H + 17}" text-anchor="middle">${m} min</text>`);
    }
    parts.push(`<line x1="${M.left}" x2="${M.left + plotW}" y1="${top + PANEL_H}" y2="${top + PANEL_H}" stroke="#495057"/>`);
    series.forEach((d, j) => {
      const pts = samples.map((s) => [s.t, d.value(s)] as const).filter((p): p is [number, number] => p[1] !== null);
      if (pts.length) parts.push(`<polyline fill="none" stroke="${d.colour}" stroke-width="2"${d.dashed ? ' stroke-dasharray="6 4"' : ''} points="${pts.map(([t, v]) => `${x(t).toFixed(1)},${y(v).toFixed(1)}`).join(' ')}"/>`);
      for (const [t, v] of pts) parts.push(`<circle cx="${x(t).toFixed(1)}" cy="${y(v).toFixed(1)}" r="2.5" fill="${d.colour}"/>`);
      const ly = top + 14 + j * 18;
      parts.push(`<line x1="${M.left + plotW + 12}" x2="${M.left + plotW + 30}" y1="${ly - 4}" y2="${ly - 4}" stroke="${d.colour}" stroke-width="3"${d.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
      parts.push(`<text x="${M.left + plotW + 36}" y="${ly}">${escapeXml(d.name)}</text>`);
    });
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

function niceMax(v: number): number {
  const step = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * step >= v) return m * step;
  return 10 * step;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);
}

export function formatGrowth(rows: Growth[], fromS: number, toS: number): string {
  const mib = (b: number) => `${(b / 2 ** 20).toFixed(2)} MiB`;
  const lines = [`| series | minute ${fromS / 60} | minute ${toS / 60} | growth | fitted slope |`, '|---|---|---|---|---|'];
  for (const g of rows) lines.push(`| ${g.series} | ${mib(g.fromBytes)} | ${mib(g.toBytes)} | ${g.ratio >= 0 ? '+' : ''}${(g.ratio * 100).toFixed(1)} % | ${(g.slopePerMinute / 1024).toFixed(1)} KiB/min |`);
  return lines.join('\n');
}
