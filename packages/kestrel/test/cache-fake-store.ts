import type { TileExtent } from '../src/engine/spatial-index.ts';
import { inTileRange, type TileRange } from '../src/engine/tile-ranges.ts';
import { recordCost, type TileRecord, type TileStore, type TileStoreStats } from '../src/engine/tile-store.ts';

// An in-memory TileStore whose reads the test can hold open, so races between a store read and a put or
// drop are chosen by the test. Writes apply at once (batching is the IndexedDB adapter's business).
export class CacheFakeStore implements TileStore {
  readonly ready = Promise.resolve();
  readonly records = new Map<string, TileRecord>();
  readonly touched: string[] = [];
  readonly deleted: string[] = [];
  puts = 0;
  reads = 0;
  status: TileStoreStats['status'] = 'ok';
  holdReads = false;
  failReads = false;
  private readonly held: (() => void)[] = [];
  private readonly listeners: ((keys: string[]) => void)[] = [];

  async get(key: string): Promise<TileRecord | undefined> {
    this.reads++;
    if (this.holdReads) await new Promise<void>((resolve) => this.held.push(resolve));
    if (this.failReads) throw new Error('store read failed');
    return this.records.get(key);
  }

  releaseReads(): void {
    this.holdReads = false;
    for (const release of this.held.splice(0)) release();
  }

  putMany(records: TileRecord[]): void {
    for (const record of records) {
      this.puts++;
      this.records.set(record.key, record);
    }
  }

  touch(keys: string[]): void {
    this.touched.push(...keys);
  }

  delete(keys: string[]): void {
    for (const key of keys) {
      this.deleted.push(key);
      this.records.delete(key);
    }
  }

  async clear(): Promise<void> {
    this.records.clear();
  }

  async evictTo(): Promise<number> {
    return 0;
  }

  async holding(keys: readonly string[]): Promise<Set<string>> {
    return new Set(keys.filter((key) => this.records.has(key)));
  }

  async tilesIn(ranges: readonly TileRange[]): Promise<TileExtent[]> {
    return [...this.records.values()].flatMap((r) =>
      r.coord && ranges.some((range) => inTileRange(range, r.coord!)) ? [{ key: r.key, source: r.source, coord: r.coord }] : [],
    );
  }

  onRemoved(listener: (keys: string[]) => void): void {
    this.listeners.push(listener);
  }

  // What the real store does when LRU eviction or a failed write takes tiles away.
  lose(keys: string[]): void {
    for (const key of keys) this.records.delete(key);
    for (const listener of this.listeners) listener(keys);
  }

  setBudget(): void {}

  stats(): TileStoreStats {
    let bytes = 0;
    for (const record of this.records.values()) bytes += recordCost(record.size);
    return { status: this.status, bytes, entries: this.records.size, budget: 1 << 30, evictions: 0, quotaErrors: 0, corruptDropped: 0 };
  }

  async flush(): Promise<void> {}

  close(): void {}
}
