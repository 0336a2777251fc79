import type { AreaRecord, AreaStore } from '../engine/offline-area-record.ts';
import { settled, type KestrelDB } from './idb-tile-store.ts';

// Saved areas in the tile database's `savedAreas` store, through the tile store's connection: one database, one
// place that opens, reopens and gives up on it. Without a database every call is a no-op (list: none), and
// failures reject for the caller to ignore: a lost progress write only means re-asking tiles the cache has.
// Each call makes its own transaction (not idb's `db.getAll` shortcuts) so that none is left to reject unhandled.
export class IdbAreaStore implements AreaStore {
  constructor(private readonly database: () => Promise<KestrelDB | undefined>) {}

  async list(): Promise<unknown[]> {
    const db = await this.database();
    return db ? settled(db.transaction('savedAreas', 'readonly')).store.getAll() : [];
  }

  async put(record: AreaRecord): Promise<void> {
    const db = await this.database();
    if (!db) return;
    const tx = settled(db.transaction('savedAreas', 'readwrite'));
    await Promise.all([tx.store.put(record), tx.done]);
  }

  async delete(id: string): Promise<void> {
    const db = await this.database();
    if (!db) return;
    const tx = settled(db.transaction('savedAreas', 'readwrite'));
    await Promise.all([tx.store.delete(id), tx.done]);
  }
}
