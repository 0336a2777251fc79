import type { PrefetchReason, PrefetchReasonStats, PrefetchStats, Tier } from '../contract/engine-api.ts';
import type { Clock } from './ports.ts';

// A prefetched tile nobody asked for within this long was a wrong guess: the user went elsewhere.
export const PREFETCH_UNUSED_AFTER_MS = 30_000;
// The byte budget slides over the last minute.
export const BUDGET_WINDOW_MS = 60_000;
// ~1.1 Mbit/s averaged over a minute: about 100–250 vector tiles, a small share of a typical link.
export const DEFAULT_BYTES_PER_MINUTE = 8 * 1024 * 1024;
// At most a fifth of the prefetched bytes should end up unused (issue 19's goal; the option prefetch.maxWasteShare).
export const DEFAULT_MAX_WASTE_SHARE = 0.2;
// A lookahead guess (path, zoom) still unused this long after it arrived has missed: the camera went elsewhere.
// A pan's lookahead is at most the 2 s prediction horizon, plus the time MapLibre takes to ask.
export const OVERDUE_MS = 3_000;
// Distinct tiles remembered for heldByWasteBudget; past it the count stops growing rather than the set.
const MAX_HELD_KEYS = 10_000;

// Why prefetch is off (stats().prefetch.disabledBy).
export type PrefetchDisabledReason = NonNullable<PrefetchStats['disabledBy']>;

// The part of NetworkInformation (navigator.connection, also in workers where the browser has it) that matters.
export interface ConnectionHint {
  saveData?: boolean;
  effectiveType?: string;
}

export interface PrefetchLedgerOptions {
  enabled?: boolean;
  bytesPerMinute?: number;
  unusedAfterMs?: number;
  maxWasteShare?: number;
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
  reason?: PrefetchReason;
}

// Bookkeeping behind PrefetchStats: issued → completed → used or wasted (each tile settles once), the
// motion hit ratio, the per-minute byte budget and the slow-connection switch.
export class PrefetchLedger {
  private readonly clock: Pick<Clock, 'now'>;
  private readonly unusedAfterMs: number;
  private bytesPerMinute: number;
  private optionEnabled: boolean;
  private connection: ConnectionHint = {};
  private inFront = true;
  private readonly entries = new Map<string, Entry>();
  private charges: { at: number; bytes: number }[] = [];
  // bytes that answered a visible request, and bytes that went unused, over the budget window: the waste budget
  private uses: { at: number; bytes: number }[] = [];
  private wastes: { at: number; bytes: number; lookahead: boolean }[] = [];
  private maxWasteShare: number;
  private readonly held = new Set<string>();
  private counts = zeroCounts();

  constructor(clock: Pick<Clock, 'now'>, options: PrefetchLedgerOptions = {}) {
    this.clock = clock;
    this.unusedAfterMs = options.unusedAfterMs ?? PREFETCH_UNUSED_AFTER_MS;
    this.bytesPerMinute = options.bytesPerMinute ?? DEFAULT_BYTES_PER_MINUTE;
    this.optionEnabled = options.enabled ?? true;
    this.maxWasteShare = options.maxWasteShare ?? DEFAULT_MAX_WASTE_SHARE;
  }

  configure(options: { enabled?: boolean; bytesPerMinute?: number; maxWasteShare?: number }): void {
    if (options.enabled !== undefined) this.optionEnabled = options.enabled;
    if (options.bytesPerMinute !== undefined) this.bytesPerMinute = options.bytesPerMinute;
    if (options.maxWasteShare !== undefined) this.maxWasteShare = options.maxWasteShare;
  }

  setConnection(hint: ConnectionHint | undefined): void {
    this.connection = hint ?? {};
  }

  // Whether any page the engine serves is in front (document.visibilityState). Nobody looks at a hidden map, so
  // its guesses would only spend the user's data and battery.
  setInFront(inFront: boolean): void {
    this.inFront = inFront;
  }

  disabledReason(): PrefetchDisabledReason | undefined {
    if (!this.optionEnabled) return 'option';
    if (this.connection.saveData) return 'save-data';
    // on these links a guessed tile competes with the tiles the user is looking at
    if (this.connection.effectiveType === '2g' || this.connection.effectiveType === 'slow-2g') return 'slow-connection';
    if (!this.inFront) return 'background';
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

  // May a guess (a tile prefetched for any reason but a known destination) of about `bytes` start now? The waste
  // budget: over the last minute, the prefetched bytes that went unused plus the guesses at risk stay within
  // maxWasteShare of all prefetched bytes, i.e. within share / (1 − share) of the bytes that were used. Guesses that
  // pay raise their own allowance; guesses that do not are held back until used bytes catch up or the waste ages out
  // of the window. `floorBytes` lets a few guesses start before anything has been used.
  // What is at risk depends on the guess's reason. The lookahead of a moving camera (path, zoom) is used within
  // a second or two, so only its own waste and its guesses left unused past OVERDUE_MS count: counting fresh ones,
  // or a ring that missed, would starve the very lookahead that pays. Any other guess (the ring at rest: nobody
  // knows when, or whether, it is used) comes last: it counts all waste and every guess still unused or in flight.
  // Hand-written because it is the engine's own policy: no library keeps this ledger.
  allowGuess(key: string, bytes: number, floorBytes: number, reason?: PrefetchReason): boolean {
    // a flight's known destination is where the camera is going, not a guess: only the byte budget holds it
    if (this.maxWasteShare >= 1 || reason === 'destination') return true;
    const lookahead = isLookahead(reason);
    const now = this.clock.now();
    const since = now - BUDGET_WINDOW_MS;
    this.uses = this.uses.filter((u) => u.at > since);
    this.wastes = this.wastes.filter((w) => w.at > since);
    const used = this.uses.reduce((sum, u) => sum + u.bytes, 0);
    const guess = (entry: Entry) => entry.reason !== 'destination';
    const atRisk = lookahead
      ? this.wastes.reduce((sum, w) => sum + (w.lookahead ? w.bytes : 0), 0) +
        this.unusedBytes((entry) => isLookahead(entry.reason) && now - (entry.completedAt ?? now) >= OVERDUE_MS)
      : this.wastes.reduce((sum, w) => sum + w.bytes, 0) + this.unusedBytes(guess) + this.reservedInFlight(guess);
    const allowance = Math.max(floorBytes, (this.maxWasteShare / (1 - this.maxWasteShare)) * used);
    if (atRisk + Math.max(0, bytes) <= allowance) return true;
    if (this.held.size < MAX_HELD_KEYS) this.held.add(key);
    return false;
  }

  // `estimatedBytes` is held against the budget until the tile completes or is abandoned.
  issued(key: string, estimatedBytes = 0, reason?: PrefetchReason): void {
    this.expireUnused();
    if (this.entries.has(key)) return;
    this.entries.set(key, { reserved: Math.max(0, estimatedBytes), bytes: 0, reason });
    this.counts.issued++;
    if (reason) this.reasonCounts(reason).issued++;
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
      this.usedBytes(entry, bytes);
    } else this.entries.set(key, { reserved: 0, completedAt: now, bytes, reason: entry?.reason });
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
    this.usedBytes(entry, entry.bytes);
    if (info.moving && info.tier === 'memory') this.counts.movingHits++;
    return true;
  }

  snapshot(): PrefetchStats {
    this.expireUnused();
    const c = this.counts;
    const disabledBy = this.disabledReason();
    return {
      enabled: disabledBy === undefined,
      ...(disabledBy ? { disabledBy } : {}),
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
      byReason: this.byReason(),
      heldByWasteBudget: this.held.size,
    };
  }

  // Zero the figures (resetStats); tiles in flight keep their reservations.
  reset(): void {
    this.counts = zeroCounts();
    this.held.clear();
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
    if (entry.reason) this.reasonCounts(entry.reason).wastedBytes += entry.bytes;
    if (entry.bytes > 0) this.wastes.push({ at: this.clock.now(), bytes: entry.bytes, lookahead: isLookahead(entry.reason) });
  }

  private usedBytes(entry: Entry, bytes: number): void {
    this.counts.usedBytes += bytes;
    if (bytes > 0) this.uses.push({ at: this.clock.now(), bytes });
    if (entry.reason) this.reasonCounts(entry.reason).usedBytes += bytes;
  }

  private reasonCounts(reason: PrefetchReason): Omit<PrefetchReasonStats, 'unusedBytes'> {
    let counts = this.counts.byReason[reason];
    if (!counts) this.counts.byReason[reason] = counts = { issued: 0, usedBytes: 0, wastedBytes: 0 };
    return counts;
  }

  private byReason(): PrefetchStats['byReason'] {
    const out: NonNullable<PrefetchStats['byReason']> = {};
    for (const [reason, counts] of Object.entries(this.counts.byReason) as [PrefetchReason, Omit<PrefetchReasonStats, 'unusedBytes'>][]) {
      out[reason] = { ...counts, unusedBytes: 0 };
    }
    for (const entry of this.entries.values()) {
      if (entry.completedAt === undefined || !entry.reason) continue;
      (out[entry.reason] ??= { issued: 0, usedBytes: 0, wastedBytes: 0, unusedBytes: 0 }).unusedBytes += entry.bytes;
    }
    return out;
  }

  // completed, not used yet, not yet old enough to call wasted
  private unusedBytes(which: (entry: Entry) => boolean = () => true): number {
    let sum = 0;
    for (const entry of this.entries.values()) if (entry.completedAt !== undefined && which(entry)) sum += entry.bytes;
    return sum;
  }

  private spentInWindow(): number {
    const since = this.clock.now() - BUDGET_WINDOW_MS;
    this.charges = this.charges.filter((c) => c.at > since);
    return this.charges.reduce((sum, c) => sum + c.bytes, 0);
  }

  private reservedInFlight(which: (entry: Entry) => boolean = () => true): number {
    let sum = 0;
    for (const entry of this.entries.values()) if (entry.completedAt === undefined && which(entry)) sum += entry.reserved;
    return sum;
  }
}

// The guesses of a moving camera: used within the prediction horizon, or not at all.
function isLookahead(reason: PrefetchReason | undefined): boolean {
  return reason === 'path' || reason === 'zoom-in' || reason === 'zoom-out';
}

function zeroCounts() {
  const byReason: Partial<Record<PrefetchReason, Omit<PrefetchReasonStats, 'unusedBytes'>>> = {};
  return { issued: 0, completed: 0, used: 0, wasted: 0, bytes: 0, movingRequests: 0, movingHits: 0, cancelled: 0, usedBytes: 0, wastedBytes: 0, byReason };
}
