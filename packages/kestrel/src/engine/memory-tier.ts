import { LRUCache } from 'lru-cache';
import type CachePolicy from 'http-cache-semantics';
import type { TileCoord } from '../contract/engine-api.ts';
import type { UrlSecret } from './credential-params.ts';

export interface MemoryEntry {
  // null: a cached "no tile here" (204/404)
  bytes: Uint8Array | null;
  policy: CachePolicy;
  prefetched: boolean;
  source: string;
  coord?: TileCoord;
  // wall-clock ms when the bytes arrived from the network
  storedAt: number;
  // a resource's URL credentials that its body may repeat: kept in memory only, taken out of the stored copy
  secrets?: UrlSecret[];
}

export interface MemoryTierOptions {
  maxBytes?: number;
  // Largest single entry kept; larger tiles go to the persistent store only.
  maxEntryBytes?: number;
  // Called when the LRU pushes an entry out to make room (not on delete, overwrite or clear).
  onEvict?: (key: string) => void;
}

export interface MemoryTierStats {
  bytes: number;
  entries: number;
  budget: number;
  evictions: number;
}

export const DEFAULT_MEMORY_BYTES = 64 * 1024 * 1024;

// What an entry costs besides its bytes: the policy object with its kept headers, the entry, its key string,
// lru-cache's node and the spatial index's entry. `node --expose-gc --import tsx test/memory-entry-cost.bench.ts`
// measures it through the cache's own put: about 1,160 bytes of heap per entry in Node 20 (512 was charged before;
// 1 KiB still leaves about a tenth uncharged there, while the browser soak shows the worker's heap beyond this
// charge no longer growing). It also gives cached "no tile" answers a size, which lru-cache requires to be
// positive, and stops them growing without bound.
export const ENTRY_OVERHEAD_BYTES = 1024;

// One entry may take at most an eighth of the budget, so a single huge resource cannot flush the
// working set of ordinary tiles.
const MAX_ENTRY_SHARE = 1 / 8;

// Byte-bounded LRU of decoded-ready tile bytes. `get` hands out the stored Uint8Array itself: a hit costs
// a map lookup, never a copy, so callers must not mutate or transfer it.
export class MemoryTier {
  private lru: LRUCache<string, MemoryEntry>;
  private evictions = 0;
  private readonly onEvict?: (key: string) => void;
  private maxEntryBytes?: number;

  constructor(options: MemoryTierOptions = {}) {
    this.onEvict = options.onEvict;
    this.maxEntryBytes = options.maxEntryBytes;
    this.lru = this.makeLru(options.maxBytes ?? DEFAULT_MEMORY_BYTES);
  }

  get(key: string): MemoryEntry | undefined {
    return this.lru.get(key);
  }

  // Without touching recency: for bookkeeping that is not a use of the tile.
  peek(key: string): MemoryEntry | undefined {
    return this.lru.peek(key);
  }

  has(key: string): boolean {
    return this.lru.has(key);
  }

  // False when the entry is larger than the per-entry limit and was not kept.
  set(key: string, entry: MemoryEntry): boolean {
    this.lru.set(key, entry);
    return this.lru.has(key);
  }

  delete(key: string): boolean {
    return this.lru.delete(key);
  }

  clear(): void {
    this.lru.clear();
  }

  keys(): string[] {
    return [...this.lru.keys()];
  }

  // lru-cache fixes maxSize at construction: rebuild, re-inserting least recent first to keep the order.
  resize(maxBytes: number): void {
    const old = this.lru;
    this.lru = this.makeLru(maxBytes);
    for (const key of old.rkeys()) {
      const entry = old.peek(key);
      if (entry) this.lru.set(key, entry);
    }
  }

  stats(): MemoryTierStats {
    return { bytes: this.lru.calculatedSize, entries: this.lru.size, budget: this.lru.maxSize, evictions: this.evictions };
  }

  private makeLru(maxBytes: number): LRUCache<string, MemoryEntry> {
    const maxSize = Math.max(1, Math.floor(maxBytes));
    return new LRUCache<string, MemoryEntry>({
      maxSize,
      maxEntrySize: this.maxEntryBytes ?? Math.max(1, Math.floor(maxSize * MAX_ENTRY_SHARE)),
      sizeCalculation: entrySize,
      dispose: (_entry, key, reason) => {
        if (reason !== 'evict') return;
        this.evictions++;
        this.onEvict?.(key);
      },
    });
  }
}

export function entrySize(entry: MemoryEntry): number {
  return (entry.bytes?.byteLength ?? 0) + ENTRY_OVERHEAD_BYTES;
}
