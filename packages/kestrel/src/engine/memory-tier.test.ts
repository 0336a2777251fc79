import { describe, expect, it } from 'vitest';
import { EPOCH, tileBytes } from '../../test/cache-answers.ts';
import { Freshness } from './freshness.ts';
import { ENTRY_OVERHEAD_BYTES, MemoryTier, type MemoryEntry } from './memory-tier.ts';

const decision = new Freshness(() => EPOCH).decide(200, { 'cache-control': 'max-age=60' });
if (!decision.store) throw new Error('test policy must be storable');
const policy = decision.policy;

function entry(size: number | null): MemoryEntry {
  return { bytes: size === null ? null : tileBytes(size), policy, prefetched: false, source: 'osm', storedAt: EPOCH };
}

const KB = 1024;

describe('MemoryTier', () => {
  it('hands out the stored bytes themselves on a hit, not a copy', () => {
    const tier = new MemoryTier();
    const stored = entry(10 * KB);
    tier.set('a', stored);
    expect(tier.get('a')?.bytes).toBe(stored.bytes);
  });

  it('stays within its byte budget, evicting the least recently used entry first', () => {
    const evicted: string[] = [];
    const tier = new MemoryTier({ maxBytes: 4 * (KB + ENTRY_OVERHEAD_BYTES), maxEntryBytes: 2 * KB, onEvict: (k) => evicted.push(k) });
    for (const key of ['a', 'b', 'c', 'd']) tier.set(key, entry(KB));
    tier.get('a');
    tier.set('e', entry(KB));
    expect(evicted).toEqual(['b']);
    expect(tier.has('a')).toBe(true);
    expect(tier.stats()).toEqual({ bytes: 4 * (KB + ENTRY_OVERHEAD_BYTES), entries: 4, budget: 4 * (KB + ENTRY_OVERHEAD_BYTES), evictions: 1 });
  });

  it('counts a cached "no tile" answer at its overhead', () => {
    const tier = new MemoryTier();
    tier.set('empty', entry(null));
    expect(tier.get('empty')?.bytes).toBeNull();
    expect(tier.stats().bytes).toBe(ENTRY_OVERHEAD_BYTES);
  });

  it('refuses an entry above the per-entry limit without evicting anything', () => {
    const tier = new MemoryTier({ maxBytes: 64 * KB });
    tier.set('small', entry(KB));
    expect(tier.set('huge', entry(32 * KB))).toBe(false);
    expect(tier.has('small')).toBe(true);
    expect(tier.stats().evictions).toBe(0);
  });

  it('does not count deletes, overwrites or clear as evictions', () => {
    const evicted: string[] = [];
    const tier = new MemoryTier({ onEvict: (k) => evicted.push(k) });
    tier.set('a', entry(KB));
    tier.set('a', entry(2 * KB));
    tier.delete('a');
    tier.set('b', entry(KB));
    tier.clear();
    expect(evicted).toEqual([]);
    expect(tier.stats().evictions).toBe(0);
  });

  it('keeps the most recently used entries when resized smaller', () => {
    const tier = new MemoryTier({ maxBytes: 10 * (KB + ENTRY_OVERHEAD_BYTES), maxEntryBytes: 2 * KB });
    for (const key of ['a', 'b', 'c', 'd']) tier.set(key, entry(KB));
    tier.get('a');
    tier.resize(2 * (KB + ENTRY_OVERHEAD_BYTES));
    expect(tier.keys().sort()).toEqual(['a', 'd']);
    expect(tier.stats().budget).toBe(2 * (KB + ENTRY_OVERHEAD_BYTES));
  });

  it('serves a hit in well under a millisecond', () => {
    const tier = new MemoryTier();
    for (let i = 0; i < 500; i++) tier.set(`k${i}`, entry(32 * KB));
    const hits = 20_000;
    const start = performance.now();
    for (let i = 0; i < hits; i++) tier.get(`k${i % 500}`);
    const perHitMs = (performance.now() - start) / hits;
    // A lookup costs well under a microsecond; the bound leaves room for a slow CI machine.
    expect(perHitMs).toBeLessThan(0.01);
  });
});
