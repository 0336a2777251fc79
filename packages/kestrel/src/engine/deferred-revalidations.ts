import type { Clock } from './ports.ts';

export interface DeferredRevalidationsDeps {
  clock: Clock;
  isOnline: () => boolean;
  // how often to look whether the device is back online while something waits
  pollMs?: number;
  // the most revalidations kept; past it the oldest is forgotten
  maxEntries?: number;
}

// One look a second is enough: a revalidation only refreshes an entry already on screen.
const POLL_MS = 1000;
// About the tiles of a few screens at several zooms: what a user browses offline before the network returns.
// Forgetting older ones costs nothing but freshness; the next stale read defers them again.
const MAX_ENTRIES = 1000;

// Revalidations the engine could not send because the device was offline (a stale or no-cache entry was served
// from the cache instead), run once it is back online: one per cache key, the newest wins. The engine worker
// polls `navigator.onLine` because Chromium changes it in workers but does not fire 'online' there.
export class DeferredRevalidations {
  private readonly pending = new Map<string, () => void>();
  private timer: unknown;
  private readonly pollMs: number;
  private readonly maxEntries: number;

  constructor(private readonly deps: DeferredRevalidationsDeps) {
    this.pollMs = deps.pollMs ?? POLL_MS;
    this.maxEntries = deps.maxEntries ?? MAX_ENTRIES;
  }

  get size(): number {
    return this.pending.size;
  }

  defer(key: string, revalidate: () => void): void {
    this.pending.delete(key);
    this.pending.set(key, revalidate);
    if (this.pending.size > this.maxEntries) this.pending.delete(this.pending.keys().next().value!);
    this.schedule();
  }

  dispose(): void {
    this.pending.clear();
    if (this.timer !== undefined) this.deps.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    if (this.timer !== undefined) return;
    this.timer = this.deps.clock.setTimeout(() => this.poll(), this.pollMs);
  }

  private poll(): void {
    this.timer = undefined;
    if (!this.deps.isOnline()) {
      this.schedule();
      return;
    }
    const runs = [...this.pending.values()];
    this.pending.clear();
    for (const run of runs) run();
  }
}
