import type { ByteRange } from './ports.ts';

export type RangeCheck = { ok: true; totalBytes?: number } | { ok: false; message: string };

// `Content-Range: bytes <first>-<last>/<total|*>` (RFC 9110 §14.4).
const CONTENT_RANGE = /^\s*bytes\s+(\d+)-(\d+)\/(\d+|\*)\s*$/i;

/**
 * Whether a 206 body of `received` bytes is the range that was asked for. The body may be shorter than asked only
 * at the end of the file (the caller, which knows what it read, decides whether that is allowed). Cross-origin,
 * `Content-Range` is readable only when the host exposes it; without it the length is all there is to check.
 */
export function checkRangeAnswer(asked: ByteRange, contentRange: string | undefined, received: number): RangeCheck {
  if (received > asked.length) return { ok: false, message: `asked for ${asked.length} bytes, got ${received}` };
  if (contentRange === undefined) return { ok: true };
  const match = CONTENT_RANGE.exec(contentRange);
  if (!match) return { ok: false, message: `unreadable Content-Range "${contentRange}"` };
  const first = Number(match[1]);
  const last = Number(match[2]);
  const total = match[3] === '*' ? undefined : Number(match[3]);
  if (first !== asked.offset) return { ok: false, message: `asked for bytes from ${asked.offset}, the host sent them from ${first}` };
  if (last - first + 1 !== received) return { ok: false, message: `Content-Range says ${last - first + 1} bytes, the body had ${received}` };
  if (total !== undefined && last >= total) return { ok: false, message: `Content-Range "${contentRange}" ends past the file's size` };
  return total === undefined ? { ok: true } : { ok: true, totalBytes: total };
}
