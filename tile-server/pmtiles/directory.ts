// A PMTiles v3 directory (spec §4.2, appendix A.1), uncompressed: a varint entry count, then each column in
// turn, every value an unsigned LEB128 varint (protobuf style):
//
//   tile IDs     delta from the previous entry's ID (the first from 0)
//   run lengths  as is (0 = the entry points at a leaf directory)
//   lengths      as is (> 0)
//   offsets      0 when the entry starts where the previous one ended (offset = previous offset + previous
//                length, never for the first entry), else offset + 1
//
// Tile entries' offsets are relative to the tile data section, leaf entries' to the leaf directories section.

export interface DirectoryEntry {
  tileId: number;
  offset: number;
  length: number;
  runLength: number;
}

// Grows as needed; varints of safe integers take at most 8 bytes (2^53 < 2^56).
export class ByteWriter {
  private buf = new Uint8Array(256);
  private pos = 0;

  private reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const bigger = new Uint8Array(Math.max(this.buf.length * 2, this.pos + n));
    bigger.set(this.buf.subarray(0, this.pos));
    this.buf = bigger;
  }

  varint(value: number): void {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`varint must be a non-negative safe integer, got ${value}`);
    this.reserve(8);
    // Division, not >>>, so values past 2^32 (offsets in a large archive) stay exact.
    while (value >= 0x80) {
      this.buf[this.pos++] = (value % 0x80) | 0x80;
      value = Math.floor(value / 0x80);
    }
    this.buf[this.pos++] = value;
  }

  bytes(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }
}

export function encodeVarint(value: number): Uint8Array {
  const w = new ByteWriter();
  w.varint(value);
  return w.bytes();
}

export class DirectoryError extends Error {
  override name = 'DirectoryError';
}

// Checks what a reader relies on: at least one entry, IDs strictly ascending, lengths > 0, and no tile run
// reaching into the next entry's IDs (a reader's binary search would find the wrong entry).
export function checkDirectory(entries: readonly DirectoryEntry[]): void {
  if (entries.length === 0) throw new DirectoryError('a directory needs at least one entry');
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i];
    for (const key of ['tileId', 'offset', 'length', 'runLength'] as const) {
      if (!Number.isSafeInteger(e[key]) || e[key] < 0) throw new DirectoryError(`entry ${i}: ${key} must be a non-negative safe integer, got ${e[key]}`);
    }
    if (e.length === 0) throw new DirectoryError(`entry ${i} (tile ID ${e.tileId}) has length 0`);
    if (i > 0) {
      const prev = entries[i - 1];
      if (e.tileId <= prev.tileId) throw new DirectoryError(`entry ${i}: tile ID ${e.tileId} does not follow ${prev.tileId}`);
      if (prev.runLength > 0 && prev.tileId + prev.runLength > e.tileId) {
        throw new DirectoryError(`entry ${i - 1}: run of ${prev.runLength} from tile ID ${prev.tileId} overlaps tile ID ${e.tileId}`);
      }
    }
  }
}

export function serialiseDirectory(entries: readonly DirectoryEntry[]): Uint8Array {
  checkDirectory(entries);
  const w = new ByteWriter();
  w.varint(entries.length);
  let lastId = 0;
  for (const e of entries) {
    w.varint(e.tileId - lastId);
    lastId = e.tileId;
  }
  for (const e of entries) w.varint(e.runLength);
  for (const e of entries) w.varint(e.length);
  let nextByte = 0;
  entries.forEach((e, i) => {
    w.varint(i > 0 && e.offset === nextByte ? 0 : e.offset + 1);
    nextByte = e.offset + e.length;
  });
  return w.bytes();
}
