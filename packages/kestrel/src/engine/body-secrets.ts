import type { UrlSecret } from './credential-params.ts';

// A style or TileJSON fetched as `style.json?access_token=T` usually repeats T in its tile URLs. Its bytes may be
// kept in memory as they came, but never written to IndexedDB with T inside: the stored copy holds a placeholder
// per parameter, and a read puts back the value the asking URL carries now (a rotated token included). Written by
// hand because it is a byte-exact find-and-replace with no library equivalent over Uint8Array.

const encoder = new TextEncoder();

// Two forms: as written, and percent-encoded (the same for the URL-safe tokens services issue). The marker uses
// bytes no JSON text and no URL may contain unescaped, so it cannot occur in a body by chance.
function placeholders(name: string): { raw: Uint8Array; encoded: Uint8Array } {
  const id = encodeURIComponent(name);
  return { raw: encoder.encode(`\u0000kestrel-secret:${id}\u0000`), encoded: encoder.encode(`\u0000kestrel-secret-uri:${id}\u0000`) };
}

/** The body with every secret value replaced by its placeholder, and the names that were found in it. */
export function withoutSecrets(bytes: Uint8Array, secrets: readonly UrlSecret[]): { bytes: Uint8Array; names: string[] } {
  let out = bytes;
  const names: string[] = [];
  for (const { name, value } of secrets) {
    const marks = placeholders(name);
    const raw = replaceAll(out, encoder.encode(value), marks.raw);
    const encodedValue = encodeURIComponent(value);
    const both = encodedValue === value ? raw : replaceAll(raw, encoder.encode(encodedValue), marks.encoded);
    if (both !== out) names.push(name);
    out = both;
  }
  return { bytes: out, names };
}

/**
 * The stored body with its placeholders filled from the asking URL's secrets; undefined when that URL lacks one of
 * them (the stored copy cannot be completed: a miss, and the network answers).
 */
export function withSecrets(bytes: Uint8Array, names: readonly string[], secrets: readonly UrlSecret[]): Uint8Array | undefined {
  let out = bytes;
  for (const name of names) {
    const value = secrets.find((s) => s.name === name)?.value;
    if (value === undefined) return undefined;
    const marks = placeholders(name);
    out = replaceAll(replaceAll(out, marks.raw, encoder.encode(value)), marks.encoded, encoder.encode(encodeURIComponent(value)));
  }
  return out;
}

// Returns the same array when nothing matched, so callers can tell whether anything changed.
function replaceAll(haystack: Uint8Array, needle: Uint8Array, replacement: Uint8Array): Uint8Array {
  if (needle.length === 0 || haystack.length < needle.length) return haystack;
  const parts: Uint8Array[] = [];
  let from = 0;
  let at = indexOf(haystack, needle, 0);
  if (at < 0) return haystack;
  while (at >= 0) {
    parts.push(haystack.subarray(from, at), replacement);
    from = at + needle.length;
    at = indexOf(haystack, needle, from);
  }
  parts.push(haystack.subarray(from));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function indexOf(haystack: Uint8Array, needle: Uint8Array, from: number): number {
  const first = needle[0];
  const last = haystack.length - needle.length;
  for (let i = haystack.indexOf(first, from); i >= 0 && i <= last; i = haystack.indexOf(first, i + 1)) {
    let j = 1;
    while (j < needle.length && haystack[i + j] === needle[j]) j++;
    if (j === needle.length) return i;
  }
  return -1;
}
