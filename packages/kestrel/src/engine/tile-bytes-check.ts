import type { FailureReason, ResourceKind } from '../contract/engine-api.ts';

export interface BodyProblem {
  reason: Extract<FailureReason, 'html-body' | 'json-body' | 'garbage' | 'truncated'>;
  message: string;
}

// Layer fields an MVT layer may start with: name(1) features(2) keys(3) values(4) as length-delimited, extent(5)
// and version(15) as varints. Encoders write name or version first (vt-pbf and tippecanoe write version).
const LAYER_FIRST_KEYS = new Set([0x0a, 0x12, 0x1a, 0x22, 0x28, 0x78]);
// Tile.layers is field 3, wire type 2: key byte (3 << 3) | 2.
const TILE_LAYERS_KEY = 0x1a;
// How far into the body to look for the start of a text answer (BOM, whitespace).
const SNIFF_BYTES = 64;

// Checks a complete body against the kind asked for. Bytes are trusted over Content-Type (tile servers and
// buckets often label tiles wrongly); the header only names the problem when the bytes are not a tile.
// Undefined means acceptable. An empty body is an empty tile.
export function checkTileBytes(bytes: Uint8Array, kind: ResourceKind, contentType = ''): BodyProblem | undefined {
  if (bytes.byteLength === 0) return undefined;
  const type = contentType.toLowerCase();
  const text = leadingText(bytes);
  if (text.startsWith('<!doctype') || text.startsWith('<html')) return { reason: 'html-body', message: 'body is HTML' };
  const looksJson = text.startsWith('{') || text.startsWith('[');
  if (kind === 'resource') {
    if (type.includes('text/html') && !looksJson) return { reason: 'html-body', message: `content-type ${contentType}` };
    // A style, TileJSON or sprite index cut short or mangled must not be cached and handed out as if it were one.
    return looksJson || type.includes('json') ? checkJson(bytes) : undefined;
  }
  if (looksJson) return { reason: 'json-body', message: `JSON where a ${kind} tile was expected` };
  const problem = kind === 'raster' ? checkImage(bytes) : checkVectorTile(bytes);
  if (!problem || problem.reason === 'truncated') return problem;
  if (type.includes('text/html')) return { reason: 'html-body', message: `content-type ${contentType}` };
  if (type.includes('json')) return { reason: 'json-body', message: `content-type ${contentType}` };
  return problem;
}

function checkJson(bytes: Uint8Array): BodyProblem | undefined {
  try {
    JSON.parse(new TextDecoder().decode(bytes));
    return undefined;
  } catch (error) {
    return { reason: 'garbage', message: `malformed JSON: ${(error as Error).message}` };
  }
}

function leadingText(bytes: Uint8Array): string {
  let i = 0;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) i = 3;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === 0x0a || bytes[i] === 0x0d)) i++;
  let s = '';
  for (let j = i; j < Math.min(bytes.length, i + SNIFF_BYTES); j++) s += String.fromCharCode(bytes[j]);
  return s.toLowerCase();
}

function startsWith(bytes: Uint8Array, prefix: number[], at = 0): boolean {
  return prefix.every((b, i) => bytes[at + i] === b);
}

const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

// PNG, JPEG, WebP (RIFF…WEBP), GIF and AVIF (ISO-BMFF ftyp avif/avis): what browsers decode for raster tiles.
function checkImage(bytes: Uint8Array): BodyProblem | undefined {
  const ok =
    startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) ||
    startsWith(bytes, [0xff, 0xd8, 0xff]) ||
    (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) ||
    startsWith(bytes, ascii('GIF8')) ||
    startsWith(bytes, ascii('ftypavi'), 4);
  return ok ? undefined : { reason: 'garbage', message: 'no known image signature' };
}

// gzip (1f 8b, deflate method 08) passes unread: servers send pre-gzipped pbf and MapLibre inflates it.
// Otherwise walk the top-level protobuf fields: every one must be a layer (field 3, length-delimited) whose
// length fits and whose first byte is a layer field key, and the layers must end exactly at the end of the
// body. Random bytes pass with probability well under 1/256 · 6/256.
function checkVectorTile(bytes: Uint8Array): BodyProblem | undefined {
  if (startsWith(bytes, [0x1f, 0x8b, 0x08])) return undefined;
  let pos = 0;
  while (pos < bytes.length) {
    if (bytes[pos] !== TILE_LAYERS_KEY) return { reason: 'garbage', message: `not a vector tile (byte ${pos})` };
    const length = readVarint(bytes, pos + 1);
    if (!length) return { reason: 'garbage', message: 'bad protobuf length' };
    const start = length.end;
    if (start + length.value > bytes.length) return { reason: 'truncated', message: 'vector tile layer runs past the end' };
    if (length.value > 0 && !LAYER_FIRST_KEYS.has(bytes[start])) {
      return { reason: 'garbage', message: 'not a vector tile layer' };
    }
    pos = start + length.value;
  }
  return undefined;
}

// Varints longer than 5 bytes exceed 2^35: no tile layer is that long.
function readVarint(bytes: Uint8Array, pos: number): { value: number; end: number } | undefined {
  let value = 0;
  for (let i = 0; i < 5 && pos + i < bytes.length; i++) {
    const b = bytes[pos + i];
    value += (b & 0x7f) * 2 ** (7 * i);
    if (b < 0x80) return { value, end: pos + i + 1 };
  }
  return undefined;
}
