import type { IDBPTransaction } from 'idb';
import { isIntactTileMeta, type TileMeta } from '../engine/tile-store.ts';
import { countRecord, type StoreTotals } from './store-totals.ts';
import type { KestrelSchema } from './tile-db-schema.ts';

// Index records read per request by the walk: about what one eviction frees at this project's tile sizes.
const LRU_PAGE = 256;

type EvictionTransaction = IDBPTransaction<KestrelSchema, ('tiles' | 'tileBytes' | 'meta')[], 'readwrite'>;

/** What the walk must know about each key besides its record. */
export interface LruWalkRules {
  // stop once the totals are at or below this
  target: number;
  // never taken: tiles of the batch being written
  keep: ReadonlySet<string>;
  // never taken: tiles of saved areas (this tab's and other tabs')
  pinned: (key: string) => boolean;
  // in use since the last access-time flush (their stored lastAccess is old): taken last
  recentlyUsed: (key: string) => boolean;
  // wall-clock ms, for pinned tiles moved to the recent end
  now: number;
  // false: delete only, write nothing (a transaction that writes is refused at the quota)
  movePinned?: boolean;
}

/**
 * Deletes least-recently-used records in the transaction until `totals` (updated as it goes) reach the target, and
 * returns their keys. It walks the `lastAccess` index from the oldest record and stops as soon as enough is freed, so
 * its cost follows what it frees (and the pinned tiles it passes), not the store's size. Keys are collected during
 * the walk and deleted after it, so the pages read stay in the order they were read. The caller writes the totals record and commits.
 */
export async function evictLeastRecent(tx: EvictionTransaction, totals: StoreTotals, rules: LruWalkRules): Promise<string[]> {
  const victims: string[] = [];
  const recentlyUsed: TileMeta[] = [];
  const pinnedPassed: TileMeta[] = [];
  const index = tx.objectStore('tiles').index('lastAccess');
  // Read in pages of the index (one request each) rather than a cursor step per record: a step is a round trip to
  // the browser's storage process, a page is one. The next page starts at the last access time read, and skips the
  // records of that time already seen (equal access times are common: a batch is written at one time).
  let page = LRU_PAGE;
  let from: IDBKeyRange | undefined;
  let seenAtBoundary = new Set<string>();
  walk: while (totals.bytes > rules.target) {
    const metas: unknown[] = await index.getAll(from, page);
    for (const meta of metas) {
      const key = (meta as { key?: unknown }).key;
      if (typeof key !== 'string' || seenAtBoundary.has(key)) continue;
      if (!isIntactTileMeta(meta) || rules.keep.has(key)) {
        // a damaged record is the background check's to remove
      } else if (rules.pinned(key)) {
        // saved for offline use: stays until its area is deleted, even if the budget is not met
        pinnedPassed.push(meta);
      } else if (rules.recentlyUsed(key)) recentlyUsed.push(meta);
      else {
        victims.push(key);
        countRecord(totals, meta, -1);
        if (totals.bytes <= rules.target) break walk;
      }
    }
    if (metas.length < page) break;
    const last = (metas.at(-1) as { lastAccess: number }).lastAccess;
    const atLast = metas.filter((meta) => (meta as { lastAccess: number }).lastAccess === last).map((meta) => (meta as { key: string }).key);
    // a whole page of one access time: the next must be larger to get past it
    if (atLast.length === metas.length) page *= 2;
    seenAtBoundary = new Set(atLast);
    from = IDBKeyRange.lowerBound(last);
  }
  for (const meta of recentlyUsed) {
    if (totals.bytes <= rules.target) break;
    victims.push(meta.key);
    countRecord(totals, meta, -1);
  }
  for (const key of victims) {
    ignore(tx.objectStore('tiles').delete(key));
    ignore(tx.objectStore('tileBytes').delete(key));
  }
  // A saved area's tiles are often the oldest in the store: moved to the recent end once passed, so the next walks
  // start at evictable tiles instead of stepping over the same thousands of pinned ones each time. (After the walk:
  // moving them under the live cursor would meet them again.)
  if (rules.movePinned !== false) for (const meta of pinnedPassed) ignore(tx.objectStore('tiles').put({ ...meta, lastAccess: rules.now }));
  return victims;
}

// Request outcomes are decided by the transaction; a request's own rejection must not go unhandled.
function ignore(request: Promise<unknown>): void {
  request.catch(() => undefined);
}
