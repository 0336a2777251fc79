import type { DeliveryAuditReport, TileResponse } from '../contract/engine-api.ts';

// SHA-256 of the bytes as lowercase hex. The worker passes WebCrypto; tests pass node:crypto or a fake.
export type Digest = (bytes: Uint8Array) => Promise<string>;

// Far more addresses than a long session visits; past it the oldest addresses go (and are counted), so an audit
// left on cannot grow without end.
const DEFAULT_CAPACITY = 50_000;
// One address should only ever get one body. A few distinct hashes are kept to show what went wrong; past that
// only the count of mismatches matters.
const MAX_HASHES_PER_TILE = 4;

interface Entry {
  sha256: string[];
  ok: number;
  noTile: number;
}

// Records what was handed out for each tile resource: the SHA-256 of every body and every "no tile" answer, so a
// test can compare them with what the server would send. The key names the upstream resource, not just its address:
// the engine uses the cache key (source, z/x/y and the URL in its persisted form, so two sources on one host are
// two entries, and no token appears), the MapLibre-worker bridge the URL it was asked for. Opt-in (`audit: true`):
// the bytes are copied at once (the caller transfers the buffer right after) and hashed off the critical path.
export class DeliveryAudit {
  private readonly tiles = new Map<string, Entry>();
  private readonly inProgress = new Set<Promise<void>>();
  private readonly byTier: DeliveryAuditReport['byTier'] = { memory: 0, idb: 0, network: 0 };
  private delivered = 0;
  private noTile = 0;
  private dropped = 0;
  private hashFailures = 0;

  constructor(
    private readonly digest: Digest,
    private readonly capacity = DEFAULT_CAPACITY,
  ) {}

  // The caller keeps answers without an address (styles, glyphs) out: they are not tiles.
  record(key: string, response: Pick<TileResponse, 'status' | 'data'> & { tier?: TileResponse['tier'] }): void {
    const entry = this.entry(key);
    if (response.tier) this.byTier[response.tier]++;
    if (response.status === 'no-tile' || response.data === null) {
      entry.noTile++;
      this.noTile++;
      return;
    }
    entry.ok++;
    this.delivered++;
    const copy = new Uint8Array(response.data.slice(0));
    const hashing = this.digest(copy).then(
      (hash) => {
        if (!entry.sha256.includes(hash) && entry.sha256.length < MAX_HASHES_PER_TILE) entry.sha256.push(hash);
      },
      () => {
        this.hashFailures++;
      },
    );
    const tracked = hashing.finally(() => this.inProgress.delete(tracked));
    this.inProgress.add(tracked);
  }

  // Waits for the hashes still being computed, then reports.
  async report(): Promise<Omit<DeliveryAuditReport, 'enabled'>> {
    while (this.inProgress.size > 0) await Promise.all([...this.inProgress]);
    const tiles: DeliveryAuditReport['tiles'] = {};
    for (const [key, entry] of this.tiles) tiles[key] = { sha256: [...entry.sha256], ok: entry.ok, noTile: entry.noTile };
    return {
      tiles,
      delivered: this.delivered,
      noTile: this.noTile,
      byTier: { ...this.byTier },
      dropped: this.dropped,
      hashFailures: this.hashFailures,
    };
  }

  private entry(key: string): Entry {
    let entry = this.tiles.get(key);
    if (!entry) {
      entry = { sha256: [], ok: 0, noTile: 0 };
      this.tiles.set(key, entry);
      if (this.tiles.size > this.capacity) {
        this.tiles.delete(this.tiles.keys().next().value!);
        this.dropped++;
      }
    }
    return entry;
  }
}
