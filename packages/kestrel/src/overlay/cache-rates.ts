import type { CacheStats } from '../contract/engine-api.ts';

export interface CacheHitRates {
  // share of all lookups answered by the memory LRU
  memory: number | null;
  // share of the lookups that missed memory and were answered by IndexedDB: the persistent tier's own hit rate,
  // which a share of all lookups would hide behind a good memory hit rate
  idb: number | null;
  // share of all lookups answered by either cache tier
  overall: number | null;
  // lookups counted (every served response, whichever tier answered)
  lookups: number;
}

// Rates come from the tier that answered each served response (`cache.hits`), not from `requests`, because
// aborted, failed and coalesced requests never reached a tier and would dilute the rate. null: nothing to divide.
export function cacheHitRates(hits: CacheStats['hits']): CacheHitRates {
  const memory = nonNegative(hits.memory);
  const idb = nonNegative(hits.idb);
  const network = nonNegative(hits.network);
  const lookups = memory + idb + network;
  const reachedIdb = idb + network;
  return {
    memory: lookups > 0 ? memory / lookups : null,
    idb: reachedIdb > 0 ? idb / reachedIdb : null,
    overall: lookups > 0 ? (memory + idb) / lookups : null,
    lookups,
  };
}

function nonNegative(value: number): number {
  return Number.isFinite(value) && value > 0 ? value : 0;
}
