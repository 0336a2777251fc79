import { findTile, readVarint } from 'pmtiles';
import { describe, expect, test } from 'vitest';
import { checkDirectory, DirectoryError, encodeVarint, serialiseDirectory, type DirectoryEntry } from './directory.ts';
import { decodeDirectory } from './read-back.ts';

const varintBytes = (n: number) => [...encodeVarint(n)];

describe('varints (unsigned LEB128, as protobuf)', () => {
  test('encode small and multi-byte values as the protobuf docs show', () => {
    expect(varintBytes(0)).toEqual([0x00]);
    expect(varintBytes(1)).toEqual([0x01]);
    expect(varintBytes(127)).toEqual([0x7f]);
    expect(varintBytes(128)).toEqual([0x80, 0x01]);
    expect(varintBytes(150)).toEqual([0x96, 0x01]);
    expect(varintBytes(300)).toEqual([0xac, 0x02]);
  });

  test('the pmtiles reader decodes them back, past 2^32 too', () => {
    for (const n of [0, 1, 127, 128, 16_383, 16_384, 2 ** 31, 2 ** 32 + 5, 2 ** 40 + 3, Number.MAX_SAFE_INTEGER]) {
      const p = { buf: encodeVarint(n), pos: 0 };
      expect(readVarint(p)).toBe(n);
      expect(p.pos).toBe(p.buf.length);
    }
  });

  test('refuse what is not a non-negative safe integer', () => {
    expect(() => encodeVarint(-1)).toThrow(RangeError);
    expect(() => encodeVarint(1.5)).toThrow(RangeError);
    expect(() => encodeVarint(2 ** 53)).toThrow(RangeError);
  });
});

describe('directory serialisation (spec §4.2)', () => {
  test('is count, then delta tile IDs, run lengths, lengths and offsets, column by column', () => {
    // The spec's delta example (5, 42, 69 → 5, 37, 27); the second tile follows the first, the third does not.
    const entries: DirectoryEntry[] = [
      { tileId: 5, offset: 0, length: 10, runLength: 1 },
      { tileId: 42, offset: 10, length: 20, runLength: 3 },
      { tileId: 69, offset: 100, length: 7, runLength: 1 },
    ];
    expect([...serialiseDirectory(entries)]).toEqual([3, 5, 37, 27, 1, 3, 1, 10, 20, 7, 1, 0, 101]);
  });

  test('the first offset is always offset + 1 (0 would mean "after the previous entry")', () => {
    expect([...serialiseDirectory([{ tileId: 0, offset: 0, length: 4, runLength: 1 }])]).toEqual([1, 0, 1, 4, 1]);
  });

  test('an offset that points back at an earlier blob (a repeated tile) is written as offset + 1', () => {
    const entries: DirectoryEntry[] = [
      { tileId: 1, offset: 0, length: 50, runLength: 1 },
      { tileId: 2, offset: 50, length: 30, runLength: 1 },
      { tileId: 3, offset: 0, length: 50, runLength: 1 },
      { tileId: 4, offset: 80, length: 9, runLength: 1 },
    ];
    const bytes = serialiseDirectory(entries);
    expect([...bytes.slice(-4)]).toEqual([1, 0, 1, 81]);
    expect(decodeDirectory(bytes)).toEqual(entries);
  });

  test('round-trips through the spec’s decoder (A.2 on the package’s readVarint), and findTile resolves runs', () => {
    const entries: DirectoryEntry[] = [];
    let offset = 0;
    for (let i = 0; i < 500; i++) {
      const tileId = 85 + i * 7;
      const length = 1 + ((i * 37) % 900);
      // Every fifth entry reuses the first blob; every third is a run of 4.
      const reuse = i > 0 && i % 5 === 0;
      entries.push({ tileId, offset: reuse ? 0 : offset, length: reuse ? entries[0].length : length, runLength: i % 3 === 0 ? 4 : 1 });
      if (!reuse) offset += length;
    }
    const decoded = decodeDirectory(serialiseDirectory(entries));
    expect(decoded).toEqual(entries);
    expect(findTile(decoded, 85 + 3 * 7 + 3)).toEqual(entries[3]);
    expect(findTile(decoded, 85 + 3 * 7 + 4)).toBeNull();
    expect(findTile(decoded, 85 + 4 * 7 + 1)).toBeNull();
  });

  test('leaf entries (run length 0) keep their offsets into the leaf section', () => {
    const leaves: DirectoryEntry[] = [
      { tileId: 0, offset: 0, length: 700, runLength: 0 },
      { tileId: 4000, offset: 700, length: 650, runLength: 0 },
    ];
    const decoded = decodeDirectory(serialiseDirectory(leaves));
    expect(decoded).toEqual(leaves);
    // The reader descends into the leaf whose range holds the ID.
    expect(findTile(decoded, 3999)).toEqual(leaves[0]);
    expect(findTile(decoded, 9999)).toEqual(leaves[1]);
  });

  test('refuses directories a reader would misread', () => {
    expect(() => serialiseDirectory([])).toThrow(DirectoryError);
    expect(() => checkDirectory([{ tileId: 1, offset: 0, length: 0, runLength: 1 }])).toThrow(/length 0/);
    expect(() =>
      checkDirectory([
        { tileId: 2, offset: 0, length: 1, runLength: 1 },
        { tileId: 2, offset: 1, length: 1, runLength: 1 },
      ]),
    ).toThrow(/does not follow/);
    expect(() =>
      checkDirectory([
        { tileId: 2, offset: 0, length: 1, runLength: 3 },
        { tileId: 4, offset: 1, length: 1, runLength: 1 },
      ]),
    ).toThrow(/overlaps/);
    expect(() => checkDirectory([{ tileId: -1, offset: 0, length: 1, runLength: 1 }])).toThrow(DirectoryError);
  });
});
