import type { FailureReason, ResourceKind } from '../contract/engine-api.ts';
import { abortable } from './abortable.ts';
import { checkTileBytes } from './tile-bytes-check.ts';

export interface ValidateOptions {
  kind: ResourceKind;
  maxTileBytes: number;
  // aborts the body read (timeout, cancel); the read then rejects with the signal's reason
  signal?: AbortSignal;
  // bytes of a larger resource (a byte range of an archive): read with the bound, not judged as a tile
  raw?: boolean;
}

export type TileValidation = { ok: true; bytes: Uint8Array } | { ok: false; reason: FailureReason; message: string };

// Reads a 2xx response body with a byte bound and decides whether it is a usable tile. Rejects only when
// `signal` aborts; every problem with the body itself is a result, so the caller can classify it.
export async function validateTile(response: Response, options: ValidateOptions): Promise<TileValidation> {
  if (response.type === 'opaque') return fail('opaque', 'opaque response (no-cors): body unreadable');
  const declared = contentLength(response.headers);
  if (declared !== undefined && declared > options.maxTileBytes) {
    void response.body?.cancel().catch(() => undefined);
    return fail('oversized', `Content-Length ${declared} exceeds ${options.maxTileBytes}`);
  }
  const read = await readBounded(response, options);
  if (!read.ok) return read;
  const bytes = read.bytes;
  // Content-Length counts encoded bytes while we read decoded ones. Cross-origin, Content-Encoding is hidden
  // unless the server exposes it, so a gzipped tile would look "truncated" (seen on a clean network). Compare
  // only when the server says plainly that the body is not encoded; a body cut short otherwise shows up as a
  // stream error while reading, which readBounded reports as truncated.
  const encoding = response.headers.get('content-encoding')?.trim().toLowerCase();
  if (declared !== undefined && encoding === 'identity' && bytes.byteLength < declared) {
    return fail('truncated', `got ${bytes.byteLength} of ${declared} bytes`);
  }
  if (options.raw) return { ok: true, bytes };
  const problem = checkTileBytes(bytes, options.kind, response.headers.get('content-type') ?? '');
  return problem ? fail(problem.reason, problem.message) : { ok: true, bytes };
}

async function readBounded(response: Response, options: ValidateOptions): Promise<TileValidation> {
  if (!response.body) return { ok: true, bytes: new Uint8Array(0) };
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const next = options.signal ? await abortable(reader.read(), options.signal) : await reader.read();
      if (next.done) break;
      total += next.value.byteLength;
      if (total > options.maxTileBytes) {
        void reader.cancel().catch(() => undefined);
        return fail('oversized', `body exceeds ${options.maxTileBytes} bytes`);
      }
      chunks.push(next.value);
    }
  } catch (error) {
    void reader.cancel().catch(() => undefined);
    if (options.signal?.aborted) throw options.signal.reason;
    return fail('truncated', `body stream failed after ${total} bytes: ${String(error)}`);
  }
  return { ok: true, bytes: concat(chunks, total) };
}

function contentLength(headers: Headers): number | undefined {
  const raw = headers.get('content-length');
  if (raw === null || !/^\s*\d+\s*$/.test(raw)) return undefined;
  return Number(raw);
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

function fail(reason: FailureReason, message: string): TileValidation {
  return { ok: false, reason, message };
}
