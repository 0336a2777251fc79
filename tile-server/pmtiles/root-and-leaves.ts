// Splits a tileset's directory entries into what the archive stores (spec §4): one root directory, if its
// compressed form fits maxRootBytes (so header + root lie in the first 16 KiB a reader fetches), else leaf
// directories of `leafEntries` consecutive entries each, compressed one by one and laid end to end, with a root
// that holds one entry per leaf (the leaf's first tile ID, its offset and length in the leaf section, run length
// 0). If even that root is too large, the leaves grow by a fifth and the split is tried again. One level of
// leaves only, as the spec recommends.
import { DirectoryError, serialiseDirectory, type DirectoryEntry } from './directory.ts';
import { MAX_ROOT_DIRECTORY_BYTES } from './header.ts';

export interface DirectoryLayoutOptions {
  // Internal compression, applied to each directory on its own.
  compress: (bytes: Uint8Array) => Uint8Array;
  // Largest compressed root directory (default 16,384 − 127 header bytes). Tests set it small to force leaves.
  maxRootBytes?: number;
  // Entries per leaf on the first try (default 4096); grows by 20 % while the root is too large.
  leafEntries?: number;
}

export interface DirectoryLayout {
  // Compressed root directory.
  root: Uint8Array;
  // Compressed leaf directories, concatenated (empty without leaves).
  leaves: Uint8Array;
  leafCount: number;
  // Tile entries per leaf on the split that fitted (0 without leaves).
  entriesPerLeaf: number;
}

export const DEFAULT_LEAF_ENTRIES = 4096;

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function layoutDirectories(entries: readonly DirectoryEntry[], options: DirectoryLayoutOptions): DirectoryLayout {
  const maxRootBytes = options.maxRootBytes ?? MAX_ROOT_DIRECTORY_BYTES;
  const root = options.compress(serialiseDirectory(entries));
  if (root.length <= maxRootBytes) return { root, leaves: new Uint8Array(0), leafCount: 0, entriesPerLeaf: 0 };

  let leafEntries = options.leafEntries ?? DEFAULT_LEAF_ENTRIES;
  if (!Number.isInteger(leafEntries) || leafEntries < 1) throw new DirectoryError(`leafEntries must be a positive integer, got ${leafEntries}`);
  for (;;) {
    const leaves: Uint8Array[] = [];
    const rootEntries: DirectoryEntry[] = [];
    let offset = 0;
    for (let start = 0; start < entries.length; start += leafEntries) {
      const chunk = entries.slice(start, start + leafEntries);
      const leaf = options.compress(serialiseDirectory(chunk));
      rootEntries.push({ tileId: chunk[0].tileId, offset, length: leaf.length, runLength: 0 });
      leaves.push(leaf);
      offset += leaf.length;
    }
    const leafRoot = options.compress(serialiseDirectory(rootEntries));
    if (leafRoot.length <= maxRootBytes) return { root: leafRoot, leaves: concat(leaves), leafCount: leaves.length, entriesPerLeaf: leafEntries };
    if (leaves.length === 1) {
      throw new DirectoryError(`a root directory of one leaf entry takes ${leafRoot.length} bytes compressed, over the ${maxRootBytes}-byte limit`);
    }
    leafEntries = Math.ceil(leafEntries * 1.2);
  }
}
