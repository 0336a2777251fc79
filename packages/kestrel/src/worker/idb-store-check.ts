import { isIntactTileMeta } from '../engine/tile-store.ts';
import { countRecord, emptyTotals, readTotals, sameTotals, totalsRecord, TOTALS_KEY, type StoreTotals } from './store-totals.ts';
import type { KestrelDB } from './tile-db-schema.ts';

/** What one pass of the background check found and did. */
export interface CheckOutcome {
  // keys deleted: metadata without bytes, bytes without metadata, metadata that is not a tile record
  dropped: string[];
  // the totals record did not match the records and was rewritten
  corrected: boolean;
  // the totals after the pass (undefined: the pass was stopped before its end)
  totals?: StoreTotals;
}

/** How the check reads: chunk size, and what it waits for between chunks. */
export interface CheckOptions {
  // records read per transaction
  chunk: number;
  // awaited between chunks (the caller yields there and waits until no tile is being read); false stops the pass
  between: () => Promise<boolean>;
}

/**
 * The scans the store no longer makes when it opens, made afterwards in chunks of short readonly transactions (which
 * never hold back a tile read): records whose two parts do not match are deleted, and the running totals are checked
 * against a count of the records. A count is exact only if nothing was written while it ran, which the totals'
 * sequence number tells; otherwise the broken records are still deleted and the totals adjusted by what went.
 */
export async function checkStore(db: KestrelDB, options: CheckOptions): Promise<CheckOutcome> {
  const counted = emptyTotals();
  const broken = new Set<string>();
  let after: string | undefined;
  let startSeq: number | undefined;
  let latest: StoreTotals | undefined;
  for (let first = true; ; first = false) {
    if (!first && !(await options.between())) return { dropped: [], corrected: false };
    const tx = db.transaction(['tiles', 'tileBytes', 'meta'], 'readonly');
    const range = after === undefined ? undefined : IDBKeyRange.lowerBound(after, true);
    const [metas, raw] = await Promise.all([tx.objectStore('tiles').getAll(range, options.chunk), tx.objectStore('meta').get(TOTALS_KEY)]);
    latest = readTotals(raw);
    if (first) startSeq = latest?.seq ?? -1;
    const end = metas.length < options.chunk;
    const last = metas.at(-1)?.key;
    // bytes in the same stretch of keys: those without metadata show up here
    const byteRange = end ? range : after === undefined ? IDBKeyRange.upperBound(last!) : IDBKeyRange.bound(after, last!, true, false);
    const withBytes = new Set(await tx.objectStore('tileBytes').getAllKeys(byteRange));
    await tx.done;
    for (const meta of metas as unknown[]) {
      const key = (meta as { key: string }).key;
      if (withBytes.delete(key) && isIntactTileMeta(meta)) countRecord(counted, meta, 1);
      else broken.add(key);
    }
    for (const key of withBytes) broken.add(String(key));
    if (end) break;
    after = last;
  }
  const unchanged = latest?.seq === startSeq || (latest === undefined && startSeq === -1);
  if (broken.size === 0 && unchanged && latest && sameTotals(latest, counted)) return { dropped: [], corrected: false, totals: latest };
  return repair(db, [...broken], unchanged ? counted : undefined, startSeq);
}

// One readwrite transaction: each broken key is checked again (a write may have mended it since) before it goes.
async function repair(db: KestrelDB, keys: string[], counted: StoreTotals | undefined, startSeq: number | undefined): Promise<CheckOutcome> {
  const tx = db.transaction(['tiles', 'tileBytes', 'meta'], 'readwrite');
  const tiles = tx.objectStore('tiles');
  const bytes = tx.objectStore('tileBytes');
  const [raw, metas, byteCounts] = await Promise.all([
    tx.objectStore('meta').get(TOTALS_KEY),
    Promise.all(keys.map((key) => tiles.get(key))),
    Promise.all(keys.map((key) => bytes.count(key))),
  ]);
  const current = readTotals(raw);
  // still the state that was counted: the count is the truth
  const exact = counted !== undefined && (current?.seq ?? -1) === startSeq;
  const totals = exact ? counted : (current ?? emptyTotals());
  const dropped: string[] = [];
  keys.forEach((key, i) => {
    const meta: unknown = metas[i];
    const intact = isIntactTileMeta(meta);
    if (intact && byteCounts[i] > 0) return;
    dropped.push(key);
    if (intact && !exact) countRecord(totals, meta, -1);
    void tiles.delete(key).catch(() => undefined);
    void bytes.delete(key).catch(() => undefined);
  });
  const corrected = exact && !(current && sameTotals(current, counted));
  const next = { ...totals, seq: (current?.seq ?? 0) + 1 };
  void tx.objectStore('meta').put(totalsRecord(next)).catch(() => undefined);
  await tx.done;
  return { dropped, corrected, totals: next };
}
