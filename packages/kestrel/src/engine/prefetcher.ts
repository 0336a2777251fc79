import type {
  CameraSnapshot,
  EngineOptions,
  PrefetchStats,
  SourceDescriptor,
  Tier,
  TileCoord,
  TileRequest,
  TileResponse,
} from '../contract/engine-api.ts';
import { isAborted } from './engine-error.ts';
import { HORIZON_MIN_MS, MotionModel } from './motion-model.ts';
import { type ConnectionHint, PrefetchLedger } from './prefetch-ledger.ts';
import { diffPlans, planPrefetch, type PlannedTile } from './prefetch-planner.ts';
import type { Clock, TileCache } from './ports.ts';
import { tileKey, tilesForViewport, type CoverOptions, type Viewport } from './tile-math.ts';
import { fillTileTemplate, isPrefetchableTemplate } from './tile-template.ts';
import { withTileAddress } from './tile-url.ts';

export type PrefetchOptions = EngineOptions['prefetch'];

export interface PrefetcherDeps {
  clock: Clock;
  // The engine's own pipeline: a prefetch is an ordinary request with purpose 'prefetch', so it is scheduled
  // in the bulk class, coalesces with a visible ask for the same tile, and lands in the cache like any answer.
  request(req: TileRequest): Promise<TileResponse>;
  // superseded: the tile dropped out of the plan, so a fetch already on the wire may finish into the cache;
  // otherwise (prefetch switched off, source gone, shutdown) it stops now
  cancel(id: string, superseded: boolean): void;
  // Without a cache that can say what memory holds, prefetched bytes would have nowhere useful to go: idle.
  cache?: TileCache;
  // typical request→bytes time, for the prediction horizon; undefined before the first answer
  latencyMs(): number | undefined;
}

// Snapshots come every ~100 ms while the camera moves. Planning on every one would redo tile covers for plans
// that barely changed; 150 ms still follows a fast pan (a quarter tile at 800 px/s) and a reversal within two
// snapshots.
export const REPLAN_INTERVAL_MS = 150;
// Just past the motion model's 500 ms "silence means stop": the replan then sees the camera at rest and asks for
// the ring around the view instead of the path of a pan that has ended.
const REST_REPLAN_MS = 600;
// A tile whose prefetch failed is not asked again for this long: replans come several times a second and would
// otherwise hammer a failing URL (the breaker only counts per host).
const FAILED_BACKOFF_MS = 10_000;
// Held against the byte budget while a prefetch is in flight, until real sizes are known; about a dense vector tile.
const INITIAL_TILE_BYTES_ESTIMATE = 32 * 1024;
// Guesses the waste budget lets start before any prefetched tile has been used: about one leading column of a pan.
const GUESS_FLOOR_TILES = 4;
// Before any tile has come back, assume a modest link; the horizon is at least HORIZON_MIN_MS anyway.
const DEFAULT_LATENCY_MS = 150;

interface Source {
  descriptor: SourceDescriptor;
  cover: Required<Pick<CoverOptions, 'tileSize' | 'minZoom' | 'maxZoom'>>;
}

interface Outstanding {
  id: string;
  sourceId: string;
  tile: PlannedTile;
  // cancel() was called; kept until its promise settles so the same key is not issued again meanwhile
  cancelled: boolean;
  // cancelled as superseded: a fetch already on the wire finishes into the cache, spending bytes
  superseded?: boolean;
}

// Fetches the tiles the user is about to see. Fed camera snapshots, it predicts the view (MotionModel), plans the
// missing tiles per source (planPrefetch), issues them through the engine with purpose 'prefetch', cancels those
// that fall out of the plan, and keeps the books (PrefetchLedger) behind stats().prefetch.
export class Prefetcher {
  private options: PrefetchOptions;
  private model: MotionModel;
  private readonly ledger: PrefetchLedger;
  private sources: Source[] = [];
  private camera: CameraSnapshot | undefined;
  // engine-clock time the last snapshot arrived: snapshot times are the page's clock, not this one
  private cameraReceivedAt = 0;
  private readonly outstanding = new Map<string, Outstanding>();
  private readonly failedUntil = new Map<string, number>();
  private lastPlanAt = Number.NEGATIVE_INFINITY;
  private replanTimer: unknown;
  private restTimer: unknown;
  private bytesEstimate = INITIAL_TILE_BYTES_ESTIMATE;
  private disposed = false;

  constructor(
    private readonly deps: PrefetcherDeps,
    options: PrefetchOptions,
  ) {
    this.options = options;
    this.model = modelFor(options);
    this.ledger = new PrefetchLedger(deps.clock, { enabled: options.enabled, bytesPerMinute: options.bytesPerMinute, maxWasteShare: options.maxWasteShare });
    deps.cache?.onEvict?.((key) => this.ledger.evicted(key));
  }

  configure(options: PrefetchOptions): void {
    if (options.horizonMs !== this.options.horizonMs) this.model = modelFor(options);
    this.options = options;
    this.ledger.configure({ enabled: options.enabled, bytesPerMinute: options.bytesPerMinute, maxWasteShare: options.maxWasteShare });
    this.stopIfInactive();
    this.soon();
  }

  setSources(sources: SourceDescriptor[]): void {
    this.sources = sources.filter((s) => s.tiles.length > 0 && s.tiles.every(isPrefetchableTemplate)).map(prepare);
    this.soon();
  }

  setConnection(hint: ConnectionHint | undefined): void {
    this.ledger.setConnection(hint);
    this.stopIfInactive();
    this.soon();
  }

  // No page in front: what is queued or in flight stops now; a page coming back to the front replans at once.
  setInFront(inFront: boolean): void {
    this.ledger.setInFront(inFront);
    this.stopIfInactive();
    this.soon();
  }

  onCamera(camera: CameraSnapshot): void {
    if (this.disposed) return;
    this.camera = camera;
    this.cameraReceivedAt = this.deps.clock.now();
    this.model.update(camera);
    this.soon();
    this.deps.clock.clearTimeout(this.restTimer);
    this.restTimer = this.deps.clock.setTimeout(() => this.replan(), REST_REPLAN_MS);
  }

  // Every visible request reports here once its cache lookup is done, with the tier that answers it.
  visibleRequest(key: string, tier: Tier, prefetched = false): void {
    this.ledger.visibleRequest(key, { moving: this.isMoving(), tier, prefetched });
  }

  stats(): PrefetchStats {
    return { ...this.ledger.snapshot(), enabled: this.active() };
  }

  resetStats(): void {
    this.ledger.reset();
  }

  dispose(): void {
    this.disposed = true;
    this.deps.clock.clearTimeout(this.replanTimer);
    this.deps.clock.clearTimeout(this.restTimer);
    this.cancelWhere(() => true);
  }

  // Switched off (option, save-data, slow link): what is in flight stops now, not at the next replan.
  private stopIfInactive(): void {
    if (!this.active()) this.cancelWhere(() => true);
  }

  private active(): boolean {
    return this.ledger.enabled && this.deps.cache?.inMemory !== undefined;
  }

  private isMoving(): boolean {
    return this.camera !== undefined && this.model.velocity(this.cameraNow()).moving;
  }

  // Now on the page's clock, which the snapshot times use.
  private cameraNow(): number {
    return (this.camera?.time ?? 0) + (this.deps.clock.now() - this.cameraReceivedAt);
  }

  // Replan now, or at the end of the current interval if a plan was made less than REPLAN_INTERVAL_MS ago.
  private soon(): void {
    if (this.disposed || this.replanTimer !== undefined) return;
    const wait = this.lastPlanAt + REPLAN_INTERVAL_MS - this.deps.clock.now();
    if (wait <= 0) {
      this.replan();
      return;
    }
    this.replanTimer = this.deps.clock.setTimeout(() => {
      this.replanTimer = undefined;
      this.replan();
    }, wait);
  }

  private replan(): void {
    if (this.disposed) return;
    this.lastPlanAt = this.deps.clock.now();
    const camera = this.camera;
    const cache = this.deps.cache;
    if (!camera || !cache?.inMemory || !this.active()) {
      this.cancelWhere(() => true);
      return;
    }
    const prediction = this.model.predict(this.cameraNow(), this.deps.latencyMs() ?? DEFAULT_LATENCY_MS);
    const view: Viewport = prediction?.current ?? camera;
    const now = this.deps.clock.now();
    const wanted: { source: Source; tile: PlannedTile; key: string }[] = [];
    for (const source of this.sources) {
      const keys = new Map<string, string>();
      const keyOf = (tile: TileCoord) => {
        const k = tileKey(tile);
        let key = keys.get(k);
        if (key === undefined) keys.set(k, (key = this.cacheKey(source, tile)));
        return key;
      };
      const isAvailable = (tile: TileCoord) => {
        const key = keyOf(tile);
        return cache.inMemory!(key) || (this.failedUntil.get(key) ?? 0) > now;
      };
      const plan = planPrefetch(view, prediction, isAvailable, source.cover);
      // A tile that became visible keeps its fetch: MapLibre's request for it joins the prefetch in flight.
      this.cancelDroppedOut(source.descriptor.id, [...plan, ...tilesForViewport(view, source.cover)]);
      for (const tile of plan) wanted.push({ source, tile, key: keyOf(tile) });
    }
    const ids = new Set(this.sources.map((s) => s.descriptor.id));
    this.cancelWhere((o) => !ids.has(o.sourceId));
    this.expireFailures(now);
    // soonest needed first across sources (each plan is already in that order)
    wanted.sort((a, b) => a.tile.inMs - b.tile.inMs);
    for (const { source, tile, key } of wanted) {
      if (this.outstanding.has(key)) continue;
      if (!this.ledger.allow(this.bytesEstimate)) break;
      if (!this.ledger.allowGuess(key, this.bytesEstimate, GUESS_FLOOR_TILES * this.bytesEstimate, tile.reason)) continue;
      this.issue(source, tile, key);
    }
  }

  private cancelDroppedOut(sourceId: string, keep: TileCoord[]): void {
    const mine = [...this.outstanding.values()].filter((o) => o.sourceId === sourceId && !o.cancelled);
    const { cancel } = diffPlans(
      mine.map((o) => o.tile),
      keep,
    );
    const dropped = new Set(cancel);
    this.cancelWhere((o) => dropped.has(o.tile), true);
  }

  private cancelWhere(predicate: (o: Outstanding) => boolean, superseded = false): void {
    for (const o of this.outstanding.values()) {
      if (o.cancelled || !predicate(o)) continue;
      o.cancelled = true;
      o.superseded = superseded;
      this.deps.cancel(o.id, superseded);
    }
  }

  private issue(source: Source, tile: PlannedTile, key: string): void {
    const entry: Outstanding = { id: `p:${key}`, sourceId: source.descriptor.id, tile, cancelled: false };
    this.outstanding.set(key, entry);
    this.ledger.issued(key, this.bytesEstimate, tile.reason);
    const url = fillTileTemplate(source.descriptor, tile);
    const settle = () => {
      if (this.outstanding.get(key) === entry) this.outstanding.delete(key);
    };
    this.deps.request({ id: entry.id, url, kind: source.descriptor.kind, purpose: 'prefetch' }).then(
      (response) => {
        settle();
        // Only network bytes count against the budget; a copy promoted from IndexedDB cost none.
        const bytes = response.tier === 'network' ? (response.data?.byteLength ?? 0) : 0;
        this.ledger.completed(key, bytes);
        if (response.tier === 'network') this.bytesEstimate = 0.8 * this.bytesEstimate + 0.2 * bytes;
      },
      (error: unknown) => {
        settle();
        // A superseded prefetch may still be fetched to the end (the engine lets one already on the wire finish),
        // and which it was is not known here: its estimate is charged to the budget, which can then only err
        // on the side of spending less.
        this.ledger.abandoned(key, entry.cancelled || isAborted(error) ? 'cancelled' : 'failed', entry.superseded ? this.bytesEstimate : 0);
        if (!isAborted(error)) this.failedUntil.set(key, this.deps.clock.now() + FAILED_BACKOFF_MS);
      },
    );
  }

  // The key the engine's cache will use for MapLibre's request of this tile: same URL, same derived address.
  private cacheKey(source: Source, tile: TileCoord): string {
    const url = fillTileTemplate(source.descriptor, tile);
    return this.deps.cache!.keyFor(withTileAddress({ id: '', url, kind: source.descriptor.kind }));
  }

  private expireFailures(now: number): void {
    for (const [key, until] of this.failedUntil) if (until <= now) this.failedUntil.delete(key);
  }
}

function prepare(descriptor: SourceDescriptor): Source {
  // MapLibre rounds the zoom for raster sources where it floors for vector ones (its `roundZoom`). The cover math
  // floors, so a raster source is covered as if its tiles were √2 smaller: floor(z + log2(512 / (s/√2))) =
  // floor(z + log2(512 / s) + 0.5) = round(z + log2(512 / s)).
  const tileSize = descriptor.kind === 'raster' ? descriptor.tileSize / Math.SQRT2 : descriptor.tileSize;
  return { descriptor, cover: { tileSize, minZoom: descriptor.minzoom, maxZoom: descriptor.maxzoom } };
}

// The option caps how far ahead the model looks (see engine-options for why it is also the queue expiry).
function modelFor(options: PrefetchOptions): MotionModel {
  return new MotionModel({ maxHorizonMs: options.horizonMs, minHorizonMs: Math.min(HORIZON_MIN_MS, options.horizonMs) });
}
