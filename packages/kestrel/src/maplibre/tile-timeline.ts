import type { MapEventType, Map as MapLibreMap, MapSourceDataEvent } from 'maplibre-gl';
import { tileCensus, type TileCensus } from './tile-census.ts';

// The tile life as MapLibre sees it, identical with and without the engine: from the moment MapLibre asks for
// a tile (`dataloading`) to bytes parsed (`data`), an error, or an abort. The benchmark's "hole time" and
// "tiles never delivered" and the suites' budgets are computed from this.
export interface TileTimelineSummary {
  requested: number;
  delivered: number;
  errored: number;
  aborted: number;
  // asked for and not settled yet
  pending: number;
  // sum over delivered tiles of request→bytes time
  holeTimeMs: number;
  // request→bytes times of delivered tiles, in order of delivery
  latenciesMs: number[];
  // the tiles of the current view by state, at the time of reading
  inView: TileCensus;
}

type TileEvent = MapSourceDataEvent & { tile?: { uid: number; tileID: { key: string } } };

export class TileTimeline {
  private started = new Map<string, number>();
  private summary = emptySummary();

  private readonly listeners: [keyof MapEventType, (e: unknown) => void][] = [
    ['dataloading', (e) => this.onStart(e as TileEvent)],
    [
      'data',
      (e) => {
        const event = e as TileEvent;
        if (event.tile) this.onSettled(event, 'delivered');
        else this.onSourceGone(event);
      },
    ],
    ['dataabort', (e) => this.onSettled(e as TileEvent, 'aborted')],
    ['error', (e) => this.onSettled(e as TileEvent, 'errored')],
  ];

  constructor(
    private readonly map: MapLibreMap,
    private readonly now: () => number = () => performance.now(),
  ) {
    for (const [type, listener] of this.listeners) map.on(type, listener);
  }

  /** Stops listening to the map. */
  dispose(): void {
    for (const [type, listener] of this.listeners) this.map.off(type, listener);
  }

  read(): TileTimelineSummary {
    return { ...this.summary, pending: this.started.size, latenciesMs: [...this.summary.latenciesMs], inView: tileCensus(this.map) };
  }

  reset(): void {
    this.summary = emptySummary();
    this.started.clear();
  }

  // Keyed by the Tile object's uid, not its tileID: MapLibre re-keys every tile in view when the camera crosses
  // the antimeridian by a whole world (TileManager.handleWrapJump turns z/x/y wrap 1 into wrap 0), so a tile
  // asked for under one tileID can end under another. Keyed by tileID, such an ask stayed "pending" for ever.
  private key(e: TileEvent): string | undefined {
    const tile = e.tile;
    return tile ? `${(e as { sourceId?: string }).sourceId ?? ''}:${tile.uid}` : undefined;
  }

  // map.removeSource() detaches the source from the map before it drops its tiles, so their aborts never reach the
  // map; the last event the map hears is a tile-less 'data' for a source that no longer exists. Its open asks end
  // there, as aborted.
  private onSourceGone(e: TileEvent): void {
    const sourceId = (e as { sourceId?: string }).sourceId;
    if (sourceId === undefined || this.map.getSource(sourceId) !== undefined) return;
    for (const key of [...this.started.keys()]) {
      if (!key.startsWith(`${sourceId}:`)) continue;
      this.started.delete(key);
      this.summary.aborted++;
    }
  }

  private onStart(e: TileEvent): void {
    const key = this.key(e);
    if (!key || this.started.has(key)) return;
    this.started.set(key, this.now());
    this.summary.requested++;
  }

  private onSettled(e: TileEvent, outcome: 'delivered' | 'aborted' | 'errored'): void {
    const key = this.key(e);
    if (!key) return;
    const start = this.started.get(key);
    if (start === undefined) return;
    this.started.delete(key);
    this.summary[outcome]++;
    if (outcome === 'delivered') {
      const ms = this.now() - start;
      this.summary.holeTimeMs += ms;
      this.summary.latenciesMs.push(ms);
      // bounded: a long session must not grow this without end
      if (this.summary.latenciesMs.length > 5000) this.summary.latenciesMs.splice(0, 1000);
    }
  }
}

function emptySummary(): Omit<TileTimelineSummary, 'inView'> {
  return { requested: 0, delivered: 0, errored: 0, aborted: 0, pending: 0, holeTimeMs: 0, latenciesMs: [] };
}
