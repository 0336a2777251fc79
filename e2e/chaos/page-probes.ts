import type { Page } from '@playwright/test';
import type { DeliveryAuditReport, EngineStats } from '../../packages/kestrel/src/contract/engine-api.ts';

export interface NoticeEvent {
  key: string;
  text: string;
  // ms since the page's time origin (performance.now) and wall clock (Date.now)
  at: number;
  wall: number;
  // the notice went away (text '')
  gone?: boolean;
}

export interface LongFrame {
  duration: number;
  wall: number;
  blockingDuration: number;
  scripts: { duration: number; invoker: string; invokerType: string; sourceURL: string; sourceCharPosition: number; sourceFunctionName: string }[];
}

interface ChaosProbe {
  notices: NoticeEvent[];
  longFrames: LongFrame[];
  longTasks: number[];
}

declare global {
  interface Window {
    __chaosProbe?: ChaosProbe;
  }
}

// Installed before the app's own script on every page of a chaos context: records each notice that appears
// (MutationObserver, so a notice shown for 100 ms is not missed), long animation frames (with the scripts that
// ran in them, for attribution) and long tasks. Everything stays in the page until `harvest`.
export function installProbes(): void {
  const probe: ChaosProbe = { notices: [], longFrames: [], longTasks: [] };
  window.__chaosProbe = probe;
  const LONG_MS = 200;
  const seen = new Map<string, string>();
  const scan = () => {
    const now = new Map<string, string>();
    for (const el of document.querySelectorAll<HTMLElement>('[data-testid^="notice-"]')) {
      const key = el.dataset.testid!.slice('notice-'.length);
      if (key.endsWith('-action')) continue;
      now.set(key, el.textContent ?? '');
    }
    for (const [key, text] of now) {
      if (seen.get(key) !== text) probe.notices.push({ key, text, at: performance.now(), wall: Date.now() });
    }
    for (const key of seen.keys()) {
      if (!now.has(key)) probe.notices.push({ key, text: '', at: performance.now(), wall: Date.now(), gone: true });
    }
    seen.clear();
    for (const [key, text] of now) seen.set(key, text);
  };
  const start = () => {
    new MutationObserver(scan).observe(document.documentElement, { childList: true, subtree: true, characterData: true });
    scan();
  };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start, { once: true });
  else start();
  try {
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries() as (PerformanceEntry & { blockingDuration: number; scripts: Record<string, unknown>[] })[]) {
        if (entry.duration <= LONG_MS) continue;
        probe.longFrames.push({
          duration: entry.duration,
          wall: performance.timeOrigin + entry.startTime,
          blockingDuration: entry.blockingDuration,
          scripts: entry.scripts.map((s) => ({
            duration: Number(s.duration),
            invoker: String(s.invoker ?? ''),
            invokerType: String(s.invokerType ?? ''),
            sourceURL: String(s.sourceURL ?? ''),
            sourceCharPosition: Number(s.sourceCharPosition ?? -1),
            sourceFunctionName: String(s.sourceFunctionName ?? ''),
          })),
        });
      }
    }).observe({ type: 'long-animation-frame', buffered: true });
  } catch {
    // no Long Animation Frames API: long tasks below still count
  }
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) if (entry.duration > LONG_MS) probe.longTasks.push(entry.duration);
  }).observe({ type: 'longtask', buffered: true });
}

export interface PageHarvest {
  label: string;
  // when the harvest was taken (Date.now()): the page lived at least until then
  takenAt: number;
  audit: { engine: DeliveryAuditReport | null; fallback: { ok: number; noTile: number; failed: number } | null } | null;
  stats: EngineStats | null;
  tiles: { requested: number; delivered: number; errored: number; aborted: number; pending: number; viaMainThread: number } | null;
  notices: NoticeEvent[];
  longFrames: LongFrame[];
  longTasks: number[];
}

// Everything a page lifetime knows, taken before it ends (reload, worker terminated, tab closed): the engine's
// audit and counters die with its worker.
export async function harvest(page: Page, label: string): Promise<PageHarvest> {
  const get = async <T>(fn: () => Promise<T>): Promise<T | null> => {
    try {
      return await fn();
    } catch {
      return null;
    }
  };
  const audit = await get(() => page.evaluate(() => window.kestrel.audit()));
  const stats = await get(() => page.evaluate(() => window.kestrel.stats()));
  const tiles = await get(() =>
    page.evaluate(() => {
      const t = window.kestrel.tiles();
      return { requested: t.requested, delivered: t.delivered, errored: t.errored, aborted: t.aborted, pending: t.pending, viaMainThread: t.viaMainThread };
    }),
  );
  const probe = await get(() =>
    page.evaluate(() => {
      // emptied in place: the recorders hold these very arrays
      const p = window.__chaosProbe!;
      return { notices: p.notices.splice(0), longFrames: p.longFrames.splice(0), longTasks: p.longTasks.splice(0) };
    }),
  );
  return { label, takenAt: Date.now(), audit, stats, tiles, notices: probe?.notices ?? [], longFrames: probe?.longFrames ?? [], longTasks: probe?.longTasks ?? [] };
}

export interface IdbDump {
  // false when the database does not exist (or cannot be opened here)
  exists: boolean;
  version?: number;
  error?: string;
  stores: Record<string, number>;
  // every record of tileBytes: its key, the SHA-256 of its bytes (null for a cached "no tile") and size
  tileBytes: { key: string; sha256: string | null; size: number }[];
  // every store's keys and values (bytes left out), as JSON, for grepping
  text: string;
  // every stored body decoded as UTF-8 (binary tiles come out as noise), for grepping what the bytes carry
  bytesText: string;
}

// Opens the engine's database from the page (never creating it: an open that would create it is aborted) and
// reads every store.
export function dumpIndexedDb(page: Page, name = 'kestrel'): Promise<IdbDump> {
  return page.evaluate(async (dbName) => {
    const hex = async (buffer: ArrayBuffer) =>
      [...new Uint8Array(await crypto.subtle.digest('SHA-256', buffer))].map((b) => b.toString(16).padStart(2, '0')).join('');
    const dump: IdbDump = { exists: false, stores: {}, tileBytes: [], text: '', bytesText: '' };
    const bodies: string[] = [];
    let db: IDBDatabase;
    try {
      db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open(dbName);
        request.onupgradeneeded = () => request.transaction!.abort();
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
        request.onblocked = () => reject(new Error('blocked'));
      });
    } catch (error) {
      dump.error = String(error);
      return dump;
    }
    dump.exists = true;
    dump.version = db.version;
    const texts: string[] = [];
    for (const storeName of [...db.objectStoreNames]) {
      const tx = db.transaction(storeName, 'readonly');
      const store = tx.objectStore(storeName);
      const [keys, values] = await Promise.all([
        new Promise<IDBValidKey[]>((resolve, reject) => {
          const r = store.getAllKeys();
          r.onsuccess = () => resolve(r.result);
          r.onerror = () => reject(r.error);
        }),
        new Promise<unknown[]>((resolve, reject) => {
          const r = store.getAll();
          r.onsuccess = () => resolve(r.result);
          r.onerror = () => reject(r.error);
        }),
      ]);
      dump.stores[storeName] = keys.length;
      for (let i = 0; i < keys.length; i++) {
        const value = values[i];
        if (storeName === 'tileBytes') {
          const bytes = value instanceof ArrayBuffer ? value : null;
          dump.tileBytes.push({ key: String(keys[i]), sha256: bytes ? await hex(bytes) : null, size: bytes?.byteLength ?? 0 });
          if (bytes) bodies.push(new TextDecoder().decode(bytes));
        }
        texts.push(`${storeName}\t${JSON.stringify(keys[i])}\t${JSON.stringify(value, (_k, v: unknown) => (v instanceof ArrayBuffer ? `<${v.byteLength} bytes>` : v))}`);
      }
    }
    db.close();
    dump.text = texts.join('\n');
    dump.bytesText = bodies.join('\n');
    return dump;
  }, name);
}
