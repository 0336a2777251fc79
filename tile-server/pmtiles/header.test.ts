import { bytesToHeader, Compression as ReaderCompression, TileType as ReaderTileType } from 'pmtiles';
import { describe, expect, test } from 'vitest';
import { Compression, HEADER_BYTES, MAX_ROOT_DIRECTORY_BYTES, serialiseHeader, TileType, type PmtilesHeader } from './header.ts';

const header: PmtilesHeader = {
  rootDirectoryOffset: 127,
  rootDirectoryLength: 250,
  metadataOffset: 377,
  metadataLength: 400,
  leafDirectoriesOffset: 777,
  leafDirectoriesLength: 0,
  tileDataOffset: 777,
  // Past 2^32, so both halves of the u64 are exercised.
  tileDataLength: 2 ** 32 + 12_345,
  addressedTiles: 290,
  tileEntries: 279,
  tileContents: 261,
  clustered: true,
  internalCompression: Compression.gzip,
  tileCompression: Compression.gzip,
  tileType: TileType.mvt,
  minZoom: 0,
  maxZoom: 4,
  bounds: [-125.5, -56.25, 153.123_456_7, 85.051_128_7],
  centerZoom: 2,
  center: [-96, 38.5],
};

describe('PMTiles v3 header (spec §3)', () => {
  const bytes = serialiseHeader(header);

  test('is 127 bytes: magic "PMTiles", version 3', () => {
    expect(bytes.length).toBe(HEADER_BYTES);
    expect(new TextDecoder().decode(bytes.subarray(0, 7))).toBe('PMTiles');
    expect([...bytes.subarray(0, 8)]).toEqual([0x50, 0x4d, 0x54, 0x69, 0x6c, 0x65, 0x73, 0x03]);
    expect(MAX_ROOT_DIRECTORY_BYTES).toBe(16_257);
  });

  test('the pmtiles reader reads back every field', () => {
    const read = bytesToHeader(bytes.slice().buffer);
    expect(read).toMatchObject({
      specVersion: 3,
      rootDirectoryOffset: 127,
      rootDirectoryLength: 250,
      jsonMetadataOffset: 377,
      jsonMetadataLength: 400,
      leafDirectoryOffset: 777,
      leafDirectoryLength: 0,
      tileDataOffset: 777,
      tileDataLength: 2 ** 32 + 12_345,
      numAddressedTiles: 290,
      numTileEntries: 279,
      numTileContents: 261,
      clustered: true,
      internalCompression: ReaderCompression.Gzip,
      tileCompression: ReaderCompression.Gzip,
      tileType: ReaderTileType.Mvt,
      minZoom: 0,
      maxZoom: 4,
      centerZoom: 2,
      minLon: -125.5,
      minLat: -56.25,
      maxLon: 153.123_456_7,
      maxLat: 85.051_128_7,
      centerLon: -96,
      centerLat: 38.5,
    });
  });

  test('positions are degrees × 10^7 as little-endian i32, longitude first', () => {
    const view = new DataView(bytes.buffer);
    expect(view.getInt32(102, true)).toBe(-1_255_000_000);
    expect(view.getInt32(106, true)).toBe(-562_500_000);
    expect(view.getInt32(119, true)).toBe(-960_000_000);
    expect(view.getInt32(123, true)).toBe(385_000_000);
  });

  test('enum values are the spec’s (and the reader’s)', () => {
    expect(Compression).toEqual({ unknown: 0, none: 1, gzip: 2, brotli: 3, zstd: 4 });
    expect(Compression.gzip).toBe(ReaderCompression.Gzip);
    expect(TileType.mvt).toBe(ReaderTileType.Mvt);
    expect(bytesToHeader(serialiseHeader({ ...header, clustered: false }).slice().buffer).clustered).toBe(false);
  });

  test('refuses values the fields cannot hold', () => {
    expect(() => serialiseHeader({ ...header, minZoom: 5, maxZoom: 4 })).toThrow(RangeError);
    expect(() => serialiseHeader({ ...header, maxZoom: 256 })).toThrow(RangeError);
    expect(() => serialiseHeader({ ...header, metadataLength: -1 })).toThrow(RangeError);
    expect(() => serialiseHeader({ ...header, bounds: [-181, 0, 0, 1] })).toThrow(RangeError);
    expect(() => serialiseHeader({ ...header, center: [0, Number.NaN] })).toThrow(RangeError);
  });
});
