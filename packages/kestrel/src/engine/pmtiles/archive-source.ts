import { EtagMismatch, type RangeResponse, type Source } from 'pmtiles';
import type { RequestPurpose, Tier, TileCoord } from '../../contract/engine-api.ts';
import { EngineError, isAborted } from '../engine-error.ts';
import type { AppRequestInit, ByteRange, TileCache } from '../ports.ts';

/** What a byte range of an archive is read for: its header (with the root directory), a directory or metadata, or a tile. */
export type ArchivePart = 'header' | 'directory' | 'tile';

/** Who asks for a range: the scheduler's class and priority for it, and the key that coalesces equal asks. */
export interface RangeAsk {
  part: ArchivePart;
  purpose: RequestPurpose;
  coord?: TileCoord;
  key: string;
  app?: AppRequestInit;
}

export interface RangeRead {
  bytes: Uint8Array;
  headers: Record<string, string>;
  // the archive's size, when the host said (Content-Range)
  totalBytes?: number;
}

/** One byte range of `archive` through the engine's scheduler: its bounds, priorities, retries, breaker. */
export type ReadRange = (archive: string, range: ByteRange, ask: RangeAsk, signal?: AbortSignal) => Promise<RangeRead>;

/** How one archive has been read: the overlay's and the contract's `stats().archives`. */
export interface ArchiveCounters {
  rangeRequests: Record<ArchivePart, number>;
  cachedReads: number;
}

export interface ArchiveSourceDeps {
  readRange: ReadRange;
  cache?: TileCache;
  isOnline?: () => boolean;
  counters: ArchiveCounters;
  // every key this source wrote, so a replaced version's parts can be dropped
  wrote(key: string): void;
  // the app's headers and credentials for this archive (its transformRequest), sent, never stored
  app(): AppRequestInit | undefined;
}

// The spec's first read: the 127-byte header and the root directory, which a v3 writer keeps within 16 KiB.
export const FIRST_READ_BYTES = 16_384;
const HEADER_BYTES = 127;
const MAGIC = 'PMTiles';
const SPEC_VERSION = 3;
// No directory or metadata of a sane archive comes near this; a corrupt header could name gigabytes.
const MAX_PART_BYTES = 32 * 1024 * 1024;
// A part is named by the archive version it was read from, so it never changes: stored as immutable.
const IMMUTABLE = 'max-age=31536000, immutable';

/**
 * The `pmtiles` package's `Source` (it decodes headers and directories; we do not re-implement them), reading
 * through Kestrel's tiers and scheduler instead of `fetch`:
 * - the first 16 KiB (header and root directory) is stored under the archive's URL with the host's own freshness
 *   headers: fresh, it is read from the tiers with no request; offline, a stale copy still serves;
 * - every other part (leaf directories, metadata) is stored under the archive version (its ETag) and the range,
 *   so it never goes stale and one version's parts never answer for another's;
 * - a range whose answer names another version throws the package's `EtagMismatch`: the archive was replaced.
 */
export class ArchiveSource implements Source {
  // tier the first read came from (a TileJSON answer reports it)
  firstReadTier: Tier = 'network';

  constructor(
    readonly archive: string,
    private readonly deps: ArchiveSourceDeps,
  ) {}

  getKey(): string {
    return this.archive;
  }

  async getBytes(offset: number, length: number, signal?: AbortSignal, etag?: string): Promise<RangeResponse> {
    if (offset === 0) return this.first(signal);
    if (length > MAX_PART_BYTES || length < 0) throw invalid(this.archive, `a directory of ${length} bytes (over ${MAX_PART_BYTES})`);
    const version = etag ?? '';
    const { cache, counters } = this.deps;
    const key = cache?.keyFor({ url: this.archive, source: `pmtiles-part:${version}:${offset}+${length}` });
    const cached = key === undefined ? undefined : await cache?.get(key, { url: this.archive }).catch(() => undefined);
    if (cached?.bytes && cached.bytes.byteLength === length) {
      counters.cachedReads++;
      return { data: ownBuffer(cached.bytes), etag: version || undefined };
    }
    const ask: RangeAsk = { part: 'directory', purpose: 'visible', key: `${this.archive}|${version}|${offset}+${length}`, app: this.deps.app() };
    counters.rangeRequests.directory++;
    const read = await this.deps.readRange(this.archive, { offset, length }, ask, signal);
    const got = archiveVersion(read);
    if (version && got !== version) throw new VersionChanged(this.archive, version, got);
    if (read.bytes.byteLength < length) throw truncated(this.archive, offset + length, read);
    if (key !== undefined) {
      cache?.put(key, { url: this.archive, status: 200, headers: { 'cache-control': IMMUTABLE, etag: version }, bytes: read.bytes });
      this.deps.wrote(key);
    }
    return { data: ownBuffer(read.bytes), etag: got };
  }

  /** The key of the stored first read (header and root directory). */
  get firstReadKey(): string | undefined {
    return this.deps.cache?.keyFor({ url: this.archive, source: 'pmtiles-header' });
  }

  // Header and root directory. Stale-if-error: the host unreachable (or the device offline), the stored copy of a
  // version still serves, with its stored tiles.
  private async first(signal?: AbortSignal): Promise<RangeResponse> {
    const { cache, counters } = this.deps;
    const key = this.firstReadKey;
    const cached = key === undefined ? undefined : await cache?.get(key, { url: this.archive }).catch(() => undefined);
    const usable = cached?.bytes && checkFirstRead(cached.bytes) === undefined ? cached : undefined;
    if (usable?.bytes && (usable.freshness === 'fresh' || this.deps.isOnline?.() === false)) {
      counters.cachedReads++;
      this.firstReadTier = usable.tier;
      return { data: ownBuffer(usable.bytes), etag: usable.validator };
    }
    let read: RangeRead;
    try {
      counters.rangeRequests.header++;
      read = await this.deps.readRange(this.archive, { offset: 0, length: FIRST_READ_BYTES }, { part: 'header', purpose: 'visible', key: `${this.archive}|header`, app: this.deps.app() }, signal);
    } catch (error) {
      if (usable?.bytes && !isAborted(error)) {
        counters.cachedReads++;
        this.firstReadTier = usable.tier;
        return { data: ownBuffer(usable.bytes), etag: usable.validator };
      }
      throw error;
    }
    const problem = checkFirstRead(read.bytes);
    if (problem) throw invalid(this.archive, problem);
    const version = archiveVersion(read);
    if (key !== undefined) {
      // The host's own freshness decides when the header is asked for again; its version is what tiles are checked against.
      cache?.put(key, { url: this.archive, status: 200, headers: { ...withoutRangeHeaders(read.headers), etag: version }, bytes: read.bytes });
    }
    this.firstReadTier = 'network';
    return { data: ownBuffer(read.bytes), etag: version };
  }
}

/** A range answered from another version of the archive than the one it was asked for (a new upload). */
export class VersionChanged extends EtagMismatch {
  constructor(
    archive: string,
    readonly from: string,
    readonly to: string,
  ) {
    super(`${archive} changed from ${from} to ${to}`);
  }
}

/**
 * The version of an archive an answer came from: its ETag (weak or strong alike: the host's, as it sent it), else
 * its Last-Modified and size, else its size. Cross-origin the host must expose ETag for this to see a replacement
 * (docs/DEPLOY.md).
 */
export function archiveVersion(read: Pick<RangeRead, 'headers' | 'totalBytes'>): string {
  const etag = read.headers.etag?.trim().replace(/^W\//, '');
  if (etag) return etag;
  const size = read.totalBytes === undefined ? 'size unknown' : `${read.totalBytes} bytes`;
  const modified = read.headers['last-modified'];
  return modified ? `${modified}; ${size}` : size;
}

// Undefined when the bytes start a PMTiles v3 archive; why not, otherwise.
export function checkFirstRead(bytes: Uint8Array): string | undefined {
  if (bytes.byteLength < HEADER_BYTES) return `only ${bytes.byteLength} bytes, shorter than a PMTiles header (${HEADER_BYTES})`;
  const magic = String.fromCharCode(...bytes.subarray(0, MAGIC.length));
  if (magic !== MAGIC) return 'not a PMTiles archive (wrong magic number)';
  const version = bytes[MAGIC.length];
  if (version !== SPEC_VERSION) return `PMTiles spec version ${version}; Kestrel reads version ${SPEC_VERSION}`;
  return undefined;
}

export function invalid(archive: string, problem: string): EngineError {
  return EngineError.of('archive-invalid', `${archive}: ${problem}`);
}

export function truncated(archive: string, end: number, read: RangeRead): EngineError {
  const size = read.totalBytes === undefined ? 'earlier' : `at ${read.totalBytes} bytes`;
  return invalid(archive, `its directories point to byte ${end}, but the file ends ${size} (truncated upload?)`);
}

// Content-Range and the like describe one answer, not the stored part.
function withoutRangeHeaders(headers: Record<string, string>): Record<string, string> {
  const { 'content-range': _range, 'content-length': _length, ...rest } = headers;
  return rest;
}

function ownBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.slice().buffer;
}
