import { describe, expect, it } from 'vitest';
import type { Map as MapLibreMap } from 'maplibre-gl';
import { TileTimeline } from './tile-timeline.ts';

// Just enough of a MapLibre map: events by name, and no tile managers (the census reads none).
function fakeMap() {
  const handlers = new Map<string, ((e: unknown) => void)[]>();
  const sources = new Set<string>(['s', 'other']);
  const map = {
    getSource: (id: string) => (sources.has(id) ? {} : undefined),
    on: (type: string, fn: (e: unknown) => void) => handlers.set(type, [...(handlers.get(type) ?? []), fn]),
    style: { tileManagers: {} },
  };
  const fire = (type: string, e: unknown) => handlers.get(type)?.forEach((fn) => fn(e));
  return { map: map as unknown as MapLibreMap, fire, sources };
}

const tile = (uid: number, key: string) => ({ uid, tileID: { key } });

describe('TileTimeline', () => {
  it('ends an ask when MapLibre delivers the tile, errors it or aborts it', () => {
    const { map, fire } = fakeMap();
    let now = 0;
    const timeline = new TileTimeline(map, () => now);
    const [a, b, c] = [tile(1, 'k1'), tile(2, 'k2'), tile(3, 'k3')];
    for (const t of [a, b, c]) fire('dataloading', { sourceId: 's', tile: t });
    now = 40;
    fire('data', { sourceId: 's', tile: a });
    fire('error', { sourceId: 's', tile: b });
    fire('dataabort', { sourceId: 's', tile: c });
    expect(timeline.read()).toMatchObject({ requested: 3, delivered: 1, errored: 1, aborted: 1, pending: 0, holeTimeMs: 40 });
  });

  it('ends an ask whose tile MapLibre re-keyed while it loaded (a wrap jump across the antimeridian)', () => {
    const { map, fire } = fakeMap();
    const timeline = new TileTimeline(map, () => 0);
    const loading = tile(7, 'w22'); // z/x/y in the world copy east of the antimeridian
    fire('dataloading', { sourceId: 's', tile: loading });
    loading.tileID = { key: '22' }; // TileManager.handleWrapJump: the same Tile, now in world copy 0
    fire('data', { sourceId: 's', tile: loading });
    expect(timeline.read()).toMatchObject({ delivered: 1, pending: 0 });
  });

  it('ends the asks of a source the map removed (the aborts of its tiles never reach the map)', () => {
    const { map, fire, sources } = fakeMap();
    const timeline = new TileTimeline(map, () => 0);
    fire('dataloading', { sourceId: 'other', tile: tile(1, 'a') });
    fire('dataloading', { sourceId: 's', tile: tile(2, 'b') });
    sources.delete('other');
    fire('data', { sourceId: 'other', dataType: 'source', sourceDataType: 'metadata' });
    expect(timeline.read()).toMatchObject({ aborted: 1, pending: 1 });
  });

  it('counts two tiles with the same tileID one after the other as two asks', () => {
    const { map, fire } = fakeMap();
    const timeline = new TileTimeline(map, () => 0);
    const first = tile(1, 'k');
    const second = tile(2, 'k');
    fire('dataloading', { sourceId: 's', tile: first });
    fire('dataabort', { sourceId: 's', tile: first });
    fire('dataloading', { sourceId: 's', tile: second });
    fire('data', { sourceId: 's', tile: second });
    expect(timeline.read()).toMatchObject({ requested: 2, aborted: 1, delivered: 1, pending: 0 });
  });
});
