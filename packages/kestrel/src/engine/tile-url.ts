import type { TileCoord, TileRequest } from '../contract/engine-api.ts';
import { ARCHIVE_SCHEME } from './pmtiles/archive-url.ts';

// MapLibre hands the protocol a URL with the template already filled in, so the tile's address is recovered
// from the last z/x/y triple in the path (the shape of every XYZ template: /{z}/{x}/{y}[@2x][.ext]).
const TRIPLE = /\/(\d{1,2})\/(\d+)\/(\d+)(?:@\d(?:\.\d+)?x)?(?:\.[a-z0-9]+)?(?:[?#].*)?$/i;

export function parseTileCoord(url: string): TileCoord | undefined {
  const match = TRIPLE.exec(url);
  if (!match) return undefined;
  const [z, x, y] = match.slice(1, 4).map(Number);
  const size = 2 ** z;
  if (z > 30 || x >= size || y >= size) return undefined;
  return { z, x, y };
}

// The part of a tile URL before its z/x/y: tiles of one source share it, so it names the source in cache keys
// when the style's source id is not known on this path.
export function tileSourceOf(url: string): string {
  // pmtiles://https://host/a.pmtiles/z/x/y: the archive's own URL names the source (a URL parser would read
  // "https" as the host of the pmtiles: URL)
  if (url.startsWith(ARCHIVE_SCHEME)) return `pmtiles:${tileSourceOf(url.slice(ARCHIVE_SCHEME.length))}`;
  try {
    const parsed = new URL(url);
    const path = parsed.pathname.replace(TRIPLE, '');
    return `${parsed.host}${path}`;
  } catch {
    return 'unknown';
  }
}

// Requests from MapLibre carry only a URL: the engine recovers the address and source itself, so visible tiles
// and the prefetcher's (built from the same templates) share cache keys and priorities. Resources (style, TileJSON,
// sprites, glyphs) have no address even when their path happens to end in three numbers (`/v1/2/3.json`): without
// one they rank first in their class, first in first out, and stay out of the spatial index and coverage.
export function withTileAddress(req: TileRequest): TileRequest {
  if (req.kind === 'resource') return req.source ? req : { ...req, source: tileSourceOf(req.url) };
  if (req.coord && req.source) return req;
  return { ...req, coord: req.coord ?? parseTileCoord(req.url), source: req.source ?? tileSourceOf(req.url) };
}
