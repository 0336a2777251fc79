// Test support: reads an archive back with the pmtiles npm package (the reader MapLibre's pmtiles protocol
// uses), over bytes in memory. Nothing here is used by the writer.
import { gunzipSync } from 'node:zlib';
import { bytesToHeader, PMTiles, readVarint, type Entry, type Header, type RangeResponse, type Source } from 'pmtiles';

// A fresh ArrayBuffer holding exactly bytes[start, end) (a Buffer's .slice shares its pool, so copy).
function copyOut(bytes: Uint8Array, start: number, end: number): ArrayBuffer {
  return new Uint8Array(bytes.subarray(start, end)).buffer;
}

// A pmtiles Source over an archive held in memory. Reads past the end come back short, as a file would.
export class BytesSource implements Source {
  readonly reads: Array<{ offset: number; length: number }> = [];
  constructor(
    private readonly bytes: Uint8Array,
    private readonly key = 'memory.pmtiles',
  ) {}

  getKey(): string {
    return this.key;
  }

  async getBytes(offset: number, length: number): Promise<RangeResponse> {
    this.reads.push({ offset, length });
    return { data: copyOut(this.bytes, offset, offset + length) };
  }
}

export function openArchive(bytes: Uint8Array): PMTiles {
  return new PMTiles(new BytesSource(bytes));
}

// Spec appendix A.2 over the package's own varint reader (its directory decoder is not exported).
export function decodeDirectory(uncompressed: Uint8Array): Entry[] {
  const p = { buf: uncompressed, pos: 0 };
  const n = readVarint(p);
  const entries: Entry[] = [];
  let lastId = 0;
  for (let i = 0; i < n; i++) {
    lastId += readVarint(p);
    entries.push({ tileId: lastId, offset: 0, length: 0, runLength: 0 });
  }
  for (const e of entries) e.runLength = readVarint(p);
  for (const e of entries) e.length = readVarint(p);
  entries.forEach((e, i) => {
    const v = readVarint(p);
    e.offset = v === 0 && i > 0 ? entries[i - 1].offset + entries[i - 1].length : v - 1;
  });
  if (p.pos !== uncompressed.length) throw new Error(`directory has ${uncompressed.length - p.pos} bytes after its last offset`);
  return entries;
}

export interface ArchiveLayout {
  header: Header;
  root: Entry[];
  // Each leaf directory's entries, in root order.
  leaves: Entry[][];
  // Every tile entry, root and leaves together, in tile-ID order.
  tileEntries: Entry[];
  metadata: unknown;
}

// Decodes header, directories and metadata by hand (gzip internal compression assumed, as this writer uses).
export function inspectArchive(bytes: Uint8Array): ArchiveLayout {
  const header = bytesToHeader(copyOut(bytes, 0, 127));
  const section = (offset: number, length: number) => gunzipSync(bytes.subarray(offset, offset + length));
  const root = decodeDirectory(section(header.rootDirectoryOffset, header.rootDirectoryLength));
  const leaves: Entry[][] = [];
  const tileEntries: Entry[] = [];
  for (const e of root) {
    if (e.runLength > 0) {
      tileEntries.push(e);
      continue;
    }
    const leaf = decodeDirectory(section(header.leafDirectoryOffset + e.offset, e.length));
    leaves.push(leaf);
    tileEntries.push(...leaf);
  }
  const metadata = JSON.parse(new TextDecoder().decode(section(header.jsonMetadataOffset, header.jsonMetadataLength))) as unknown;
  return { header, root, leaves, tileEntries, metadata };
}

// The uncompressed tile at z/x/y as the package's reader returns it, or undefined when absent.
export async function readTile(archive: PMTiles, z: number, x: number, y: number): Promise<Uint8Array | undefined> {
  const reply = await archive.getZxy(z, x, y);
  return reply ? new Uint8Array(reply.data) : undefined;
}
