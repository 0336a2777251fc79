import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';

// On every response: without Expose-Headers, script on another origin cannot read ETag, Retry-After or Age;
// Timing-Allow-Origin lets Resource Timing report real durations and sizes cross-origin.
export const CORS_HEADERS: OutgoingHttpHeaders = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Expose-Headers': 'ETag, Retry-After, Cache-Control, Age, Date, Expires, Last-Modified',
  'Timing-Allow-Origin': '*',
};

// Conditional and cache headers are not CORS-safelisted, so a client that sets them by hand triggers a preflight.
export const PREFLIGHT_HEADERS: OutgoingHttpHeaders = {
  ...CORS_HEADERS,
  'Access-Control-Allow-Methods': 'GET, HEAD, POST, OPTIONS',
  'Access-Control-Allow-Headers': 'If-None-Match, If-Modified-Since, Cache-Control, Content-Type',
  'Access-Control-Max-Age': '600',
};

/** The preflight answer, allowing also the header a `requireHeader` server insists on (else no browser could send it). */
export function preflightHeaders(requiredHeader?: string): OutgoingHttpHeaders {
  if (requiredHeader === undefined) return PREFLIGHT_HEADERS;
  return { ...PREFLIGHT_HEADERS, 'Access-Control-Allow-Headers': `${PREFLIGHT_HEADERS['Access-Control-Allow-Headers']}, ${requiredHeader}` };
}

export function sendJson(res: ServerResponse, status: number, value: unknown, headers: OutgoingHttpHeaders = {}): void {
  const body = Buffer.from(JSON.stringify(value));
  res.writeHead(status, {
    ...CORS_HEADERS,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': body.length,
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(body);
}

export function sendError(res: ServerResponse, status: number, message: string, headers: OutgoingHttpHeaders = {}): void {
  sendJson(res, status, { error: message }, headers);
}

export class BodyTooLargeError extends Error {}

export function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new BodyTooLargeError(`request body is larger than ${limit} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
