import { ArchiveWriter } from '../../../tile-server/pmtiles/archive-writer.ts';
import { TileType } from '../../../tile-server/pmtiles/header.ts';
import { zxyToTileId } from '../../../tile-server/pmtiles/tile-id.ts';
import type { ByteRange, Fetcher } from '../src/engine/ports.ts';

/** How the fake host treats a byte-range request. */
export type RangeMode = 'ranges' | 'ignore-range' | 'refuse-416';

export interface HostRequest {
  range?: ByteRange;
  status: number;
  etag: string;
}

/**
 * A static host serving one PMTiles archive the way nginx or object storage does: 206 with Content-Range and an
 * ETag per version, 416 past the end, 200 for a request without Range. Its `requests` log is the test's witness
 * of what reached the host. `hold` keeps answers back until `release()`, to look at what is in flight.
 */
export class ArchiveHost {
  readonly requests: HostRequest[] = [];
  mode: RangeMode = 'ranges';
  cacheControl = 'max-age=300';
  inFlight = 0;
  maxInFlight = 0;
  hold = false;
  private version = 1;
  private readonly held: (() => void)[] = [];

  constructor(public bytes: Uint8Array) {}

  get etag(): string {
    return `"v${this.version}"`;
  }

  /** Puts another archive at the same URL (a new upload): a new ETag from now on. */
  replace(bytes: Uint8Array): void {
    this.bytes = bytes;
    this.version++;
  }

  release(): void {
    this.hold = false;
    for (const go of this.held.splice(0)) go();
  }

  /** Lets the oldest held answer go (`hold` stays as it is). */
  releaseOne(): void {
    this.held.shift()?.();
  }

  rangesOf(predicate: (range: ByteRange) => boolean = () => true): number {
    return this.requests.filter((r) => r.range && predicate(r.range)).length;
  }

  readonly fetch: Fetcher = async (_url, init) => {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (this.hold) await new Promise<void>((go) => this.held.push(go));
      init.signal.throwIfAborted();
      return this.answer(init.range);
    } finally {
      this.inFlight--;
    }
  };

  private answer(range: ByteRange | undefined): Response {
    const size = this.bytes.byteLength;
    const base = { etag: this.etag, 'cache-control': this.cacheControl, 'accept-ranges': 'bytes' };
    const log = (status: number) => this.requests.push({ ...(range ? { range } : {}), status, etag: this.etag });
    if (!range || this.mode === 'ignore-range') {
      log(200);
      return new Response(this.bytes.slice(), { status: 200, headers: { ...base, 'content-length': String(size) } });
    }
    if (range.offset >= size || this.mode === 'refuse-416') {
      log(416);
      return new Response(null, { status: 416, headers: { 'content-range': `bytes */${size}` } });
    }
    const end = Math.min(range.offset + range.length, size);
    log(206);
    return new Response(this.bytes.slice(range.offset, end), {
      status: 206,
      headers: { ...base, 'content-range': `bytes ${range.offset}-${end - 1}/${size}`, 'content-length': String(end - range.offset) },
    });
  }
}

/** A small archive: `tiles` by "z/x/y" (uncompressed), written by our PMTiles writer (gzip, clustered). */
export function buildArchive(
  tiles: Record<string, Uint8Array>,
  options: { tileType?: 'mvt' | 'png'; maxRootBytes?: number; leafEntries?: number } = {},
): Uint8Array {
  const coords = Object.keys(tiles).map((k) => k.split('/').map(Number) as [number, number, number]);
  const zooms = coords.map(([z]) => z);
  const writer = new ArchiveWriter({
    tileType: options.tileType === 'png' ? TileType.png : TileType.mvt,
    minZoom: Math.min(...zooms),
    maxZoom: Math.max(...zooms),
    bounds: [-180, -85, 180, 85],
    center: [0, 0, 0],
    maxRootBytes: options.maxRootBytes,
    leafEntries: options.leafEntries,
  });
  for (const [z, x, y] of coords) writer.addTile(zxyToTileId(z, x, y), tiles[`${z}/${x}/${y}`]);
  const built = writer.finish({ name: 'test', vector_layers: [{ id: 'places', fields: {} }] });
  const out = new Uint8Array(built.stats.totalBytes);
  let at = 0;
  for (const chunk of built.chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}
