import { describe, expect, it } from 'vitest';
import { formatGrowth, growth, soakSvg, type SoakSample } from './soak-plot.ts';

const MiB = 2 ** 20;
function sample(t: number, page: number, idb: number): SoakSample {
  return { t, heap: { page, engineWorker: 2 * MiB, mapLibreWorker: null }, idbBytes: idb, storageUsage: null, memoryTierBytes: 0, tilesDelivered: 0, serverRequests: 0 };
}

describe('soak figures', () => {
  const samples = Array.from({ length: 21 }, (_, i) => sample(i * 30, 10 * MiB + i * 0.1 * MiB, Math.min(i, 6) * MiB));

  it('reports growth between the samples nearest minute 2 and minute 10, with a fitted slope', () => {
    const rows = growth(samples, 120, 600);
    const page = rows.find((r) => r.series === 'page heap')!;
    expect(page.fromBytes).toBe(10.4 * MiB);
    expect(page.toBytes).toBe(12 * MiB);
    expect(page.slopePerMinute).toBeCloseTo(0.2 * MiB, 0);
    const worker = rows.find((r) => r.series === 'engine worker heap')!;
    expect(worker.ratio).toBe(0);
    expect(worker.slopePerMinute).toBe(0);
  });

  it('leaves out series with no readings', () => {
    expect(growth(samples, 120, 600).map((r) => r.series)).not.toContain('MapLibre worker heap');
  });

  it('takes the memory tier (bounded by its budget) out of the engine worker heap', () => {
    const rows = growth(samples.map((s) => ({ ...s, memoryTierBytes: 0.5 * MiB })), 120, 600);
    expect(rows.find((r) => r.series === 'engine worker heap − memory tier')!.toBytes).toBe(1.5 * MiB);
  });

  it('draws both panels, a legend entry per series and a point per reading', () => {
    const svg = soakSvg(samples, 'Soak <test>');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('Soak &lt;test&gt;');
    expect(svg).toContain('JS heap + ArrayBuffers after GC (MiB)');
    expect(svg).toContain('storage (MiB)');
    // page heap, engine worker heap, engine worker heap − memory tier, memory tier, IndexedDB
    expect((svg.match(/<polyline/g) ?? []).length).toBe(5);
    expect((svg.match(/<circle/g) ?? []).length).toBe(21 * 5);
  });

  it('formats the growth as a table', () => {
    expect(formatGrowth(growth(samples, 120, 600), 120, 600)).toContain('| page heap | 10.40 MiB | 12.00 MiB | +15.4 % |');
  });
});
