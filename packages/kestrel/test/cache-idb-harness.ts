import 'fake-indexeddb/auto';
import { IDBFactory, forceCloseDatabase } from 'fake-indexeddb';
import { wrap, type IDBPDatabase } from 'idb';

export interface SeenTransaction {
  stores: string[];
  mode: IDBTransactionMode;
}

// A fresh fake IndexedDB per test, seen through a factory that records what the store does with it and
// can reproduce what Chromium does under storage pressure, without any seam inside the store itself.
export class CacheIdbHarness {
  // The origin's IndexedDB itself: the store reaches it through `factory`, other tabs and DevTools directly.
  readonly origin = new IDBFactory();
  readonly transactions: SeenTransaction[] = [];
  readonly connections: IDBDatabase[] = [];
  openThrows?: Error;
  // Like Chromium with the origin at its quota: every readwrite transaction that puts anything aborts with
  // QuotaExceededError at commit; one that only deletes commits.
  atQuota = false;
  private quotaFailures = 0;
  private aborts = 0;

  readonly factory: IDBFactory = {
    open: (name, version) => {
      if (this.openThrows) throw this.openThrows;
      const request = this.origin.open(name, version);
      request.addEventListener('success', () => this.instrument(request.result));
      return request;
    },
    deleteDatabase: (name) => this.origin.deleteDatabase(name),
    cmp: (a, b) => this.origin.cmp(a, b),
    databases: () => this.origin.databases(),
  };

  // Readwrite transactions that wrote tile bytes (tile writes, as opposed to touches or evictions).
  tileWrites(): SeenTransaction[] {
    return this.transactions.filter((t) => t.mode === 'readwrite' && t.stores.includes('tileBytes'));
  }

  touchWrites(): SeenTransaction[] {
    return this.transactions.filter((t) => t.mode === 'readwrite' && t.stores.length === 1 && t.stores[0] === 'tiles');
  }

  // Like Chromium under `Storage.overrideQuotaForOrigin`: the put succeeds, then the transaction aborts
  // with a QuotaExceededError. Applies to the next `count` transactions that put tile bytes.
  failNextTileWrites(count = 1): void {
    this.quotaFailures += count;
  }

  // Like Chromium when the origin's data is cleared under a live transaction: the next `count` transactions
  // (any mode) abort once their requests are issued, with the error Chromium gives them.
  abortNextTransactions(count = 1): void {
    this.aborts += count;
  }

  // Like `Storage.clearDataForOrigin`: the browser closes the connection and fires `close`.
  forceClose(): void {
    forceCloseDatabase(this.latest() as never);
  }

  // The connection is closed without an event, so the next `transaction()` throws InvalidStateError.
  closeQuietly(): void {
    this.latest().close();
  }

  async rawDb(name = 'kestrel'): Promise<IDBPDatabase> {
    return (await wrap(this.origin.open(name))) as IDBPDatabase;
  }

  private latest(): IDBDatabase {
    const db = this.connections.at(-1);
    if (!db) throw new Error('the store has not opened a connection');
    return db;
  }

  private instrument(db: IDBDatabase): void {
    this.connections.push(db);
    const transaction = db.transaction.bind(db);
    db.transaction = ((storeNames: string | string[], mode?: IDBTransactionMode, options?: IDBTransactionOptions) => {
      const tx = transaction(storeNames, mode, options);
      this.transactions.push({ stores: [storeNames].flat().sort(), mode: mode ?? 'readonly' });
      if (mode === 'readwrite') this.watchForQuota(tx);
      if (mode === 'readwrite') this.refuseAtQuota(tx);
      if (this.aborts > 0) {
        this.aborts--;
        queueMicrotask(() => {
          (tx as { error: DOMException | null }).error = new DOMException('Connection is closing (test)', 'AbortError');
          tx.abort();
        });
      }
      return tx;
    }) as IDBDatabase['transaction'];
  }

  private refuseAtQuota(tx: IDBTransaction): void {
    const objectStore = tx.objectStore.bind(tx);
    const patched = new WeakSet<IDBObjectStore>();
    let refused = false;
    tx.objectStore = (name: string) => {
      const store = objectStore(name);
      if (patched.has(store)) return store;
      patched.add(store);
      const put = store.put.bind(store);
      store.put = (value: unknown, key?: IDBValidKey) => {
        const request = put(value, key);
        if (this.atQuota && !refused) {
          refused = true;
          queueMicrotask(() => {
            (tx as { error: DOMException | null }).error = new DOMException('Quota exceeded (test)', 'QuotaExceededError');
            tx.abort();
          });
        }
        return request;
      };
      return store;
    };
  }

  private watchForQuota(tx: IDBTransaction): void {
    const objectStore = tx.objectStore.bind(tx);
    const patched = new WeakSet<IDBObjectStore>();
    let failed = false;
    tx.objectStore = (name: string) => {
      const store = objectStore(name);
      if (name !== 'tileBytes' || patched.has(store)) return store;
      patched.add(store);
      const put = store.put.bind(store);
      store.put = (value: unknown, key?: IDBValidKey) => {
        const request = put(value, key);
        if (!failed && this.quotaFailures > 0) {
          failed = true;
          this.quotaFailures--;
          // After the synchronous puts are issued, as a commit-time abort would be.
          queueMicrotask(() => {
            (tx as { error: DOMException | null }).error = new DOMException('Quota exceeded (test)', 'QuotaExceededError');
            tx.abort();
          });
        }
        return request;
      };
      return store;
    };
  }
}
