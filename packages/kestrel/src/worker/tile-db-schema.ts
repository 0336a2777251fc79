import type { DBSchema, IDBPDatabase } from 'idb';
import type { AreaRecord } from '../engine/offline-area-record.ts';
import { isIntactTileMeta, type TileMeta } from '../engine/tile-store.ts';
import { countRecord, emptyTotals, totalsRecord, type StoreTotals } from './store-totals.ts';

// Metadata and bytes live in separate stores: access-time updates and the eviction walk then read and write a few
// hundred bytes per tile instead of the tile itself.
export interface KestrelSchema extends DBSchema {
  tiles: {
    key: string;
    value: TileMeta;
    // tile: [z, x, y] of tiles with a coordinate (resources have none and are not in it), for region queries
    indexes: { lastAccess: number; source: string; tile: [number, number, number] };
  };
  // out-of-line key (the tile key); null is a cached "no tile here"
  tileBytes: { key: string; value: ArrayBuffer | null };
  // small facts about the cache as a whole: the running totals (store-totals.ts)
  meta: { key: string; value: { key: string; value: StoreTotals } };
  // offline areas the user saved (workers/idb-area-store.ts); their tiles live in `tiles` like any other
  savedAreas: { key: string; value: AreaRecord };
}

export type KestrelDB = IDBPDatabase<KestrelSchema>;

/**
 * 1: tiles, tileBytes, meta, savedAreas. 2: the [z, x, y] index and the totals record, so that opening no longer
 * reads every record.
 */
export const SCHEMA_VERSION = 2;

/**
 * Brings the schema from `oldVersion` to SCHEMA_VERSION inside the upgrade transaction, step by step; a new database
 * runs them all. Raw IndexedDB, because the steps that read data continue through request callbacks in the one
 * transaction the browser gives the upgrade: it commits them all or, if anything fails, none (the old version stays).
 */
export function upgradeSchema(db: IDBDatabase, tx: IDBTransaction, oldVersion: number): void {
  if (oldVersion < 1) {
    const tiles = db.createObjectStore('tiles', { keyPath: 'key' });
    tiles.createIndex('lastAccess', 'lastAccess');
    tiles.createIndex('source', 'source');
    db.createObjectStore('tileBytes');
    db.createObjectStore('meta', { keyPath: 'key' });
    db.createObjectStore('savedAreas', { keyPath: 'id' });
  }
  if (oldVersion < 2) {
    const tiles = tx.objectStore('tiles');
    tiles.createIndex('tile', ['coord.z', 'coord.x', 'coord.y']);
    // Version 1 kept no totals: counted once, here. Every record stays as it is (a damaged one is the background
    // check's to remove, as it would be in a version-2 store).
    const totals = emptyTotals();
    const walk = tiles.openCursor();
    walk.onsuccess = () => {
      const cursor = walk.result;
      if (cursor) {
        if (isIntactTileMeta(cursor.value)) countRecord(totals, cursor.value, 1);
        cursor.continue();
      } else {
        tx.objectStore('meta').put(totalsRecord(totals));
      }
    };
  }
}
