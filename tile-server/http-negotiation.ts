import type { IncomingHttpHeaders } from 'node:http';

// True unless gzip is absent or refused with q=0 (explicitly, or through "*;q=0" with no gzip entry).
export function acceptsGzip(headers: IncomingHttpHeaders): boolean {
  const header = headers['accept-encoding'];
  if (!header) return false;
  let wildcard: number | undefined;
  for (const part of header.split(',')) {
    const [coding, ...params] = part.trim().toLowerCase().split(';');
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (coding === 'gzip' || coding === 'x-gzip') return q > 0;
    if (coding === '*') wildcard = q;
  }
  return wildcard !== undefined && wildcard > 0;
}

// If-None-Match uses weak comparison (RFC 9110 §13.1.2): W/ prefixes are ignored.
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === '*') return true;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return ifNoneMatch.split(',').some((tag) => opaque(tag) === opaque(etag));
}

// If-Modified-Since only counts when there is no If-None-Match (RFC 9110 §13.1.3).
export function notModifiedSince(headers: IncomingHttpHeaders, lastModified: Date): boolean {
  if (headers['if-none-match'] !== undefined) return false;
  const since = headers['if-modified-since'];
  if (!since) return false;
  const date = Date.parse(since);
  // HTTP dates have one-second resolution.
  return Number.isFinite(date) && Math.floor(lastModified.getTime() / 1000) * 1000 <= date;
}
