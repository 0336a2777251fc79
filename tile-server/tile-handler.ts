import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ConnectionLimiter } from './connection-limiter.ts';
import type { FaultDecision } from './fault-decision.ts';
import type { RetryAfterForm } from './faults.ts';
import { CORS_HEADERS } from './http-responses.ts';
import { acceptsGzip, etagMatches, notModifiedSince } from './http-negotiation.ts';
import { carriesRequiredHeader, unauthorizedAnswer, type RequiredHeader } from './required-header.ts';
import type { ServerStats } from './server-stats.ts';
import type { TileEntry, TileStore } from './tile-store.ts';

export interface TileHandlerDeps {
  store: TileStore;
  stats: ServerStats;
  limiter: ConnectionLimiter;
  nextDecision(): FaultDecision;
  cacheControl: string;
  lastModified: Date;
  maxZoom: number;
  // the header every tile request must carry (read per request: it can be changed while the server runs)
  requiredHeader(): RequiredHeader | undefined;
  log(line: string): void;
}

export type TileHandler = (req: IncomingMessage, res: ServerResponse, z: number, x: number, y: number) => void;

// Injected failures must not be cached by the browser, or one bad answer would be replayed from its cache.
const NO_STORE = 'no-store';
const SLOW_BODY_TICK_MS = 100;
// Past the engine's default 4 MiB cap (maxTileBytes), so a client must stop reading on its own.
export const OVERSIZE_BYTES = 5 * 1024 * 1024;
const OVERSIZE_CHUNK_BYTES = 64 * 1024;

// A strong ETag per representation (RFC 9110 §8.8.3: the gzip and identity bodies differ), built on the
// SHA-256 of the uncompressed tile that /__tilehash reports, so a client can compare the two.
export function tileEtag(entry: TileEntry, gzip: boolean): string {
  return gzip ? `"${entry.sha256}-gzip"` : `"${entry.sha256}"`;
}

export function isTileInRange(z: number, x: number, y: number, maxZoom: number): boolean {
  return z >= 0 && z <= maxZoom && x >= 0 && y >= 0 && x < 2 ** z && y < 2 ** z;
}

export function createTileHandler(deps: TileHandlerDeps): TileHandler {
  const { stats } = deps;

  function writeHead(res: ServerResponse, status: number, headers: OutgoingHttpHeaders): void {
    stats.status(status);
    res.writeHead(status, { ...CORS_HEADERS, ...headers });
  }

  function end(res: ServerResponse, body?: Buffer): void {
    if (body && res.req.method !== 'HEAD') stats.bytes(body.length);
    res.end(body);
  }

  function sendText(res: ServerResponse, status: number, contentType: string, text: string, extra: OutgoingHttpHeaders = {}): void {
    const body = Buffer.from(text);
    writeHead(res, status, { 'Content-Type': contentType, 'Content-Length': body.length, 'Cache-Control': NO_STORE, ...extra });
    end(res, body);
  }

  function representation(req: IncomingMessage, entry: TileEntry) {
    const gzip = entry.gzip !== null && acceptsGzip(req.headers);
    const body = gzip ? entry.gzip! : entry.body;
    const headers: OutgoingHttpHeaders = {
      'Content-Type': 'application/x-protobuf',
      'Cache-Control': deps.cacheControl,
      ETag: tileEtag(entry, gzip),
      'Last-Modified': deps.lastModified.toUTCString(),
      Vary: 'Accept-Encoding',
      ...(gzip ? { 'Content-Encoding': 'gzip' } : {}),
    };
    return { body, headers };
  }

  // Answers 304 when the client's copy is current; true if it did.
  function sendNotModified(req: IncomingMessage, res: ServerResponse, headers: OutgoingHttpHeaders): boolean {
    const fresh = req.headers['if-none-match'] !== undefined ? etagMatches(req.headers['if-none-match'], String(headers.ETag)) : notModifiedSince(req.headers, deps.lastModified);
    if (!fresh) return false;
    const { 'Content-Type': _type, 'Content-Encoding': _encoding, ...rest } = headers;
    writeHead(res, 304, rest);
    end(res);
    return true;
  }

  function sendTile(req: IncomingMessage, res: ServerResponse, entry: TileEntry): void {
    const { body, headers } = representation(req, entry);
    if (sendNotModified(req, res, headers)) return;
    writeHead(res, entry.status, entry.status === 204 ? headers : { ...headers, 'Content-Length': body.length });
    end(res, entry.status === 204 ? undefined : body);
  }

  function sendTruncated(req: IncomingMessage, res: ServerResponse, entry: TileEntry, fraction: number): void {
    const { body, headers } = representation(req, entry);
    // An empty tile has no body to cut, so promise one that never comes.
    const promised = entry.status === 200 ? body.length : 1024;
    const sent = entry.status === 200 ? body.subarray(0, Math.min(body.length - 1, Math.floor(body.length * fraction))) : Buffer.alloc(0);
    writeHead(res, 200, { ...headers, 'Cache-Control': NO_STORE, 'Content-Length': promised });
    stats.bytes(sent.length);
    res.write(sent, () => res.destroy());
  }

  function sendSlowly(req: IncomingMessage, res: ServerResponse, entry: TileEntry, bytesPerSecond: number): void {
    const { body, headers } = representation(req, entry);
    if (sendNotModified(req, res, headers)) return;
    if (entry.status === 204 || req.method === 'HEAD') {
      sendTile(req, res, entry);
      return;
    }
    writeHead(res, 200, { ...headers, 'Content-Length': body.length });
    const perTick = Math.max(1, Math.round((bytesPerSecond * SLOW_BODY_TICK_MS) / 1000));
    let offset = 0;
    const timer = setInterval(() => {
      const chunk = body.subarray(offset, offset + perTick);
      offset += chunk.length;
      stats.bytes(chunk.length);
      if (offset >= body.length) {
        clearInterval(timer);
        res.end(chunk);
      } else {
        res.write(chunk);
      }
    }, SLOW_BODY_TICK_MS);
    res.once('close', () => clearInterval(timer));
  }

  // The real tile repeated until OVERSIZE_BYTES, chunked with no Content-Length: only counting while reading can
  // tell it is too big. Written with backpressure, and abandoned when the client leaves.
  function sendOversized(req: IncomingMessage, res: ServerResponse, entry: TileEntry): void {
    writeHead(res, 200, { 'Content-Type': 'application/x-protobuf', 'Cache-Control': NO_STORE });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    const unit = entry.body.length > 0 ? entry.body : Buffer.from([0x1a, 0x00]);
    const chunk = Buffer.alloc(OVERSIZE_CHUNK_BYTES);
    for (let at = 0; at < chunk.length; at += unit.length) unit.copy(chunk, at, 0, Math.min(unit.length, chunk.length - at));
    let sent = 0;
    const pump = (): void => {
      while (sent < OVERSIZE_BYTES && !res.destroyed) {
        const part = chunk.subarray(0, Math.min(chunk.length, OVERSIZE_BYTES - sent));
        sent += part.length;
        stats.bytes(part.length);
        if (sent >= OVERSIZE_BYTES) {
          res.end(part);
          return;
        }
        if (!res.write(part)) {
          res.once('drain', pump);
          return;
        }
      }
    };
    pump();
  }

  function respond(req: IncomingMessage, res: ServerResponse, decision: FaultDecision, z: number, x: number, y: number): void {
    const { outcome } = decision;
    if (outcome.kind !== 'none') stats.fault(outcome.kind === 'status' ? String(outcome.status) : outcome.kind === 'rateLimit' ? '429' : outcome.kind);
    switch (outcome.kind) {
      case 'hang':
        // Never answered; the socket is released when the client gives up or the server closes.
        return;
      case 'status':
        sendText(res, outcome.status, 'text/plain; charset=utf-8', `injected fault: HTTP ${outcome.status}\n`);
        return;
      case 'rateLimit':
        sendText(res, 429, 'text/plain; charset=utf-8', 'injected fault: too many requests\n', retryAfterHeader(outcome.retryAfterS, outcome.retryAfterForm));
        return;
      case 'garbage':
        writeHead(res, 200, { 'Content-Type': 'application/x-protobuf', 'Content-Length': outcome.body.length, 'Cache-Control': NO_STORE });
        end(res, outcome.body);
        return;
      case 'html':
        sendText(res, 200, 'text/html; charset=utf-8', '<!doctype html><html><head><title>Service unavailable</title></head><body><h1>Service unavailable</h1><p>The upstream tile service is having a moment (injected fault).</p></body></html>\n');
        return;
      case 'truncate':
        sendTruncated(req, res, deps.store.get(z, x, y), outcome.fraction);
        return;
      case 'slowBody':
        sendSlowly(req, res, deps.store.get(z, x, y), outcome.bytesPerSecond);
        return;
      case 'oversize':
        sendOversized(req, res, deps.store.get(z, x, y));
        return;
      case 'none':
        sendTile(req, res, deps.store.get(z, x, y));
        return;
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse, z: number, x: number, y: number): Promise<void> {
    const arrivedAt = stats.arrived(`${z}/${x}/${y}`);
    // 'finish': the last byte went to the socket; a destroyed or abandoned response never gets there.
    res.once('finish', () => stats.completed(arrivedAt));
    res.once('close', () => stats.finished());
    // Checked first, as a gateway in front of a tile host would: a refused request draws no fault decision, so a
    // seeded fault document replays the same way whatever was refused meanwhile.
    const required = deps.requiredHeader();
    if (required && !carriesRequiredHeader(req.headers, required)) {
      const { body, headers } = unauthorizedAnswer(required);
      stats.unauthorized();
      sendText(res, 401, 'application/json; charset=utf-8', JSON.stringify(body), headers);
      return;
    }
    // Out-of-range keys are a client bug, not traffic to disturb: no faults.
    if (!isTileInRange(z, x, y, deps.maxZoom)) {
      sendText(res, 404, 'text/plain; charset=utf-8', `no tile ${z}/${x}/${y} (zoom 0–${deps.maxZoom}, x and y 0–2^z−1)\n`);
      return;
    }
    const decision = deps.nextDecision();
    if (decision.down) {
      stats.fault('down');
      req.socket.destroy();
      return;
    }
    const closed = new AbortController();
    res.once('close', () => closed.abort());
    try {
      const release = await deps.limiter.acquire(closed.signal);
      if (closed.signal.aborted) release();
      else res.once('close', release);
      if (decision.latencyMs > 0) await sleep(decision.latencyMs, undefined, { signal: closed.signal });
    } catch {
      return; // the client left while queued or delayed
    }
    if (res.destroyed) return;
    try {
      respond(req, res, decision, z, x, y);
    } catch (error) {
      deps.log(`tile ${z}/${x}/${y} failed: ${(error as Error).stack ?? error}`);
      if (!res.headersSent) sendText(res, 500, 'text/plain; charset=utf-8', 'tile generation failed\n');
      else res.destroy();
    }
  }

  return (req, res, z, x, y) => {
    void handle(req, res, z, x, y);
  };
}

// The three ways hosts answer a 429: delta-seconds, an HTTP-date (RFC 9110 §10.2.3), or nothing (nginx limit_req).
export function retryAfterHeader(seconds: number, form: RetryAfterForm, now = Date.now()): Record<string, string> {
  if (form === 'none') return {};
  if (form === 'http-date') return { 'Retry-After': new Date(now + seconds * 1000).toUTCString() };
  return { 'Retry-After': String(seconds) };
}
