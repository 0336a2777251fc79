import type { FailureReason } from '../contract/engine-api.ts';

// When to ask MapLibre again for a tile that errored. MapLibre itself never does (until the tile leaves and
// re-enters the view), so without this a hole stays; but asking every few seconds for ever costs a server that
// refuses a tile for good (a 403, an HTML page, a 4 MiB body) its bandwidth every few seconds, per tile.
//
// - Each tile backs off on its own: the first retry at the next check, then doubling with jitter up to a cap.
// - Failures the server will repeat (4xx other than 408/429, bodies that are not tiles, CORS refusals) start
//   from a much longer delay: a configuration can be fixed, but not within seconds.
// - A host whose breaker is open is not asked at all: the breaker's own probe decides when it is back. Other
//   hosts carry on.
// - When the network has just answered (the engine received bytes since the last check), transient failures are
//   retried at once: that is the server coming back, and the hole should heal now, not at the next backoff step.
//
// Hand-written rather than a library: it is the engine's own retry policy carried over to MapLibre's tiles.

export interface BackoffOptions {
  baseMs: number;
  capMs: number;
  permanentBaseMs: number;
  permanentCapMs: number;
  random: () => number;
}

const DEFAULTS: BackoffOptions = { baseMs: 3000, capMs: 30_000, permanentBaseMs: 10_000, permanentCapMs: 300_000, random: Math.random };

// Reasons whose retry would get the same answer until someone changes the server.
const PERMANENT: ReadonlySet<string> = new Set<FailureReason>(['http-4xx', 'garbage', 'oversized', 'html-body', 'json-body', 'opaque', 'cors']);

export interface ErroredTile {
  // stable per source and tile: `${sourceId}/${z}/${x}/${y}`
  id: string;
  // the tile host (its breaker's name in the engine's stats); undefined when unknown
  host?: string;
}

interface TileState {
  attempts: number;
  nextAt: number;
  reason?: string;
}

/** The reason inside a tile error's message ("Tile failed (http-4xx): …"), as the engine and the bridge write it. */
export function failureReasonOf(message: string | undefined): string | undefined {
  return /Tile failed \(([a-z0-9-]+)\)/.exec(message ?? '')?.[1];
}

export class ErroredTileBackoff {
  private readonly options: BackoffOptions;
  private readonly tiles = new Map<string, TileState>();
  private readonly reasons = new Map<string, string>();

  constructor(options: Partial<BackoffOptions> = {}) {
    this.options = { ...DEFAULTS, ...options };
  }

  /** What a tile's last failure was (from MapLibre's error event), so its next delay can depend on it. */
  noteFailure(id: string, reason: string | undefined): void {
    if (reason) this.reasons.set(id, reason);
  }

  /**
   * The tiles to ask again now, out of those errored in view. Tiles no longer errored are forgotten (they loaded,
   * or left the view), so a tile that errors again later starts from the beginning.
   */
  due(errored: readonly ErroredTile[], now: number, context: { openHosts: ReadonlySet<string>; networkAnswered: boolean }): string[] {
    const current = new Set(errored.map((t) => t.id));
    for (const id of this.tiles.keys()) if (!current.has(id)) this.tiles.delete(id);
    for (const id of this.reasons.keys()) if (!current.has(id)) this.reasons.delete(id);
    const out: string[] = [];
    for (const { id, host } of errored) {
      if (host && context.openHosts.has(host)) continue;
      const reason = this.reasons.get(id);
      const permanent = reason !== undefined && PERMANENT.has(reason);
      const state = this.tiles.get(id) ?? { attempts: 0, nextAt: now };
      this.tiles.set(id, state);
      const healed = context.networkAnswered && !permanent;
      if (now < state.nextAt && !healed) continue;
      out.push(id);
      state.attempts++;
      state.nextAt = now + this.delay(state.attempts, permanent);
    }
    return out;
  }

  /** Tiles being tracked (for tests and the page's figures). */
  get size(): number {
    return this.tiles.size;
  }

  // Exponential, with "equal jitter": half fixed, half random, so the tiles of one hole do not come back in step.
  private delay(attempts: number, permanent: boolean): number {
    const base = permanent ? this.options.permanentBaseMs : this.options.baseMs;
    const cap = permanent ? this.options.permanentCapMs : this.options.capMs;
    const ceiling = Math.min(cap, base * 2 ** (attempts - 1));
    return ceiling / 2 + (ceiling / 2) * this.options.random();
  }
}
