import type { IncomingMessage } from 'node:http';

// Host names and IPv6 literals with an optional port; anything else (spaces, slashes, quotes) is not
// allowed to flow into URLs we hand back.
const HOST_PATTERN = /^[A-Za-z0-9.\-_]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

function firstValue(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  return value?.split(',')[0]?.trim() || undefined;
}

// The origin the client used to reach us, so URLs in style.json and tiles.json work on any port and behind
// a proxy (X-Forwarded-Proto/Host win over Host). Falls back to the listening address.
export function requestOrigin(req: IncomingMessage, fallback: string): string {
  const forwardedProto = firstValue(req.headers['x-forwarded-proto'])?.toLowerCase();
  const proto = forwardedProto === 'https' || forwardedProto === 'http' ? forwardedProto : 'http';
  const candidates = [firstValue(req.headers['x-forwarded-host']), firstValue(req.headers.host)];
  const host = candidates.find((h) => h !== undefined && HOST_PATTERN.test(h));
  return host ? `${proto}://${host}` : fallback;
}
