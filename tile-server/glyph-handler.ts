import type { IncomingMessage, ServerResponse } from 'node:http';
import { createHash } from 'node:crypto';
import { CORS_HEADERS, sendError } from './http-responses.ts';
import { parseRange, type GlyphStore } from './glyph-store.ts';
import type { ServerStats } from './server-stats.ts';

/** `/fonts/{fontstack}/{start}-{end}.pbf`, the fontstack URL-encoded as MapLibre sends it. */
export const GLYPH_PATH = /^\/fonts\/([^/]{1,200})\/(\d{1,5}-\d{1,5})\.pbf$/;

export interface GlyphHandlerOptions {
  store: GlyphStore;
  stats: ServerStats;
  cacheControl: string;
  lastModified: Date;
}

/**
 * Answers a glyph range: 200 with the PBF (an empty range is a valid, small PBF, so a name in a script the font lacks
 * costs MapLibre no error), 304 for a matching If-None-Match, 404 for a font stack we do not have or a malformed range.
 */
export function createGlyphHandler(options: GlyphHandlerOptions) {
  const etags = new Map<string, string>();
  return (req: IncomingMessage, res: ServerResponse, encodedFontstack: string, range: string): void => {
    let fontstack: string;
    try {
      fontstack = decodeURIComponent(encodedFontstack);
    } catch {
      sendError(res, 400, 'font stack is not valid URL encoding');
      return;
    }
    const start = parseRange(range);
    const body = start === undefined ? undefined : options.store.range(fontstack, start);
    if (!body) {
      sendError(res, 404, `no glyphs for ${fontstack} ${range}`);
      return;
    }
    options.stats.glyphRange(range);
    const key = `${fontstack}/${range}`;
    let etag = etags.get(key);
    if (!etag) {
      etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
      etags.set(key, etag);
    }
    const headers = {
      ...CORS_HEADERS,
      'Content-Type': 'application/x-protobuf',
      'Cache-Control': options.cacheControl,
      'Last-Modified': options.lastModified.toUTCString(),
      ETag: etag,
    };
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, headers);
      res.end();
      return;
    }
    res.writeHead(200, { ...headers, 'Content-Length': body.length });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
}
