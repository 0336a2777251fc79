import { Compression, EtagMismatch, findTile, type Header, PMTiles, SharedPromiseCache, TileType, zxyToTileId } from 'pmtiles';
import type { ArchiveStats, RequestPurpose, Tier, TileCoord } from '../../contract/engine-api.ts';
import { EngineError } from '../engine-error.ts';
import type { AppRequestInit, TileCache } from '../ports.ts';
import { ArchiveSource, type ArchiveCounters, archiveVersion, FIRST_READ_BYTES, invalid, type ReadRange, truncated, VersionChanged } from './archive-source.ts';
import { ARCHIVE_SCHEME } from './archive-url.ts';

export interface ArchiveDeps {
  readRange: ReadRange;
  cache?: TileCache;
  isOnline?: () => boolean;
  // the archive was seen to change: the version it was and the one it is now
  onReplaced?(archive: string, from: string, to: string): void;
}

/** A tile read from an archive: its bytes (decompressed) and the headers it is stored with, or no tile at all. */
export interface ArchiveTile {
  bytes: Uint8Array | null;
  // the archive version the tile belongs to
  version: string;
  headers: Record<string, string>;
  tier: Tier;
}

/** What asks for a tile: its class, the key its answer is stored under (coalesces equal asks), the app's headers. */
export interface TileAsk {
  purpose: RequestPurpose;
  key: string;
  app?: AppRequestInit;
}

// A leaf directory is at most this many levels below the root (the spec's limit; the package checks the same).
const MAX_DEPTH = 3;
const TILE_TYPES: Record<number, ArchiveStats['tileType']> = {
  [TileType.Mvt]: 'mvt',
  [TileType.Png]: 'png',
  [TileType.Jpeg]: 'jpeg',
  [TileType.Webp]: 'webp',
  [TileType.Avif]: 'avif',
};

/**
 * One PMTiles archive read through the engine. The `pmtiles` package decodes the header and directories
 * (`SharedPromiseCache`, `findTile`); tile bytes are read here, one range per tile through the scheduler with the
 * tile's own priority, so a tile is scheduled, cancelled and coalesced like a z/x/y tile.
 *
 * Versions never mix: every range answer names the archive version it came from (archive-source.ts), a tile is
 * stored with the version it was read from, and a range that names another version makes the archive start over
 * from its new header (after dropping what this session stored of the old one).
 */
export class Archive {
  readonly counters: ArchiveCounters = { rangeRequests: { header: 0, directory: 0, tile: 0 }, cachedReads: 0 };
  replacedCount = 0;
  problem?: ArchiveStats['problem'];
  private parts!: SharedPromiseCache;
  private source!: ArchiveSource;
  private reader!: PMTiles;
  private known?: Header;
  private app?: AppRequestInit;
  // keys stored for the current version this session (parts and tiles), dropped when it is replaced
  private readonly written = new Set<string>();
  private replacing?: Promise<void>;

  constructor(
    readonly url: string,
    private readonly deps: ArchiveDeps,
  ) {
    this.fresh();
  }

  /** The app's headers for this archive (from a visible ask), kept in memory for the engine's own reads. */
  remember(app: AppRequestInit | undefined): void {
    if (app) this.app = app;
  }

  /** The header, read once per version (from the tiers when stored and fresh). */
  async header(): Promise<Header> {
    try {
      this.known = await this.parts.getHeader(this.source);
      return this.known;
    } catch (error) {
      // The package keeps a failed header read as the answer for good: forget it, so the next ask tries again.
      this.parts.cache.delete(this.source.getKey());
      throw archiveError(this.url, error);
    }
  }

  /** The TileJSON of the archive (its header and metadata), with tiles under `pmtiles://`. */
  async tileJson(): Promise<{ json: unknown; tier: Tier }> {
    try {
      await this.header();
      const json = await this.reader.getTileJson(`${ARCHIVE_SCHEME}${this.url}`);
      return { json, tier: this.source.firstReadTier };
    } catch (error) {
      throw archiveError(this.url, error);
    }
  }

  /** The tile at `coord`, or `bytes: null` where the archive has none. */
  async tile(coord: TileCoord, ask: TileAsk, maxTileBytes: number, signal?: AbortSignal): Promise<ArchiveTile> {
    this.remember(ask.app);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.readTile(coord, ask, maxTileBytes, signal);
      } catch (error) {
        if (!(error instanceof EtagMismatch)) throw archiveError(this.url, error);
        // Replaced while this tile was being read. Once is a new version; twice in one ask, a host whose copies
        // disagree (a CDN in the middle of a purge): say so rather than loop.
        if (attempt > 1) throw EngineError.of('archive-replaced', `${this.url} changed again while a tile was read from its new version`);
        await this.replaced(error instanceof VersionChanged ? error.from : undefined);
      }
    }
  }

  /** Whether a stored tile belongs to the version being served. */
  isCurrent(validator: string | undefined): boolean {
    return this.known !== undefined && validator !== undefined && validator === this.known.etag;
  }

  /** Keys stored this session (the tile cache keys of tiles read from the current version). */
  wrote(key: string): void {
    this.written.add(key);
  }

  stats(): ArchiveStats {
    return {
      version: this.known?.etag ?? '',
      tileType: this.known ? (TILE_TYPES[this.known.tileType] ?? 'unknown') : 'unknown',
      rangeRequests: { ...this.counters.rangeRequests },
      cachedReads: this.counters.cachedReads,
      replaced: this.replacedCount,
      ...(this.problem ? { problem: { ...this.problem } } : {}),
    };
  }

  /**
   * Asks the host for the header again (the stored one went stale): a new version is handled as a replacement.
   * Resolves with whether the version changed.
   */
  async revalidate(): Promise<boolean> {
    const before = this.known?.etag;
    if (before === undefined) return false;
    const key = this.source.firstReadKey;
    this.counters.rangeRequests.header++;
    const read = await this.deps.readRange(this.url, { offset: 0, length: FIRST_READ_BYTES }, { part: 'header', purpose: 'revalidate', key: `${this.url}|header`, app: this.app });
    const now = archiveVersion(read);
    if (now === before) {
      if (key !== undefined) this.deps.cache?.refreshed(key, { ...read.headers, etag: now });
      return false;
    }
    await this.replaced(before);
    return true;
  }

  private async readTile(coord: TileCoord, ask: TileAsk, maxTileBytes: number, signal?: AbortSignal): Promise<ArchiveTile> {
    const header = await this.header();
    const version = header.etag ?? '';
    if (coord.z < header.minZoom || coord.z > header.maxZoom) return { bytes: null, version, headers: {}, tier: this.source.firstReadTier };
    const tileId = zxyToTileId(coord.z, coord.x, coord.y);
    let offset = header.rootDirectoryOffset;
    let length = header.rootDirectoryLength;
    const before = this.counters.rangeRequests.directory;
    for (let depth = 0; depth <= MAX_DEPTH; depth++) {
      const directory = await this.parts.getDirectory(this.source, offset, length, header, signal);
      const entry = findTile(directory, tileId);
      const tier: Tier = this.counters.rangeRequests.directory > before ? 'network' : this.source.firstReadTier;
      if (!entry) return { bytes: null, version, headers: {}, tier };
      if (entry.runLength > 0) return this.readTileBytes(header, header.tileDataOffset + entry.offset, entry.length, coord, ask, maxTileBytes, signal);
      offset = header.leafDirectoryOffset + entry.offset;
      length = entry.length;
    }
    throw invalid(this.url, `directories nest deeper than ${MAX_DEPTH} levels`);
  }

  private async readTileBytes(
    header: Header,
    offset: number,
    length: number,
    coord: TileCoord,
    ask: TileAsk,
    maxTileBytes: number,
    signal?: AbortSignal,
  ): Promise<ArchiveTile> {
    if (length > maxTileBytes) throw EngineError.of('oversized', `${this.url}: tile ${coord.z}/${coord.x}/${coord.y} is ${length} bytes, over ${maxTileBytes}`);
    this.counters.rangeRequests.tile++;
    const read = await this.deps.readRange(this.url, { offset, length }, { part: 'tile', purpose: ask.purpose, coord, key: ask.key, app: ask.app ?? this.app }, signal);
    const version = header.etag ?? '';
    const got = archiveVersion(read);
    if (got !== version) throw new VersionChanged(this.url, version, got);
    if (read.bytes.byteLength < length) throw truncated(this.url, offset + length, read);
    const bytes = await decompress(read.bytes, header.tileCompression, this.url);
    const headers: Record<string, string> = { etag: version };
    for (const name of ['cache-control', 'expires', 'date', 'last-modified']) if (read.headers[name] !== undefined) headers[name] = read.headers[name];
    return { bytes, version, headers, tier: 'network' };
  }

  // A new version: forget the old one's header and directories (memory and tiers) and the tiles stored from it.
  // `from`: the version the read that saw the change was made from. A read that started before a replacement and
  // answered after it was handled names a version already gone: it only asks again (from the new version).
  private replaced(from: string | undefined): Promise<void> {
    if (this.replacing) return this.replacing;
    if (from !== undefined && this.known !== undefined && this.known.etag !== from) return Promise.resolve();
    this.replacing = (async () => {
      const was = this.known?.etag ?? '';
      const { cache } = this.deps;
      const firstKey = this.source.firstReadKey;
      if (firstKey !== undefined) cache?.drop(firstKey);
      for (const key of this.written) cache?.drop(key);
      this.written.clear();
      this.fresh();
      this.replacedCount++;
      const header = await this.header().catch(() => undefined);
      this.deps.onReplaced?.(this.url, was, header?.etag ?? '');
    })().finally(() => {
      this.replacing = undefined;
    });
    return this.replacing;
  }

  /** The cache key of the archive's first read (header and root directory), which carries the host's freshness. */
  get headerKey(): string | undefined {
    return this.source.firstReadKey;
  }

  private fresh(): void {
    this.known = undefined;
    this.parts = new SharedPromiseCache(64);
    this.source = new ArchiveSource(this.url, {
      readRange: this.deps.readRange,
      cache: this.deps.cache,
      isOnline: this.deps.isOnline,
      counters: this.counters,
      wrote: (key) => this.written.add(key),
      app: () => this.app,
    });
    this.reader = new PMTiles(this.source, this.parts);
  }
}

async function decompress(bytes: Uint8Array, compression: Compression, archive: string): Promise<Uint8Array> {
  if (compression === Compression.None || compression === Compression.Unknown) return bytes;
  if (compression !== Compression.Gzip) throw invalid(archive, `tile compression ${Compression[compression]} is not supported (gzip or none)`);
  try {
    const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('gzip'));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch (error) {
    throw invalid(archive, `a tile does not decompress: ${(error as Error).message}`);
  }
}

// Anything the package or a port threw, as the engine's error: its own errors pass, a cancellation stays one, and
// everything else is the archive's fault (wrong magic, garbage directories).
function archiveError(archive: string, error: unknown): unknown {
  if (error instanceof EngineError || error instanceof EtagMismatch) return error;
  if ((error as { name?: string } | null)?.name === 'AbortError') return EngineError.aborted();
  return invalid(archive, (error as Error)?.message ?? String(error));
}
