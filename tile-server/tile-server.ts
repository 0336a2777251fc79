import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createConnectionLimiter } from './connection-limiter.ts';
import { decideFault } from './fault-decision.ts';
import { createGlyphHandler, GLYPH_PATH } from './glyph-handler.ts';
import { createGlyphStore, type GlyphStore } from './glyph-store.ts';
import { FaultDocumentError, parseFaultDocument, type FaultDocument } from './faults.ts';
import { BodyTooLargeError, CORS_HEADERS, preflightHeaders, readBody, sendError, sendJson } from './http-responses.ts';
import { requestOrigin } from './request-origin.ts';
import { carriesRequiredHeader, parseRequiredHeader, RequiredHeaderError, unauthorizedAnswer, type RequiredHeader } from './required-header.ts';
import { buildPlaceIndex } from './place-index.ts';
import { createServerStats, type ServerStatsSnapshot } from './server-stats.ts';
import { buildStyle, buildTileJson } from './style.ts';
import { createTileHandler, isTileInRange } from './tile-handler.ts';
import { createTileStore, type TileStoreStats } from './tile-store.ts';
import { createTiler, type Tiler } from './tiler.ts';

export interface TileServerOptions {
  // 0 (the default) picks a free port.
  port?: number;
  host?: string;
  // Initial faults; validated like POST /__faults (throws FaultDocumentError).
  faults?: unknown;
  cacheControl?: string;
  // Budget for generated tiles (uncompressed + gzip bytes) kept in memory.
  cacheMaxBytes?: number;
  // Generate this pyramid before listening, so tile CPU stays out of client measurements.
  warm?: { minZoom: number; maxZoom: number };
  // Load every data source before listening (default). false loads each on first use: faster start, but the
  // first z5+ tile then waits ~1.3 s for the 10m world data.
  preload?: boolean;
  // Answer 401 to any tile, style.json or tiles.json request that lacks this header with this value (a keyed tile
  // API); validated like POST /__require-header (throws RequiredHeaderError). Preflights allow the header.
  requireHeader?: RequiredHeader;
  // Port for tests: a fake tiler instead of the Natural Earth one.
  tiler?: Tiler;
  // Glyph ranges for /fonts/; by default generated from the bundled Noto Sans on first request and kept on disk.
  glyphs?: GlyphStore;
  // The search index for /places.tsv; by default built from the data on first request (~3 s) and kept in memory.
  placeIndex?: () => string;
  log?: (line: string) => void;
}

export type TileServerStats = ServerStatsSnapshot & { cache: TileStoreStats };

export interface TileServer {
  url: string;
  port: number;
  startup: { loadMs: number; warmMs: number; warmedTiles: number };
  close(): Promise<void>;
  // Replaces the whole fault document ({} clears); returns it normalised.
  setFaults(doc: unknown): FaultDocument;
  faults(): FaultDocument;
  // Replaces the required header (`{name, value}`; `{}` or undefined: none); returns it normalised. Not part of the
  // fault document, so setFaults({}) leaves it in place.
  setRequireHeader(required: unknown): RequiredHeader | undefined;
  requireHeader(): RequiredHeader | undefined;
  stats(): TileServerStats;
  resetStats(): void;
}

export const DEFAULT_CACHE_CONTROL = 'public, max-age=3600';
export const DEFAULT_CACHE_MAX_BYTES = 256 * 1024 * 1024;
const MAX_FAULT_BODY_BYTES = 64 * 1024;
// Larger than any header worth requiring; a control document, not an upload.
const MAX_REQUIRE_HEADER_BODY_BYTES = 16 * 1024;

const TILE_PATH = /^\/tiles\/(\d{1,2})\/(\d{1,9})\/(\d{1,9})\.pbf$/;
const TILEHASH_PATH = /^\/__tilehash\/(\d{1,2})\/(\d{1,9})\/(\d{1,9})$/;

function hostForUrl(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

export async function startTileServer(options: TileServerOptions = {}): Promise<TileServer> {
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? ((line: string) => console.error(line));
  const startedAt = performance.now();
  const sinceStart = () => performance.now() - startedAt;

  let faults = parseFaultDocument(options.faults ?? {});
  let required = parseRequiredHeader(options.requireHeader);
  let decisions = 0;
  const limiter = createConnectionLimiter(faults.maxConnections ?? 0);

  const loadStarted = performance.now();
  const tiler = options.tiler ?? createTiler({ onLoad: (source, ms) => log(`loaded ${source} in ${ms.toFixed(0)} ms`) });
  if (options.preload !== false) tiler.preload();
  const loadMs = performance.now() - loadStarted;

  const store = createTileStore(tiler, options.cacheMaxBytes ?? DEFAULT_CACHE_MAX_BYTES);
  const stats = createServerStats(sinceStart);
  // HTTP dates have one-second resolution; a fractional Last-Modified would never compare equal.
  const lastModified = new Date(Math.floor(Date.now() / 1000) * 1000);

  const warmStarted = performance.now();
  let warmedTiles = 0;
  if (options.warm) {
    for (let z = options.warm.minZoom; z <= Math.min(options.warm.maxZoom, tiler.maxZoom); z++) {
      for (let x = 0; x < 2 ** z; x++) for (let y = 0; y < 2 ** z; y++, warmedTiles++) store.get(z, x, y);
    }
  }
  const warmMs = performance.now() - warmStarted;

  const handleTile = createTileHandler({
    store,
    stats,
    limiter,
    nextDecision: () => decideFault(faults, decisions++),
    cacheControl: options.cacheControl ?? DEFAULT_CACHE_CONTROL,
    lastModified,
    maxZoom: tiler.maxZoom,
    requiredHeader: () => required,
    log,
  });

  const handleGlyphs = createGlyphHandler({
    store: options.glyphs ?? createGlyphStore(),
    stats,
    cacheControl: options.cacheControl ?? DEFAULT_CACHE_CONTROL,
    lastModified,
  });

  let placeIndex: Buffer | undefined;
  const placeIndexBody = () => (placeIndex ??= Buffer.from((options.placeIndex ?? buildPlaceIndex)()));

  function setFaults(doc: unknown): FaultDocument {
    faults = parseFaultDocument(doc);
    // Request numbering restarts so the same document replays the same decisions.
    decisions = 0;
    limiter.setMax(faults.maxConnections ?? 0);
    return faults;
  }

  function setRequireHeader(input: unknown): RequiredHeader | undefined {
    required = parseRequiredHeader(input);
    return required;
  }

  function snapshot(): TileServerStats {
    return { ...stats.snapshot(limiter.waiting), cache: store.stats() };
  }

  let fallbackOrigin = '';

  // A JSON control document (POST /__faults, /__require-header): read, parsed ('' is {}), applied; 413 when too
  // large, 400 naming what is wrong when `apply` refuses it with `refusal`.
  async function postDocument(
    req: IncomingMessage,
    res: ServerResponse,
    what: string,
    maxBytes: number,
    apply: (doc: unknown) => unknown,
    refusal: new (...args: never[]) => Error,
  ): Promise<void> {
    let text: string;
    try {
      text = await readBody(req, maxBytes);
    } catch (error) {
      if (error instanceof BodyTooLargeError) sendError(res, 413, error.message);
      return;
    }
    let parsed: unknown;
    try {
      parsed = text.trim() === '' ? {} : JSON.parse(text);
    } catch (error) {
      sendError(res, 400, `${what} is not valid JSON: ${(error as Error).message}`);
      return;
    }
    try {
      sendJson(res, 200, apply(parsed) ?? {});
    } catch (error) {
      if (error instanceof refusal) sendError(res, 400, error.message);
      else throw error;
    }
  }

  // style.json and tiles.json answer 401 without the required header, as a keyed API's metadata does.
  function authorized(req: IncomingMessage, res: ServerResponse): boolean {
    if (carriesRequiredHeader(req.headers, required)) return true;
    const { body, headers } = unauthorizedAnswer(required!);
    stats.unauthorized();
    sendJson(res, 401, body, headers);
    return false;
  }

  function route(req: IncomingMessage, res: ServerResponse): void {
    const method = req.method ?? 'GET';
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (method === 'OPTIONS') {
      res.writeHead(204, preflightHeaders(required?.name));
      res.end();
      return;
    }
    const allow = (methods: string[]): boolean => {
      if (methods.includes(method)) return true;
      sendError(res, 405, `${method} is not allowed on ${path}`, { Allow: methods.join(', ') });
      return false;
    };

    const tile = TILE_PATH.exec(path);
    if (tile) {
      if (allow(['GET', 'HEAD'])) handleTile(req, res, Number(tile[1]), Number(tile[2]), Number(tile[3]));
      return;
    }
    const glyphs = GLYPH_PATH.exec(path);
    if (glyphs) {
      if (allow(['GET', 'HEAD'])) handleGlyphs(req, res, glyphs[1]!, glyphs[2]!);
      return;
    }
    const hash = TILEHASH_PATH.exec(path);
    if (hash) {
      if (!allow(['GET'])) return;
      const [z, x, y] = [Number(hash[1]), Number(hash[2]), Number(hash[3])];
      if (!isTileInRange(z, x, y, tiler.maxZoom)) {
        sendJson(res, 200, { status: 404, sha256: null, bytes: 0 });
        return;
      }
      const entry = store.get(z, x, y);
      sendJson(res, 200, { status: entry.status, sha256: entry.sha256, bytes: entry.body.length });
      return;
    }
    switch (path) {
      case '/health':
        if (allow(['GET', 'HEAD'])) sendJson(res, 200, { ok: true });
        return;
      case '/style.json':
        if (allow(['GET', 'HEAD']) && authorized(req, res)) sendJson(res, 200, buildStyle(requestOrigin(req, fallbackOrigin)), { 'Cache-Control': 'no-cache' });
        return;
      case '/places.tsv':
        if (allow(['GET', 'HEAD'])) {
          const body = placeIndexBody();
          res.writeHead(200, {
            ...CORS_HEADERS,
            'Content-Type': 'text/tab-separated-values; charset=utf-8',
            'Content-Length': body.length,
            'Cache-Control': options.cacheControl ?? DEFAULT_CACHE_CONTROL,
            'Last-Modified': lastModified.toUTCString(),
          });
          res.end(method === 'HEAD' ? undefined : body);
        }
        return;
      case '/tiles.json':
        if (allow(['GET', 'HEAD']) && authorized(req, res)) sendJson(res, 200, buildTileJson(requestOrigin(req, fallbackOrigin)), { 'Cache-Control': 'no-cache' });
        return;
      case '/__faults':
        if (!allow(['GET', 'POST'])) return;
        if (method === 'GET') sendJson(res, 200, faults);
        else void postDocument(req, res, 'fault document', MAX_FAULT_BODY_BYTES, setFaults, FaultDocumentError);
        return;
      case '/__require-header':
        if (!allow(['GET', 'POST'])) return;
        if (method === 'GET') sendJson(res, 200, required ?? {});
        else void postDocument(req, res, 'required header', MAX_REQUIRE_HEADER_BODY_BYTES, setRequireHeader, RequiredHeaderError);
        return;
      case '/__stats':
        if (allow(['GET'])) sendJson(res, 200, snapshot());
        return;
      case '/__stats/reset':
        if (!allow(['POST'])) return;
        stats.reset();
        sendJson(res, 200, snapshot());
        return;
      default:
        sendError(res, 404, `no route for ${path}`);
    }
  }

  const server = createServer((req, res) => {
    try {
      route(req, res);
    } catch (error) {
      log(`${req.method} ${req.url} failed: ${(error as Error).stack ?? error}`);
      if (!res.headersSent) sendError(res, 500, 'internal error');
      else res.destroy();
    }
  });
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end(`HTTP/1.1 400 Bad Request\r\nAccess-Control-Allow-Origin: ${CORS_HEADERS['Access-Control-Allow-Origin']}\r\n\r\n`);
    else socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${hostForUrl(host)}:${port}`;
  fallbackOrigin = url;

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    startup: { loadMs, warmMs, warmedTiles },
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Hanging, queued and trickling responses would otherwise hold close() open forever.
        server.closeAllConnections();
      });
      return closing;
    },
    setFaults,
    faults: () => faults,
    setRequireHeader,
    requireHeader: () => required,
    stats: snapshot,
    resetStats: () => stats.reset(),
  };
}
