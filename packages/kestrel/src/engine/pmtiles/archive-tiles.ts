import type { ArchiveStats, FailureReason, TileRequest, Tier } from '../../contract/engine-api.ts';
import { parseCacheKey } from '../cache-key.ts';
import { EngineError } from '../engine-error.ts';
import type { AppRequestInit, CachedTile, TileCache } from '../ports.ts';
import { checkTileBytes } from '../tile-bytes-check.ts';
import { Archive } from './archive.ts';
import type { ReadRange } from './archive-source.ts';
import { type ArchiveAddress, parseArchiveUrl } from './archive-url.ts';

// Failures that are the archive's or its host's configuration, worth telling the user about by name.
const ARCHIVE_PROBLEMS: ReadonlySet<FailureReason> = new Set(['archive-invalid', 'archive-replaced', 'range-ignored', 'range-refused', 'http-4xx', 'cors', 'garbage', 'oversized']);

export interface ArchiveTilesDeps {
  readRange: ReadRange;
  cache?: TileCache;
  isOnline?: () => boolean;
  now(): number;
  // the engine's bound on one tile's bytes (EngineOptions.maxTileBytes)
  maxTileBytes(): number;
  // the archive changed on its host (a new ETag): the adapter reloads the map's sources of it
  onReplaced?(archive: string, from: string, to: string): void;
}

/** An archive's answer to one ask: the bytes (null: no tile here), where they came from, and the cache entry's flags. */
export interface ArchiveAnswer {
  bytes: Uint8Array | null;
  tier: Tier;
  stale: boolean;
  prefetched?: boolean;
  cacheControl?: string;
  expires?: string;
}

// How often, at most, an archive whose stored header went stale is asked for it again.
const REVALIDATE_EVERY_MS = 30_000;

/**
 * `pmtiles://` asks, as the engine pipeline hands them over: the archive's TileJSON, or one tile. Tiles are stored
 * per z/x/y under the same cache keys a z/x/y source's would have (source + address + URL), so prefetch, offline
 * areas, invalidation and coverage work for archives unchanged; each stored tile names the archive version it was
 * read from, and is served only while that version is the archive's.
 */
export class ArchiveTiles {
  private readonly archives = new Map<string, Archive>();
  private readonly checkedAt = new Map<string, number>();

  constructor(private readonly deps: ArchiveTilesDeps) {}

  /**
   * Answers a `pmtiles://` request (already given its tile address and source). `onLookup` hears the cache
   * verdict for a tile before any network read (the prefetch ledger counts it).
   */
  async read(req: TileRequest, app: AppRequestInit | undefined, signal: AbortSignal, onLookup?: (key: string, cached: CachedTile | undefined) => void): Promise<ArchiveAnswer> {
    const address = parseArchiveUrl(req.url);
    if (!address) throw EngineError.of('archive-invalid', `${req.url} is not a pmtiles:// URL of an http(s) archive`);
    const archive = this.archiveFor(address.archive);
    archive.remember(app);
    try {
      const answer = await this.answer(req, address, archive, app, signal, onLookup);
      if (address.coord && answer.bytes) archive.problem = undefined;
      return answer;
    } catch (error) {
      // the archive's or its host's fault is kept for the page's notice; a cancellation or an outage is not
      if (error instanceof EngineError && ARCHIVE_PROBLEMS.has(error.reason)) archive.problem = { reason: error.reason, message: error.message };
      throw error;
    }
  }

  private async answer(
    req: TileRequest,
    address: ArchiveAddress,
    archive: Archive,
    app: AppRequestInit | undefined,
    signal: AbortSignal,
    onLookup?: (key: string, cached: CachedTile | undefined) => void,
  ): Promise<ArchiveAnswer> {
    if (!address.coord) {
      const { json, tier } = await archive.tileJson();
      return { bytes: new TextEncoder().encode(JSON.stringify(json)), tier, stale: false };
    }
    const coord = address.coord;
    await archive.header();
    this.revalidateIfStale(archive);
    const { cache } = this.deps;
    const purpose = req.purpose ?? 'visible';
    const key = cache?.keyFor(req) ?? req.url;
    let cached = cache ? await cache.get(key, { purpose, url: req.url }).catch(() => undefined) : undefined;
    if (signal.aborted) throw signal.reason;
    if (cached && (!archive.isCurrent(cached.validator) || (cached.bytes && checkTileBytes(cached.bytes, req.kind)))) {
      // stored from another version of the archive (or damaged): never served, dropped
      cache?.drop(key);
      cached = undefined;
    }
    onLookup?.(key, cached);
    if (cached) {
      const answer: ArchiveAnswer = { bytes: cached.bytes, tier: cached.tier, stale: false };
      if (cached.prefetched) answer.prefetched = true;
      return answer;
    }
    const tile = await archive.tile(coord, { purpose, key, app }, this.deps.maxTileBytes(), signal);
    if (tile.bytes) {
      const problem = checkTileBytes(tile.bytes, req.kind);
      if (problem) throw EngineError.of(problem.reason, `${address.archive} ${coord.z}/${coord.x}/${coord.y}: ${problem.message}`);
      cache?.put(key, { url: req.url, status: 200, headers: tile.headers, bytes: tile.bytes, purpose });
      archive.wrote(key);
    }
    const answer: ArchiveAnswer = { bytes: tile.bytes, tier: tile.tier, stale: false };
    if (tile.headers['cache-control'] !== undefined) answer.cacheControl = tile.headers['cache-control'];
    if (tile.headers.expires !== undefined) answer.expires = tile.headers.expires;
    return answer;
  }

  /** Every archive read so far, by URL (credential-free: the cache's persisted form). */
  stats(): Record<string, ArchiveStats> {
    const out: Record<string, ArchiveStats> = {};
    for (const [url, archive] of this.archives) out[(this.deps.cache && parseCacheKey(this.deps.cache.keyFor({ url }))?.url) ?? url] = archive.stats();
    return out;
  }

  private archiveFor(url: string): Archive {
    let archive = this.archives.get(url);
    if (!archive) {
      archive = new Archive(url, { readRange: this.deps.readRange, cache: this.deps.cache, isOnline: this.deps.isOnline, onReplaced: this.deps.onReplaced });
      this.archives.set(url, archive);
    }
    return archive;
  }

  // The stored header carries the host's freshness: once it is stale, ask the host (in the background, at most
  // every REVALIDATE_EVERY_MS) whether the archive is still the same version. Offline, nothing is asked.
  private revalidateIfStale(archive: Archive): void {
    const now = this.deps.now();
    if (now - (this.checkedAt.get(archive.url) ?? Number.NEGATIVE_INFINITY) < REVALIDATE_EVERY_MS) return;
    const key = archive.headerKey;
    if (this.deps.isOnline?.() === false || !this.deps.cache || key === undefined) return;
    this.checkedAt.set(archive.url, now);
    void this.deps.cache
      .get(key, { purpose: 'revalidate', url: archive.url })
      .then((stored) => (stored && stored.freshness !== 'fresh' ? archive.revalidate() : false))
      .catch(() => undefined);
  }
}
