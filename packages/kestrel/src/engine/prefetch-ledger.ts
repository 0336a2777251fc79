import type { PrefetchStats, Tier } from '../contract/engine-api.ts';
import type { Clock } from './ports.ts';

// A prefetched tile nobody asked for within this long was a wrong guess: the user went elsewhere.
export const PREFETCH_UNUSED_AFTER_MS = 30_000;
// The byte budget slides over the last minute.
export const BUDGET_WINDOW_MS = 60_000;
// ~1.1 Mbit/s averaged over a minute: about 100–250 vector tiles, a small share of a typical link.
export const DEFAULT_BYTES_PER_MINUTE = 8 * 1024 * 1024;

export type PrefetchDisabledReason = 'option' | 'save-data' | 'slow-connection';

// The part of NetworkInformation (navigator.connection, also in workers where the browser has it) that matters.
export interface ConnectionHint {
  saveData?: boolean;
  effectiveType?: string;
}

export interface PrefetchLedgerOptions {
  enabled?: boolean;
  bytesPerMinute?: number;
  unusedAfterMs?: number;
}

export interface VisibleRequestInfo {
  // the caller's motion model says the camera is moving
  moving: boolean;
  // where the answer came from
  tier: Tier;
  // the cache says a prefetch wrote the entry and no visible read has used it yet
  prefetched?: boolean;
}

interface Entry {
  // bytes reserved against the budget while in flight (the caller's estimate)
  reserved: number;
  completedAt?: number;
  // network bytes it cost, once completed
  bytes: number;
  // a visible request joined it while it was still in flight
  used?: boolean;
}

// Bookkeeping behind PrefetchStats: issued → completed → used or wasted (each tile settles once), the
// motion hit ratio, the per-minute byte budget and the slow-connection switch.
export class PrefetchLedger {
  private readonly clock: Pick<Clock, 'now'>;
  private readonly unusedAfterMs: number;
  private bytesPerMinute: number;
  private optionEnabled: boolean;
  private connection: ConnectionHint = {};
  private readonly entries = new Map<string, Entry>();
  private charges: { at: number; bytes: number }[] = [];
  private counts = zeroCounts();

  constructor(clock: Pick<Clock, 'now'>, options: PrefetchLedgerOptions = {}) {
    this.clock = clock;
    this.unusedAfterMs = options.unusedAfterMs ?? PREFETCH_UNUSED_AFTER_MS;
    this.bytesPerMinute = options.bytesPerMinute ?? DEFAULT_BYTES_PER_MINUTE;
    this.optionEnabled = options.enabled ?? true;
  }

  configure(options: { enabled?: boolean; bytesPerMinute?: number }): void {
    if (options.enabled !== undefined) this.optionEnabled = options.enabled;
    if (options.bytesPerMinute !== undefined) this.bytesPerMinute = options.bytesPerMinute;
  }

  setConnection(hint: ConnectionHint | undefined): void {
    this.connection = hint ?? {};
  }

  disabledReason(): PrefetchDisabledReason | undefined {
    if (!this.optionEnabled) return 'option';
    if (this.connection.saveData) return 'save-data';
    // on these links a guessed tile competes with the tiles the user is looking at
    if (this.connection.effectiveType === '2g' || this.connection.effectiveType === 'slow-2g') return 'slow-connection';
    return undefined;
  }

  get enabled(): boolean {
    return this.disabledReason() === undefined;
  }

  // May a prefetch of about `bytes` start now? Counts what completed in the last minute plus what is in flight.
  allow(bytes: number): boolean {
    if (!this.enabled) return false;
    return this.spentInWindow() + this.reservedInFlight() + Math.max(0, bytes) <= this.bytesPerMinute;
  }

  // `estimatedBytes` is held against the budget until the tile completes or is abandoned.
  issued(key: string, estimatedBytes = 0): void {
    this.expireUnused();
    if (this.entries.has(key)) return;
    this.entries.set(key, { reserved: Math.max(0, estimatedBytes), bytes: 0 });
    this.counts.issued++;
  }

  completed(key: string, bytes: number): void {
    const entry = this.entries.get(key);
    if (entry?.completedAt !== undefined) return;
    const now = this.clock.now();
    this.counts.completed++;
    this.counts.bytes += bytes;
    this.charges.push({ at: now, bytes });
    if (entry?.used) {
      this.entries.delete(key);
      this.counts.usedBytes += bytes;
    } else this.entries.set(key, { reserved: 0, completedAt: now, bytes });
  }

  // Cancelled (the prediction changed) or failed before completing: nothing arrived here, so nothing was wasted;
  // the reservation is released. `chargeBytes`: bytes that may still be spent on it (a fetch left to finish).
  abandoned(key: string, reason: 'cancelled' | 'failed', chargeBytes = 0): void {
    const entry = this.entries.get(key);
    if (!entry || entry.completedAt !== undefined) return;
    this.entries.delete(key);
    if (reason === 'cancelled') this.counts.cancelled++;
    if (chargeBytes > 0) this.charges.push({ at: this.clock.now(), bytes: chargeBytes });
  }

  // The cache dropped the tile: if nobody used it, the prefetch was wasted.
  evicted(key: string): void {
    const entry = this.entries.get(key);
    if (entry?.completedAt === undefined) return;
    this.entries.delete(key);
    this.wasted(entry);
  }

  // Every visible tile request reports here. Returns true when a prefetch answered it (first time only).
  visibleRequest(key: string, info: VisibleRequestInfo): boolean {
    this.expireUnused();
    if (info.moving) this.counts.movingRequests++;
    const entry = this.entries.get(key);
    if (!entry && info.prefetched && info.tier !== 'network') {
      // A prefetch dropped from the plan while on the wire, left to finish into the cache: the ledger let it go
      // as cancelled, but its tile answers this ask. Its bytes were never counted here, so none are added.
      this.counts.used++;
      if (info.moving && info.tier === 'memory') this.counts.movingHits++;
      return true;
    }
    if (!entry || entry.used) return false;
    if (entry.completedAt === undefined) {
      // joined the prefetch in flight: the bytes serve the screen, though not from memory
      entry.used = true;
      this.counts.used++;
      return true;
    }
    this.entries.delete(key);
    if (info.tier === 'network') {
      // the prefetched copy was gone without an eviction notice: it answered nothing
      this.wasted(entry);
      return false;
    }
    this.counts.used++;
    this.counts.usedBytes += entry.bytes;
    if (info.moving && info.tier === 'memory') this.counts.movingHits++;
    return true;
  }

  snapshot(): PrefetchStats {
    this.expireUnused();
    const c = this.counts;
    return {
      enabled: this.enabled,
      issued: c.issued,
      completed: c.completed,
      used: c.used,
      wasted: c.wasted,
      bytes: c.bytes,
      hitRatio: c.movingRequests === 0 ? 0 : c.movingHits / c.movingRequests,
      cancelled: c.cancelled,
      usedBytes: c.usedBytes,
      wastedBytes: c.wastedBytes,
      unusedBytes: this.unusedBytes(),
    };
  }

  // Zero the figures (resetStats); tiles in flight keep their reservations.
  reset(): void {
    this.counts = zeroCounts();
    for (const [key, entry] of this.entries) if (entry.completedAt !== undefined) this.entries.delete(key);
  }

  private expireUnused(): void {
    const now = this.clock.now();
    for (const [key, entry] of this.entries) {
      if (entry.completedAt !== undefined && now - entry.completedAt >= this.unusedAfterMs) {
        this.entries.delete(key);
        this.wasted(entry);
      }
    }
  }

  private wasted(entry: Entry): void {
    this.counts.wasted++;
    this.counts.wastedBytes += entry.bytes;
  }

  // completed, not used yet, not yet old enough to call wasted
  private unusedBytes(): number {
    let sum = 0;
    for (const entry of this.entries.values()) if (entry.completedAt !== undefined) sum += entry.bytes;
    return sum;
  }

  private spentInWindow(): number {
    const since = this.clock.now() - BUDGET_WINDOW_MS;
    this.charges = this.charges.filter((c) => c.at > since);
    return this.charges.reduce((sum, c) => sum + c.bytes, 0);
  }

  private reservedInFlight(): number {
    let sum = 0;
    for (const entry of this.entries.values()) if (entry.completedAt === undefined) sum += entry.reserved;
    return sum;
  }
}

function zeroCounts() {
  return { issued: 0, completed: 0, used: 0, wasted: 0, bytes: 0, movingRequests: 0, movingHits: 0, cancelled: 0, usedBytes: 0, wastedBytes: 0 };
}
