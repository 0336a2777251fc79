import { recordCost, type TileMeta } from '../engine/tile-store.ts';

/**
 * What the tile store holds, kept as one record in the `meta` store and rewritten in the same transaction as every
 * write, delete and eviction: opening reads it instead of scanning every record. `seq` grows with each such
 * transaction, in any tab, so a background check can tell whether the store changed while it was counting.
 */
export interface StoreTotals {
  // recordCost of every intact metadata record
  bytes: number;
  count: number;
  // tiles with a coordinate, per zoom: count and payload bytes (saving an area estimates from them)
  byZoom: Record<number, { count: number; bytes: number }>;
  seq: number;
}

/** The `meta` store key of the totals record. */
export const TOTALS_KEY = 'totals';

/** The totals of an empty store. */
export function emptyTotals(): StoreTotals {
  return { bytes: 0, count: 0, byZoom: {}, seq: 0 };
}

/** Adds (sign 1) or takes away (sign -1) one record's share. */
export function countRecord(totals: StoreTotals, meta: Pick<TileMeta, 'size' | 'coord'>, sign: 1 | -1): void {
  totals.bytes += sign * recordCost(meta.size);
  totals.count += sign;
  if (!meta.coord) return;
  const row = totals.byZoom[meta.coord.z] ?? { count: 0, bytes: 0 };
  row.count += sign;
  row.bytes += sign * meta.size;
  if (row.count <= 0) delete totals.byZoom[meta.coord.z];
  else totals.byZoom[meta.coord.z] = row;
}

/** The totals as stored, or undefined for anything else (a record another build or program wrote). */
export function readTotals(value: unknown): StoreTotals | undefined {
  const t = (value as { value?: Partial<StoreTotals> } | undefined)?.value;
  if (typeof t !== 'object' || t === null) return undefined;
  if (![t.bytes, t.count, t.seq].every((n) => Number.isInteger(n) && (n as number) >= 0)) return undefined;
  if (typeof t.byZoom !== 'object' || t.byZoom === null) return undefined;
  return { bytes: t.bytes!, count: t.count!, seq: t.seq!, byZoom: structuredClone(t.byZoom) };
}

/** The record to put in the `meta` store. */
export function totalsRecord(totals: StoreTotals): { key: string; value: StoreTotals } {
  return { key: TOTALS_KEY, value: totals };
}

/** Whether two totals count the same records (the sequence number aside). */
export function sameTotals(a: StoreTotals, b: StoreTotals): boolean {
  if (a.bytes !== b.bytes || a.count !== b.count) return false;
  const zooms = new Set([...Object.keys(a.byZoom), ...Object.keys(b.byZoom)]);
  for (const z of zooms) {
    const [x, y] = [a.byZoom[Number(z)], b.byZoom[Number(z)]];
    if (x?.count !== y?.count || x?.bytes !== y?.bytes) return false;
  }
  return true;
}
