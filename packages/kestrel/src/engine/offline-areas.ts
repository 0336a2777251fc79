import type {
  AreaBBox,
  AreaPlan,
  SaveAreaRequest,
  SavedArea,
  SourceDescriptor,
  TileRequest,
  TileResponse,
} from '../contract/engine-api.ts';
import { CredentialParams } from './credential-params.ts';
import { isAborted } from './engine-error.ts';
import { type AreaRecord, type AreaStore, isAreaRecord, summaryOf } from './offline-area-record.ts';
import {
  type AreaLimits,
  type AreaTile,
  type PlanContext,
  type SizeSamples,
  areaTileUrl,
  listAreaTiles,
  planArea,
  savableSources,
} from './offline-area.ts';
import type { Clock } from './ports.ts';
import { withTileAddress } from './tile-url.ts';

// What the areas need from the tile cache (src/engine/tile-cache.ts implements it).
export interface AreaCache {
  keyFor(req: { url: string; source?: string; coord?: { z: number; x: number; y: number } }): string;
  // the tile is (now) in the persistent tier: copies it there from memory if only memory holds it
  ensureStored(key: string): Promise<boolean>;
  // which of the keys the persistent tier holds (queued writes count; after `flush`, only what was written)
  stored(keys: readonly string[]): Promise<Set<string>>;
  // writes every queued tile now, and waits for it (a quota abort drops what it could not write)
  flush(): Promise<void>;
  dropMany(keys: string[]): void;
  // tiles the persistent tier's LRU eviction must skip; replaces the previous set
  setPinned(keys: ReadonlySet<string>): void;
  tileSizesByZoom(): SizeSamples;
  stats(): { idb: PlanContext['storage'] };
}

export interface OfflineAreasDeps {
  clock: Clock;
  // wall-clock epoch ms, for `created`
  now: () => number;
  // the engine's own pipeline (TileEngine.request): tiles land in both tiers and count as cached
  request(req: TileRequest, signal: AbortSignal): Promise<TileResponse>;
  cache: AreaCache;
  store: AreaStore;
  newId?: () => string;
}

export interface OfflineAreasOptions {
  // Tiles of one area in flight at once. The scheduler already holds bulk work to its share and behind visible
  // tiles; this only keeps the queue from filling with thousands of waiting saves that each replan would reorder.
  parallel: number;
  // Progress is written at most this often (and at every status change): a reload loses at most this much,
  // and those tiles are then answered from the cache.
  persistIntervalMs: number;
  limits?: AreaLimits;
  // the cache's rules for credentials in URLs: stored templates take the persisted form cache keys have
  credentials: CredentialParams;
}

const DEFAULTS: OfflineAreasOptions = { parallel: 4, persistIntervalMs: 1000, credentials: new CredentialParams() };

const NOT_STORED = 'answered but not stored (the server forbids caching, or storage refused it)';

interface Area {
  record: AreaRecord;
  tiles: AreaTile[];
  keys: string[];
  // next index at or above the cursor to look at
  next: number;
  // failed indices being asked again (resume)
  retry: number[];
  finished: Set<number>;
  failedSet: Set<number>;
  inFlight: Map<number, AbortController>;
  dirty: boolean;
  // waiting for the store to write the last tiles before saying "done"
  finishing?: boolean;
  // tiles found missing from storage at the end and asked again in this session
  reasked: Set<number>;
}

// Saved areas: plan, queue, download through the engine at 'offline-save' priority, persist progress, pin tiles.
// One area downloads at a time (oldest first); others wait as 'queued'.
export class OfflineAreas {
  readonly ready: Promise<void>;
  private readonly options: OfflineAreasOptions;
  private readonly areas = new Map<string, Area>();
  private live = new Map<string, SourceDescriptor>();
  private writes: Promise<unknown> = Promise.resolve();
  private persistTimer: unknown;
  // keys of areas seen in the store but not loaded here (another tab's), by area id
  private readonly storedKeys = new Map<string, string[]>();
  private disposed = false;
  private ids = 0;

  constructor(
    private readonly deps: OfflineAreasDeps,
    options: Partial<OfflineAreasOptions> = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
    this.ready = this.load();
  }

  /**
   * Reads the stored areas again, adding those not known yet. For a database that became available after start-up
   * (an open that timed out, then attached): without it their tiles would be unpinned and evictable.
   */
  reload(): Promise<void> {
    return this.load();
  }

  /**
   * The tiles pinned by saved areas in the store that this tab has not loaded (other tabs', which share the database
   * but not this tab's list; this tab's own are pinned through `setPinned`): the persistent tier's eviction asks
   * before it deletes anything. Keys are computed once per area and remembered while the area exists.
   */
  async storedPins(): Promise<Set<string>> {
    const records = (await this.deps.store.list().catch(() => [] as unknown[])).filter((value): value is AreaRecord => isAreaRecord(value));
    const pins = new Set<string>();
    const seen = new Set<string>();
    for (const record of records) {
      if (this.areas.has(record.id)) continue;
      seen.add(record.id);
      let keys = this.storedKeys.get(record.id);
      if (!keys) {
        keys = this.build(record).keys;
        this.storedKeys.set(record.id, keys);
      }
      for (const key of keys) pins.add(key);
    }
    for (const id of this.storedKeys.keys()) if (!seen.has(id)) this.storedKeys.delete(id);
    return pins;
  }

  configure(options: Partial<Pick<OfflineAreasOptions, 'credentials'>>): void {
    if (options.credentials) this.options.credentials = options.credentials;
  }

  // The style's live sources: their templates carry any credentials the stored ones had stripped.
  setSources(sources: SourceDescriptor[]): void {
    this.live = new Map(sources.map((s) => [s.id, s]));
    this.pump();
  }

  plan(bbox: AreaBBox, minZoom: number, maxZoom: number): AreaPlan {
    return planArea({ bbox, minZoom, maxZoom }, this.planContext([...this.live.values()]));
  }

  async save(request: SaveAreaRequest): Promise<string> {
    await this.ready;
    const sources = savableSources([...this.live.values()]);
    const plan = planArea(request, this.planContext(sources));
    if (plan.refused) throw new Error(plan.refused);
    const id = this.deps.newId?.() ?? `a${this.deps.now().toString(36)}-${(this.ids++).toString(36)}`;
    const name = request.name.trim().slice(0, 80) || `Area ${this.areas.size + 1}`;
    const record: AreaRecord = {
      v: 1,
      id,
      name,
      bbox: request.bbox,
      minZoom: request.minZoom,
      maxZoom: request.maxZoom,
      created: this.deps.now(),
      status: 'queued',
      sources: sources.map((s) => this.storedSource(s)),
      total: plan.tiles,
      done: 0,
      failed: 0,
      bytes: 0,
      estimatedBytes: plan.estimatedBytes,
      cursor: 0,
      finishedAbove: [],
      failedTiles: [],
    };
    const area = this.build(record);
    record.total = area.tiles.length;
    this.areas.set(id, area);
    this.repin();
    this.persist(area);
    this.pump();
    return id;
  }

  list(): SavedArea[] {
    const areas = [...this.areas.values()].sort((a, b) => a.record.created - b.record.created);
    return areas.map((area) => {
      const waiting = area.record.status === 'queued' ? this.waitingFor(area) : undefined;
      return summaryOf(area.record, waiting ?? area.record.detail);
    });
  }

  async pause(id: string): Promise<void> {
    await this.ready;
    const area = this.areas.get(id);
    if (!area || (area.record.status !== 'queued' && area.record.status !== 'downloading')) return;
    this.stop(area);
    area.record.status = 'paused';
    this.persist(area);
    this.pump();
  }

  async resume(id: string): Promise<void> {
    await this.ready;
    const area = this.areas.get(id);
    if (!area || (area.record.status !== 'paused' && area.record.status !== 'failed')) return;
    area.record.status = 'queued';
    area.record.detail = undefined;
    area.retry = [...area.failedSet];
    this.persist(area);
    this.pump();
  }

  async cancel(id: string): Promise<void> {
    await this.ready;
    this.remove(id, false);
  }

  async delete(id: string): Promise<void> {
    await this.ready;
    this.remove(id, true);
  }

  // Bytes held by saved areas (or reserved by those still downloading), for the room check of the next plan.
  pinnedBytes(): number {
    let sum = 0;
    for (const { record: r } of this.areas.values()) {
      sum += r.status === 'done' || r.status === 'failed' ? r.bytes : Math.max(r.bytes, r.estimatedBytes);
    }
    return sum;
  }

  // Writes pending progress now: for tests and shutdown.
  async flush(): Promise<void> {
    this.writeDirty();
    await this.writes;
  }

  dispose(): void {
    this.disposed = true;
    this.deps.clock.clearTimeout(this.persistTimer);
    for (const area of this.areas.values()) this.stop(area);
  }

  private planContext(sources: SourceDescriptor[]): PlanContext {
    return {
      sources,
      sizes: this.deps.cache.tileSizesByZoom(),
      storage: this.deps.cache.stats().idb,
      pinnedBytes: this.pinnedBytes(),
      limits: this.options.limits,
    };
  }

  private async load(): Promise<void> {
    // Listing waits for the database (and its totals): what the store holds can be checked right after. No
    // flush here: a reload runs while a write waits on it to lift the eviction hold.
    const stored = await this.deps.store.list().catch(() => []);
    const checkable = this.deps.cache.stats().idb.status === 'ok';
    for (const value of stored) {
      if (!isAreaRecord(value) || this.areas.has(value.id)) continue;
      // A download cut short by a reload goes back in the queue, failed tiles included.
      if (value.status === 'downloading') value.status = 'queued';
      const area = this.build(value);
      // A saved area whose tiles went missing since (site data cleared in part, an older build's eviction) says
      // so and fetches them again, rather than promising an offline map it no longer has.
      if (value.status === 'done' && checkable) await this.recheck(area);
      if (this.areas.has(value.id)) continue;
      if (value.status === 'queued') area.retry = [...area.failedSet];
      this.areas.set(value.id, area);
    }
    this.repin();
    this.pump();
  }

  private async recheck(area: Area): Promise<void> {
    const lost = await this.unstored(area);
    if (lost.length === 0) return;
    const r = area.record;
    this.countFailed(area, lost);
    r.status = 'queued';
    r.detail = `${lost.length} saved tile${lost.length === 1 ? ' was' : 's were'} missing from storage; fetching ${lost.length === 1 ? 'it' : 'them'} again`;
    area.dirty = true;
  }

  private build(record: AreaRecord): Area {
    const tiles = listAreaTiles(record, record.sources);
    return {
      record,
      tiles,
      keys: tiles.map((tile) => this.keyOf(tile)),
      next: record.cursor,
      retry: [],
      finished: new Set(record.finishedAbove),
      failedSet: new Set(record.failedTiles),
      inFlight: new Map(),
      reasked: new Set(),
      dirty: false,
    };
  }

  // The key MapLibre's request for this tile will have: the URL's address, credentials stripped by the cache.
  private keyOf(tile: AreaTile): string {
    return this.deps.cache.keyFor(withTileAddress({ id: '', url: areaTileUrl(tile), kind: tile.source.kind }));
  }

  private storedSource(source: SourceDescriptor): AreaRecord['sources'][number] {
    const tiles = source.tiles.map((t) => this.options.credentials.cleanTemplate(t));
    return { ...source, tiles, stripped: tiles.some((t, i) => t !== source.tiles[i]) };
  }

  // The area downloading now, or the oldest queued one whose sources can be asked.
  private active(): Area | undefined {
    let pick: Area | undefined;
    for (const area of this.areas.values()) {
      if (area.record.status === 'downloading') return area;
      if (area.record.status !== 'queued' || (pick && pick.record.created <= area.record.created)) continue;
      if (this.waitingFor(area) === undefined) pick = area;
    }
    return pick;
  }

  // Stored templates lost their credentials: such a source waits for the live one (same id, same templates once
  // stripped) to bring them back. An unchanged template is asked as stored.
  private waitingFor(area: Area): string | undefined {
    const missing = area.record.sources.filter((s) => s.stripped && !this.liveMatch(s));
    return missing.length > 0 ? `waiting for the map to load source ${missing.map((s) => s.id).join(', ')}` : undefined;
  }

  private liveMatch(stored: SourceDescriptor): SourceDescriptor | undefined {
    const live = this.live.get(stored.id);
    if (!live || live.tiles.length !== stored.tiles.length) return undefined;
    const same = live.tiles.every((t, i) => this.options.credentials.cleanTemplate(t) === stored.tiles[i]);
    return same ? live : undefined;
  }

  private pump(): void {
    if (this.disposed) return;
    const area = this.active();
    if (!area) return;
    if (area.record.status !== 'downloading') {
      area.record.status = 'downloading';
      this.persist(area);
    }
    for (;;) {
      if (area.inFlight.size >= this.options.parallel) return;
      const index = this.nextIndex(area);
      if (index === undefined) break;
      this.issue(area, index);
    }
    if (area.inFlight.size === 0) this.finish(area);
  }

  private nextIndex(area: Area): number | undefined {
    while (area.retry.length > 0) {
      const index = area.retry.shift()!;
      if (!area.inFlight.has(index) && area.failedSet.has(index)) return index;
    }
    while (area.next < area.tiles.length && (area.finished.has(area.next) || area.inFlight.has(area.next) || area.next < area.record.cursor)) {
      area.next++;
    }
    return area.next < area.tiles.length ? area.next++ : undefined;
  }

  private issue(area: Area, index: number): void {
    const controller = new AbortController();
    area.inFlight.set(index, controller);
    const tile = area.tiles[index];
    const source = this.liveMatch(tile.source) ?? tile.source;
    const req: TileRequest = { id: `offline:${area.record.id}:${index}`, url: areaTileUrl({ source, coord: tile.coord }), kind: source.kind, purpose: 'offline-save' };
    this.deps.request(req, controller.signal).then(
      async (response) => {
        const stored = await this.deps.cache.ensureStored(area.keys[index]).catch(() => false);
        this.settle(area, index, controller, stored ? { bytes: response.data?.byteLength ?? 0 } : { error: NOT_STORED });
      },
      (error: unknown) => this.settle(area, index, controller, { error: describe(error) }, isAborted(error)),
    );
  }

  private settle(area: Area, index: number, controller: AbortController, outcome: { bytes: number } | { error: string }, aborted = false): void {
    if (area.inFlight.get(index) !== controller) return;
    area.inFlight.delete(index);
    // Paused, cancelled or deleted: the tile is asked again on resume.
    if (aborted && controller.signal.aborted) return;
    const r = area.record;
    const wasFailed = area.failedSet.has(index);
    if ('bytes' in outcome) {
      if (wasFailed) {
        area.failedSet.delete(index);
        r.failed--;
      }
      r.done++;
      r.bytes += outcome.bytes;
    } else {
      r.detail = `tile ${tileLabel(area.tiles[index])}: ${outcome.error}`;
      if (!wasFailed) {
        area.failedSet.add(index);
        r.failed++;
      }
    }
    if (index >= r.cursor) area.finished.add(index);
    while (area.finished.delete(r.cursor)) r.cursor++;
    this.markDirty(area);
    this.pump();
  }

  // "Done" means on disk: the last tiles may still sit in the store's batched write queue, and a quota abort there
  // drops them. So the store is flushed first, and a tile it does not hold afterwards counts as failed (resume
  // asks it again) instead of being reported saved.
  private finish(area: Area): void {
    const r = area.record;
    if (r.status !== 'downloading' || area.finishing) return;
    area.finishing = true;
    void this.deps.cache
      .flush()
      .catch(() => undefined)
      .then(async () => {
        const lost = await this.unstored(area).catch(() => []);
        area.finishing = false;
        if (this.areas.get(r.id) !== area || r.status !== 'downloading' || area.inFlight.size > 0) return;
        // Counted saved but not on disk (a reload cut its write short, a quota abort dropped it): asked once more
        // in this session, and only then counted failed.
        const again = lost.filter((index) => !area.reasked.has(index));
        this.countFailed(area, lost);
        if (again.length > 0) {
          for (const index of again) area.reasked.add(index);
          area.retry.push(...again);
          this.markDirty(area);
          this.pump();
          return;
        }
        if (lost.length > 0) r.detail = `${lost.length} tile${lost.length === 1 ? ' was' : 's were'} not written to storage (it refused them); resume to ask again`;
        r.status = area.failedSet.size > 0 ? 'failed' : 'done';
        if (r.status === 'done') r.detail = undefined;
        this.persist(area);
        this.pump();
      });
  }

  // Tiles counted saved that turned out not to be: failed now (resume, or the retry list, asks them again).
  private countFailed(area: Area, indices: readonly number[]): void {
    for (const index of indices) {
      area.failedSet.add(index);
      area.record.failed++;
      area.record.done--;
    }
  }

  // Tiles counted saved that the persistent tier does not hold (failed ones are already counted).
  private async unstored(area: Area): Promise<number[]> {
    const held = await this.deps.cache.stored(area.keys);
    const lost: number[] = [];
    for (let index = 0; index < area.keys.length; index++) {
      if (!area.failedSet.has(index) && !held.has(area.keys[index])) lost.push(index);
    }
    return lost;
  }

  private stop(area: Area): void {
    for (const controller of area.inFlight.values()) controller.abort();
    area.inFlight.clear();
    area.retry = [];
    area.next = area.record.cursor;
  }

  private remove(id: string, dropTiles: boolean): void {
    const area = this.areas.get(id);
    if (!area) return;
    this.stop(area);
    this.areas.delete(id);
    const pinned = this.repin();
    if (dropTiles) this.deps.cache.dropMany(area.keys.filter((key) => !pinned.has(key)));
    this.writes = this.writes.then(() => this.deps.store.delete(id)).catch(() => undefined);
    this.pump();
  }

  // Every tile of every saved area is pinned, saved yet or not: pinning a key the store does not hold costs nothing,
  // and a tile saved a moment later is protected from its first write on.
  private repin(): Set<string> {
    const pinned = new Set<string>();
    for (const area of this.areas.values()) for (const key of area.keys) pinned.add(key);
    this.deps.cache.setPinned(pinned);
    return pinned;
  }

  private markDirty(area: Area): void {
    area.dirty = true;
    if (this.persistTimer !== undefined || this.disposed) return;
    this.persistTimer = this.deps.clock.setTimeout(() => {
      this.persistTimer = undefined;
      this.writeDirty();
    }, this.options.persistIntervalMs);
  }

  private writeDirty(): void {
    for (const area of this.areas.values()) if (area.dirty) this.persist(area);
  }

  // Writes are chained, so a slow write cannot land after a newer one, nor after the area's delete.
  private persist(area: Area): void {
    area.dirty = false;
    const r = area.record;
    const snapshot: AreaRecord = { ...r, finishedAbove: [...area.finished], failedTiles: [...area.failedSet] };
    if (!snapshot.detail) delete snapshot.detail;
    this.writes = this.writes
      .then(() => (this.areas.get(r.id) === area ? this.deps.store.put(snapshot) : undefined))
      // a lost progress write costs only re-asking tiles the cache then answers
      .catch(() => undefined);
  }
}

function tileLabel(tile: AreaTile): string {
  return `${tile.coord.z}/${tile.coord.x}/${tile.coord.y}`;
}

function describe(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'message' in error) return String((error as { message: unknown }).message);
  return String(error);
}
