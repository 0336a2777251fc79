import type { TileCoord } from '../../contract/engine-api.ts';

/**
 * The URL scheme of PMTiles archives, as the PMTiles MapLibre `Protocol` spells it, so styles written for it work
 * unchanged: a source `"url": "pmtiles://https://host/world.pmtiles"` (its TileJSON) and, built from that TileJSON,
 * tiles `pmtiles://https://host/world.pmtiles/{z}/{x}/{y}`.
 */
export const ARCHIVE_SCHEME = 'pmtiles://';

/** A `pmtiles://` URL taken apart: the archive's own http(s) URL and, for a tile, its address. */
export interface ArchiveAddress {
  archive: string;
  coord?: TileCoord;
}

// the tile address the TileJSON template appends: /{z}/{x}/{y} and the tile type's extension (`.mvt`, `.png`)
const TILE_SUFFIX = /\/(\d{1,2})\/(\d+)\/(\d+)(?:\.[a-z]+)?$/;

export function isArchiveUrl(url: string): boolean {
  return url.startsWith(ARCHIVE_SCHEME);
}

/** Undefined for anything that is not `pmtiles://` followed by an absolute http(s) URL. */
export function parseArchiveUrl(url: string): ArchiveAddress | undefined {
  if (!isArchiveUrl(url)) return undefined;
  const inner = url.slice(ARCHIVE_SCHEME.length);
  if (!/^https?:\/\/[^/]/i.test(inner)) return undefined;
  const match = TILE_SUFFIX.exec(inner);
  if (!match) return { archive: inner };
  const [z, x, y] = match.slice(1, 4).map(Number);
  if (x >= 2 ** z || y >= 2 ** z) return undefined;
  return { archive: inner.slice(0, match.index), coord: { z, x, y } };
}

/** The tile URL template a TileJSON for this archive names (`extension` as `tileTypeExt` gives it: `.mvt`). */
export function archiveTileTemplate(archive: string, extension = ''): string {
  return `${ARCHIVE_SCHEME}${archive}/{z}/{x}/{y}${extension}`;
}
