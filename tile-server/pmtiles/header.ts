// The PMTiles v3 header (spec §3): 127 bytes at the start of the archive, little-endian throughout.
//
//   0   magic "PMTiles"            7   version (3)
//   8   root directory offset      16  root directory length
//   24  metadata offset            32  metadata length
//   40  leaf directories offset    48  leaf directories length
//   56  tile data offset           64  tile data length
//   72  addressed tiles            80  tile entries              88  tile contents     (all u64)
//   96  clustered  97 internal compression  98 tile compression  99 tile type  100 min zoom  101 max zoom (u8)
//   102 min lon, min lat   110 max lon, max lat   118 center zoom (u8)   119 center lon, center lat
//   (positions: i32, degrees × 10,000,000)

export const HEADER_BYTES = 127;
export const MAGIC = 'PMTiles';
export const SPEC_VERSION = 3;
// A latency-optimised reader fetches the first 16 KiB and expects header + root directory inside it (spec §2, §4).
export const FIRST_FETCH_BYTES = 16_384;
export const MAX_ROOT_DIRECTORY_BYTES = FIRST_FETCH_BYTES - HEADER_BYTES;

// Spec §3.3.
export const Compression = { unknown: 0, none: 1, gzip: 2, brotli: 3, zstd: 4 } as const;
export type CompressionCode = (typeof Compression)[keyof typeof Compression];

// Spec §3.2, Tile Type.
export const TileType = { unknown: 0, mvt: 1, png: 2, jpeg: 3, webp: 4, avif: 5, mlt: 6 } as const;
export type TileTypeCode = (typeof TileType)[keyof typeof TileType];

export interface PmtilesHeader {
  rootDirectoryOffset: number;
  rootDirectoryLength: number;
  metadataOffset: number;
  metadataLength: number;
  leafDirectoriesOffset: number;
  leafDirectoriesLength: number;
  tileDataOffset: number;
  tileDataLength: number;
  // Tiles before run-length encoding (sum of run lengths).
  addressedTiles: number;
  // Directory entries with run length > 0.
  tileEntries: number;
  // Distinct blobs in the tile data section.
  tileContents: number;
  clustered: boolean;
  internalCompression: CompressionCode;
  tileCompression: CompressionCode;
  tileType: TileTypeCode;
  minZoom: number;
  maxZoom: number;
  // [west, south, east, north] in degrees.
  bounds: [number, number, number, number];
  centerZoom: number;
  // [lon, lat] in degrees.
  center: [number, number];
}

function u64(view: DataView, at: number, value: number, field: string): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`header ${field} must be a non-negative safe integer, got ${value}`);
  view.setBigUint64(at, BigInt(value), true);
}

function u8(view: DataView, at: number, value: number, field: string): void {
  if (!Number.isInteger(value) || value < 0 || value > 255) throw new RangeError(`header ${field} must be an integer 0–255, got ${value}`);
  view.setUint8(at, value);
}

// Degrees → i32 of degrees × 10^7 (spec §3.4). ±180° × 10^7 fits in an i32 (max ≈ ±214.7°).
function position(view: DataView, at: number, lon: number, lat: number, field: string): void {
  if (!(Math.abs(lon) <= 180) || !(Math.abs(lat) <= 90)) throw new RangeError(`header ${field} must be a lon/lat in degrees, got ${lon}, ${lat}`);
  view.setInt32(at, Math.round(lon * 1e7), true);
  view.setInt32(at + 4, Math.round(lat * 1e7), true);
}

export function serialiseHeader(h: PmtilesHeader): Uint8Array {
  const bytes = new Uint8Array(HEADER_BYTES);
  const view = new DataView(bytes.buffer);
  bytes.set(new TextEncoder().encode(MAGIC), 0);
  view.setUint8(7, SPEC_VERSION);
  u64(view, 8, h.rootDirectoryOffset, 'rootDirectoryOffset');
  u64(view, 16, h.rootDirectoryLength, 'rootDirectoryLength');
  u64(view, 24, h.metadataOffset, 'metadataOffset');
  u64(view, 32, h.metadataLength, 'metadataLength');
  u64(view, 40, h.leafDirectoriesOffset, 'leafDirectoriesOffset');
  u64(view, 48, h.leafDirectoriesLength, 'leafDirectoriesLength');
  u64(view, 56, h.tileDataOffset, 'tileDataOffset');
  u64(view, 64, h.tileDataLength, 'tileDataLength');
  u64(view, 72, h.addressedTiles, 'addressedTiles');
  u64(view, 80, h.tileEntries, 'tileEntries');
  u64(view, 88, h.tileContents, 'tileContents');
  view.setUint8(96, h.clustered ? 1 : 0);
  u8(view, 97, h.internalCompression, 'internalCompression');
  u8(view, 98, h.tileCompression, 'tileCompression');
  u8(view, 99, h.tileType, 'tileType');
  u8(view, 100, h.minZoom, 'minZoom');
  u8(view, 101, h.maxZoom, 'maxZoom');
  if (h.minZoom > h.maxZoom) throw new RangeError(`header minZoom (${h.minZoom}) is above maxZoom (${h.maxZoom})`);
  const [west, south, east, north] = h.bounds;
  position(view, 102, west, south, 'min position');
  position(view, 110, east, north, 'max position');
  u8(view, 118, h.centerZoom, 'centerZoom');
  position(view, 119, h.center[0], h.center[1], 'center position');
  return bytes;
}
