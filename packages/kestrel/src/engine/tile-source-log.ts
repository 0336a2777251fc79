import type { TileCoord, TileResponse, TileSource } from '../contract/engine-api.ts';

// When sources answered one address differently (a vector and a raster source, say), the slowest answer is the one
// reported, because that is the one the user waited for. A prefetched answer ranks between the two cache tiers: it
// was a cache hit, but only thanks to the guess.
const RANK: Record<TileSource, number> = { memory: 0, prefetched: 1, idb: 2, network: 3 };

// Over the tiles MapLibre keeps (a few hundred), so every tile still on screen has its record, while a long session
// does not grow the log without end: at ~250 bytes an address, 1024 addresses stay near 256 KiB (4096 was ~1 MiB).
const DEFAULT_CAPACITY = 1024;
// Sources remembered per address: a style has a handful; a source named by URL (no source id) must not add one
// entry per distinct URL.
const MAX_SOURCES_PER_ADDRESS = 8;

export function tileSourceOf(response: Pick<TileResponse, 'tier' | 'prefetched'>): TileSource {
  return response.prefetched ? 'prefetched' : response.tier;
}

// Where the latest visible answer for each tile address came from, for the overlay's map layer. Written once per
// answer inside the worker; read by the layer a few times a second for the tiles on screen, so nothing crosses to
// the main thread per tile. Keyed by address, then source: the latest answer per source wins, as the map shows
// the latest bytes.
export class TileSourceLog {
  private readonly byCoord = new Map<string, Map<string, TileSource>>();

  constructor(private readonly capacity = DEFAULT_CAPACITY) {}

  // Answers without an address (a URL with no z/x/y) cannot be drawn, so they are not kept.
  record(req: { coord?: TileCoord; source?: string; url: string }, response: Pick<TileResponse, 'tier' | 'prefetched'>): void {
    if (!req.coord) return;
    const key = `${req.coord.z}/${req.coord.x}/${req.coord.y}`;
    const sources = this.byCoord.get(key) ?? new Map<string, TileSource>();
    const name = req.source ?? req.url;
    sources.delete(name);
    sources.set(name, tileSourceOf(response));
    while (sources.size > MAX_SOURCES_PER_ADDRESS) sources.delete(sources.keys().next().value!);
    // re-inserted so Map order is recency order and the least recently answered address goes first
    this.byCoord.delete(key);
    this.byCoord.set(key, sources);
    while (this.byCoord.size > this.capacity) this.byCoord.delete(this.byCoord.keys().next().value!);
  }

  // "z/x/y" → where it came from; addresses never answered are left out.
  lookup(keys: readonly string[]): Record<string, TileSource> {
    const out: Record<string, TileSource> = {};
    for (const key of keys) {
      const sources = this.byCoord.get(key);
      if (!sources) continue;
      let slowest: TileSource | undefined;
      for (const source of sources.values()) if (slowest === undefined || RANK[source] > RANK[slowest]) slowest = source;
      if (slowest) out[key] = slowest;
    }
    return out;
  }

  get size(): number {
    return this.byCoord.size;
  }
}
