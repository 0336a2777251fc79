import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { mulberry32 } from '../prng.ts';
import { DirectoryError, type DirectoryEntry } from './directory.ts';
import { decodeDirectory } from './read-back.ts';
import { layoutDirectories } from './root-and-leaves.ts';

const gzip = (b: Uint8Array) => gzipSync(b);
const gunzip = (b: Uint8Array) => gunzipSync(b);

// n contiguous tile entries with seeded random gaps, run lengths and lengths, so they compress about as
// badly as a real tileset's (gzip would shrink a regular pattern to almost nothing).
function tileEntries(n: number): DirectoryEntry[] {
  const random = mulberry32(7);
  const out: DirectoryEntry[] = [];
  let tileId = 0;
  let offset = 0;
  for (let i = 0; i < n; i++) {
    const runLength = random() < 0.1 ? 2 + Math.floor(random() * 5) : 1;
    const length = 50 + Math.floor(random() * 60_000);
    out.push({ tileId, offset, length, runLength });
    tileId += runLength + Math.floor(random() * 3);
    offset += length;
  }
  return out;
}

describe('root directory and leaf directories (spec §4)', () => {
  test('a directory that fits compressed in the limit is the root alone', () => {
    const entries = tileEntries(100);
    const layout = layoutDirectories(entries, { compress: gzip });
    expect(layout.leafCount).toBe(0);
    expect(layout.leaves.length).toBe(0);
    expect(decodeDirectory(gunzip(layout.root))).toEqual(entries);
  });

  test('one that does not is split into leaves of consecutive entries; the root points at each leaf', () => {
    const entries = tileEntries(100);
    const layout = layoutDirectories(entries, { compress: gzip, maxRootBytes: 120, leafEntries: 10 });
    expect(layout.root.length).toBeLessThanOrEqual(120);
    expect(layout.leafCount).toBe(10);
    const root = decodeDirectory(gunzip(layout.root));
    expect(root).toHaveLength(10);
    const again: DirectoryEntry[] = [];
    let next = 0;
    root.forEach((leafEntry, i) => {
      expect(leafEntry.runLength).toBe(0);
      // Leaves are laid end to end in tile-ID order, offsets relative to the leaf section.
      expect(leafEntry.offset).toBe(next);
      next += leafEntry.length;
      const leaf = decodeDirectory(gunzip(layout.leaves.subarray(leafEntry.offset, leafEntry.offset + leafEntry.length)));
      expect(leaf).toEqual(entries.slice(i * 10, i * 10 + 10));
      expect(leafEntry.tileId).toBe(leaf[0].tileId);
      again.push(...leaf);
    });
    expect(next).toBe(layout.leaves.length);
    expect(again).toEqual(entries);
  });

  test('the default limit is 16,257 bytes: a large tileset gets leaves, and its root fits the first 16 KiB', () => {
    const entries = tileEntries(40_000);
    const layout = layoutDirectories(entries, { compress: gzip });
    expect(layout.leafCount).toBe(Math.ceil(40_000 / 4096));
    expect(layout.entriesPerLeaf).toBe(4096);
    expect(127 + layout.root.length).toBeLessThanOrEqual(16_384);
  });

  test('leaves grow while the root is still too large', () => {
    const entries = tileEntries(200);
    const tight = layoutDirectories(entries, { compress: gzip, maxRootBytes: 60, leafEntries: 2 });
    expect(tight.root.length).toBeLessThanOrEqual(60);
    expect(tight.entriesPerLeaf).toBeGreaterThan(2);
    expect(tight.leafCount).toBe(Math.ceil(200 / tight.entriesPerLeaf));
  });

  test('a limit no root can meet is an error, not a loop', () => {
    expect(() => layoutDirectories(tileEntries(50), { compress: gzip, maxRootBytes: 5, leafEntries: 10 })).toThrow(DirectoryError);
    expect(() => layoutDirectories(tileEntries(50), { compress: gzip, maxRootBytes: 5, leafEntries: 0 })).toThrow(/leafEntries/);
  });
});
