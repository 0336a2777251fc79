import type { StorageReport } from '../contract/engine-api.ts';

// A throwaway database, so the probe can never create or upgrade the engine's own with the wrong schema.
const PROBE_DB = 'kestrel-probe';

// Can this page use IndexedDB at all, and will the browser keep our data? Both answers come from the main thread:
// persist() does not exist in workers, and a page where open() throws (private mode, blocked storage) would make
// the worker's open fail the same way.
export async function probeStorage(): Promise<StorageReport> {
  const persisted = await globalThis.navigator?.storage?.persist?.().catch(() => false);
  try {
    if (typeof indexedDB === 'undefined') throw Object.assign(new Error('this page has no IndexedDB'), { name: 'NotSupportedError' });
    await new Promise<void>((resolve, reject) => {
      const request = indexedDB.open(PROBE_DB);
      request.onsuccess = () => {
        request.result.close();
        resolve();
      };
      request.onerror = () => reject(request.error ?? new Error('open failed'));
      request.onblocked = () => resolve();
    });
    return { indexedDb: 'ok', persisted };
  } catch (error) {
    const e = error as { name?: string; message?: string };
    return { indexedDb: 'unavailable', detail: `${e.name ?? 'Error'}: ${e.message ?? 'IndexedDB cannot be opened'}`, persisted };
  }
}
