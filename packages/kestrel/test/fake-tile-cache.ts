import type { CachedTile, NetworkAnswer, TileCache } from '../src/engine/ports.ts';

// An in-memory TileCache whose freshness the test sets per entry, recording every call the engine makes.
export class FakeTileCache implements TileCache {
  readonly entries = new Map<string, CachedTile>();
  readonly puts: { key: string; answer: NetworkAnswer }[] = [];
  readonly refreshes: { key: string; headers: Record<string, string> }[] = [];
  readonly drops: string[] = [];
  // set to make get() fail, as a broken IndexedDB would
  failGets = false;

  keyFor(req: { url: string; source?: string; coord?: { z: number; x: number; y: number } }): string {
    // keyed by URL alone: seeding an entry in a test must not depend on how the engine names sources
    return req.url;
  }

  async get(key: string): Promise<CachedTile | undefined> {
    if (this.failGets) throw new Error('cache unavailable');
    return this.entries.get(key);
  }

  put(key: string, answer: NetworkAnswer): void {
    this.puts.push({ key, answer });
  }

  refreshed(key: string, headers: Record<string, string>): void {
    this.refreshes.push({ key, headers });
  }

  drop(key: string): void {
    this.drops.push(key);
    this.entries.delete(key);
  }

  // Seeds an entry under the key the engine will compute for `url` (no source).
  seed(url: string, entry: Partial<CachedTile> & Pick<CachedTile, 'bytes'>): void {
    this.entries.set(this.keyFor({ url }), {
      tier: 'memory',
      freshness: 'fresh',
      revalidationHeaders: {},
      ...entry,
    });
  }
}
