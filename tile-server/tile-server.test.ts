import { createHash } from 'node:crypto';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { decodeTile } from './decode-tile.ts';
import { OVERSIZE_BYTES } from './tile-handler.ts';
import { DEFAULT_CACHE_CONTROL, startTileServer, type TileServer } from './tile-server.ts';
import type { Tiler } from './tiler.ts';

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  // false when the server cut the body short
  complete: boolean;
  ms: number;
}

interface Options {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}

// node:http rather than fetch: we need the raw (still gzipped) bytes and to see truncated bodies.
function request(url: string, options: Options = {}): Promise<Reply> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: options.method ?? 'GET', headers: options.headers, agent: false, signal: options.signal }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', () => {});
      res.on('close', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), complete: res.complete, ms: performance.now() - started }),
      );
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

async function json<T = Record<string, unknown>>(url: string, options?: Options): Promise<T> {
  return JSON.parse((await request(url, options)).body.toString()) as T;
}

async function until(check: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const GZIP = { 'Accept-Encoding': 'gzip, deflate, br' };
const WORLD = '/tiles/0/0/0.pbf';
const OCEAN = '/tiles/3/1/5.pbf'; // South Pacific
const PARIS_Z14 = '/tiles/14/8299/5636.pbf'; // small (~100 bytes), for byte-rate tests

// Serves one fixed tile at z0 and nothing else: HTTP behaviour without loading map data.
const fakeTiler: Tiler = { maxZoom: 14, preload() {}, getTile: (z) => (z === 0 ? new Uint8Array([0x1a, 0x00]) : null) };

describe('startTileServer over real data', () => {
  let server: TileServer;
  const url = (path: string) => `${server.url}${path}`;

  beforeAll(async () => {
    server = await startTileServer({ port: 0, preload: false, log: () => {} });
  });
  afterAll(() => server.close());
  afterEach(() => {
    server.setFaults({});
  });

  describe('tiles', () => {
    test('serves a gzipped MVT when gzip is accepted, with a per-representation strong ETag and cache headers', async () => {
      const reply = await request(url(WORLD), { headers: GZIP });
      expect(reply.status).toBe(200);
      expect(reply.headers['content-type']).toBe('application/x-protobuf');
      expect(reply.headers['content-encoding']).toBe('gzip');
      expect(reply.headers.vary).toBe('Accept-Encoding');
      expect(reply.headers['cache-control']).toBe('public, max-age=3600');
      expect(reply.headers['last-modified']).toMatch(/GMT$/);
      const raw = gunzipSync(reply.body);
      expect(reply.headers.etag).toBe(`"${sha256(raw)}-gzip"`);
      expect(Object.keys(decodeTile(raw))).toContain('countries');
    });

    test('serves the same tile uncompressed without Accept-Encoding, hashing to what /__tilehash reports', async () => {
      const reply = await request(url(WORLD));
      expect(reply.headers['content-encoding']).toBeUndefined();
      const hash = await json(url('/__tilehash/0/0/0'));
      expect(hash).toEqual({ status: 200, sha256: sha256(reply.body), bytes: reply.body.length });
      expect(reply.headers.etag).toBe(`"${hash.sha256}"`);
    });

    test('answers 304 to If-None-Match carrying the current ETag, and the full tile to a stale one', async () => {
      const first = await request(url(WORLD), { headers: GZIP });
      const revalidated = await request(url(WORLD), { headers: { ...GZIP, 'If-None-Match': String(first.headers.etag) } });
      expect(revalidated.status).toBe(304);
      expect(revalidated.body.length).toBe(0);
      expect(revalidated.headers.etag).toBe(first.headers.etag);
      expect(revalidated.headers['cache-control']).toBe('public, max-age=3600');
      const stale = await request(url(WORLD), { headers: { ...GZIP, 'If-None-Match': '"not-it"' } });
      expect(stale.status).toBe(200);
    });

    test('answers 304 to If-Modified-Since at Last-Modified', async () => {
      const first = await request(url(WORLD));
      const again = await request(url(WORLD), { headers: { 'If-Modified-Since': String(first.headers['last-modified']) } });
      expect(again.status).toBe(304);
    });

    test('answers 204 with cache headers for an empty ocean tile', async () => {
      const reply = await request(url(OCEAN), { headers: GZIP });
      expect(reply.status).toBe(204);
      expect(reply.body.length).toBe(0);
      expect(reply.headers.etag).toBeDefined();
      expect(reply.headers['cache-control']).toBe('public, max-age=3600');
      expect(await json(url('/__tilehash/3/1/5'))).toMatchObject({ status: 204, bytes: 0 });
    });

    test('answers 404 for coordinates outside the pyramid and zooms past the data max zoom', async () => {
      expect((await request(url('/tiles/1/2/0.pbf'))).status).toBe(404);
      expect((await request(url('/tiles/1/0/2.pbf'))).status).toBe(404);
      expect((await request(url('/tiles/15/0/0.pbf'))).status).toBe(404);
      expect((await request(url('/tiles/a/b/c.pbf'))).status).toBe(404);
      expect(await json(url('/__tilehash/15/0/0'))).toEqual({ status: 404, sha256: null, bytes: 0 });
    });
  });

  describe('CORS', () => {
    test.each([WORLD, OCEAN, '/tiles/1/9/9.pbf', '/health', '/style.json', '/nowhere'])('exposes ETag, Retry-After and friends on %s', async (path) => {
      const reply = await request(url(path));
      expect(reply.headers['access-control-allow-origin']).toBe('*');
      expect(reply.headers['access-control-expose-headers']).toBe('ETag, Retry-After, Cache-Control, Age, Date, Expires, Last-Modified');
    });

    test('answers a preflight with 204 allowing the conditional and cache headers', async () => {
      const reply = await request(url(WORLD), { method: 'OPTIONS', headers: { Origin: 'http://app.test', 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'if-none-match' } });
      expect(reply.status).toBe(204);
      expect(reply.headers['access-control-allow-headers']).toMatch(/If-None-Match/);
      expect(reply.headers['access-control-allow-headers']).toMatch(/If-Modified-Since/);
      expect(reply.headers['access-control-allow-headers']).toMatch(/Cache-Control/);
    });
  });

  describe('style and metadata', () => {
    test('GET /health answers {ok: true}', async () => {
      expect(await json(url('/health'))).toEqual({ ok: true });
    });

    test('/style.json builds its tile URL from the Host header', async () => {
      const style = await json<{ sources: { kestrel: { tiles: string[] } } }>(url('/style.json'), { headers: { Host: 'maps.local:9999' } });
      expect(style.sources.kestrel.tiles).toEqual(['http://maps.local:9999/tiles/{z}/{x}/{y}.pbf']);
    });

    test('serves glyph ranges of the style’s font stack with CORS and cache headers, counted by range', async () => {
      server.resetStats();
      const res = await request(url('/fonts/Noto%20Sans%20Regular/0-255.pbf'));
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/x-protobuf');
      expect(res.headers['access-control-allow-origin']).toBe('*');
      expect(res.headers['cache-control']).toBe(DEFAULT_CACHE_CONTROL);
      expect(res.body.includes(Buffer.from('Noto Sans Regular'))).toBe(true);
      const again = await request(url('/fonts/Noto%20Sans%20Regular/0-255.pbf'), { headers: { 'If-None-Match': String(res.headers.etag) } });
      expect(again.status).toBe(304);
      // A range the font has no glyph in is a small, valid PBF rather than a 404 (MapLibre would log an error).
      const cjk = await request(url('/fonts/Noto%20Sans%20Regular/19968-20223.pbf'));
      expect(cjk.status).toBe(200);
      expect(cjk.body.length).toBeLessThan(64);
      expect(server.stats().byGlyphRange).toEqual({ '0-255': 2, '19968-20223': 1 });
      expect(server.stats().requests).toBe(0);
    });

    test('answers 404 for a font stack it does not have or a range that is not a whole 256', async () => {
      expect((await request(url('/fonts/Comic%20Sans%20MS/0-255.pbf'))).status).toBe(404);
      expect((await request(url('/fonts/Noto%20Sans%20Regular/1-256.pbf'))).status).toBe(404);
    });

    test('/tiles.json honours X-Forwarded-Proto and X-Forwarded-Host', async () => {
      const tj = await json<{ tiles: string[] }>(url('/tiles.json'), { headers: { 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'tiles.example.com' } });
      expect(tj.tiles).toEqual(['https://tiles.example.com/tiles/{z}/{x}/{y}.pbf']);
    });
  });

  describe('/__faults', () => {
    test('GET returns the current document and POST replaces it, {} clearing it', async () => {
      const set = await json(url('/__faults'), { method: 'POST', body: '{"hangRate":0.1,"seed":4}' });
      expect(set).toEqual({ hangRate: 0.1, seed: 4 });
      expect(await json(url('/__faults'))).toEqual({ hangRate: 0.1, seed: 4 });
      await request(url('/__faults'), { method: 'POST', body: '{}' });
      expect(await json(url('/__faults'))).toEqual({});
    });

    test.each([
      ['bad JSON', '{"hangRate":', /not valid JSON/],
      ['an unknown key', '{"hangrate":0.1}', /unknown key "hangrate"/],
      ['a rate above 1', '{"garbageRate":1.2}', /"garbageRate" must be a number in \[0, 1\]/],
      ['a wrong type', '{"down":"yes"}', /"down" must be true or false/],
      ['rates adding up past 1', '{"hangRate":0.7,"htmlRate":0.7}', /add up to 1.4/],
    ])('rejects %s with 400 and a clear message, keeping the previous document', async (_, body, message) => {
      server.setFaults({ seed: 9 });
      const reply = await request(url('/__faults'), { method: 'POST', body });
      expect(reply.status).toBe(400);
      expect(JSON.parse(reply.body.toString()).error).toMatch(message);
      expect(server.faults()).toEqual({ seed: 9 });
    });

    test('never touches /health, /style.json, /tiles.json or the __ routes', async () => {
      server.setFaults({ status: { '503': 1 }, down: true });
      for (const path of ['/health', '/style.json', '/tiles.json', '/__stats', '/__faults', '/__tilehash/0/0/0']) {
        expect((await request(url(path))).status, path).toBe(200);
      }
    });
  });

  describe('fault injection', () => {
    test('answers an injected 503 with no-store and counts it', async () => {
      server.resetStats();
      server.setFaults({ status: { '503': 1 } });
      const reply = await request(url(WORLD));
      expect(reply.status).toBe(503);
      expect(reply.headers['cache-control']).toBe('no-store');
      expect(server.stats().faultsInjected).toEqual({ '503': 1 });
    });

    test('rate-limits with 429 and Retry-After', async () => {
      server.setFaults({ rateLimit: { rate: 1, retryAfterS: 2 } });
      const reply = await request(url(WORLD));
      expect(reply.status).toBe(429);
      expect(reply.headers['retry-after']).toBe('2');
    });

    test('states the Retry-After as an HTTP-date, or not at all, as real hosts do', async () => {
      server.setFaults({ rateLimit: { rate: 1, retryAfterS: 3600, retryAfterForm: 'http-date' } });
      const dated = await request(url(WORLD));
      const at = Date.parse(String(dated.headers['retry-after']));
      expect(at - Date.now()).toBeGreaterThan(3590_000);
      expect(at - Date.now()).toBeLessThan(3601_000);
      server.setFaults({ rateLimit: { rate: 1, retryAfterS: 5, retryAfterForm: 'none' } });
      const bare = await request(url(WORLD));
      expect(bare.status).toBe(429);
      expect(bare.headers['retry-after']).toBeUndefined();
    });

    test('sends garbage as a 200 whose bytes are not the tile', async () => {
      server.setFaults({ garbageRate: 1 });
      const reply = await request(url(WORLD));
      expect(reply.status).toBe(200);
      expect(reply.headers['cache-control']).toBe('no-store');
      expect(sha256(reply.body)).not.toBe((await json(url('/__tilehash/0/0/0'))).sha256);
    });

    test('sends an HTML error page as a 200 text/html', async () => {
      server.setFaults({ htmlRate: 1 });
      const reply = await request(url(WORLD));
      expect(reply.status).toBe(200);
      expect(reply.headers['content-type']).toMatch(/^text\/html/);
      expect(reply.body.toString()).toMatch(/<html/);
    });

    test('truncates: promises the full Content-Length, sends part, then drops the connection', async () => {
      server.setFaults({ truncateRate: 1 });
      const reply = await request(url(WORLD));
      expect(reply.complete).toBe(false);
      expect(reply.body.length).toBeLessThan(Number(reply.headers['content-length']));
    });

    test('oversize: a no-store 200 without Content-Length whose body runs past 4 MiB', async () => {
      server.setFaults({ oversizeRate: 1 });
      const reply = await request(url(WORLD));
      expect(reply.status).toBe(200);
      expect(reply.headers['content-length']).toBeUndefined();
      expect(reply.headers['cache-control']).toBe('no-store');
      expect(reply.body.length).toBe(OVERSIZE_BYTES);
      expect(reply.body.length).toBeGreaterThan(4 * 1024 * 1024);
      expect(server.stats().faultsInjected.oversize).toBeGreaterThan(0);
    });

    test('oversize: stops writing when the client leaves', async () => {
      server.setFaults({ oversizeRate: 1 });
      server.resetStats();
      const controller = new AbortController();
      const pending = request(url(WORLD), { signal: controller.signal }).catch(() => undefined);
      await until(() => server.stats().bytesSent > 0);
      controller.abort();
      await pending;
      await until(() => server.stats().inFlight === 0);
      const sent = server.stats().bytesSent;
      await new Promise((r) => setTimeout(r, 100));
      // nothing written once the client has gone (how much went before depends on loopback buffers)
      expect(server.stats().bytesSent).toBe(sent);
      expect(sent).toBeLessThanOrEqual(OVERSIZE_BYTES);
    });

    test('when down, destroys the socket of every tile request', async () => {
      server.setFaults({ down: true });
      await expect(request(url(WORLD))).rejects.toThrow(/socket hang up|ECONNRESET/);
      await until(() => server.stats().inFlight === 0);
      expect(server.stats().faultsInjected.down).toBeGreaterThan(0);
      server.setFaults({});
      expect((await request(url(WORLD))).status).toBe(200);
    });

    test('trickles a slow body at the requested rate and still delivers the whole tile', async () => {
      const whole = await request(url(PARIS_Z14));
      server.setFaults({ slowBody: { rate: 1, bytesPerSecond: whole.body.length * 4 } });
      const slow = await request(url(PARIS_Z14));
      expect(slow.body.equals(whole.body)).toBe(true);
      expect(slow.ms).toBeGreaterThan(200);
    });

    test('delays responses by the injected latency', async () => {
      await request(url(WORLD));
      server.setFaults({ latencyMs: { base: 150, jitter: 0 } });
      expect((await request(url(WORLD))).ms).toBeGreaterThanOrEqual(145);
    });

    test('replays the same decisions when the same seeded document is set again', async () => {
      const statuses = async () => {
        server.setFaults({ seed: 42, status: { '500': 0.5 } });
        const out: number[] = [];
        for (let i = 0; i < 16; i++) out.push((await request(url(WORLD))).status);
        return out;
      };
      const first = await statuses();
      expect(new Set(first)).toEqual(new Set([200, 500]));
      expect(await statuses()).toEqual(first);
    });

    test('queues tile requests past maxConnections until a slot frees', async () => {
      await request(url(WORLD));
      server.setFaults({ maxConnections: 1, latencyMs: { base: 120, jitter: 0 } });
      const started = performance.now();
      const replies = Promise.all([0, 1, 2].map(() => request(url(WORLD))));
      await until(() => server.stats().queued === 2);
      expect((await replies).map((r) => r.status)).toEqual([200, 200, 200]);
      expect(performance.now() - started).toBeGreaterThanOrEqual(350);
    });

    test('cleans up a hanging request when the client aborts', async () => {
      server.resetStats();
      server.setFaults({ hangRate: 1 });
      const abort = new AbortController();
      const hanging = request(url(WORLD), { signal: abort.signal }).catch((error: Error) => error);
      await until(() => server.stats().inFlight === 1 && server.stats().faultsInjected.hang === 1);
      abort.abort();
      expect(await hanging).toBeInstanceOf(Error);
      await until(() => server.stats().inFlight === 0);
    });
  });

  describe('/__stats', () => {
    test('counts tile requests by tile and status, arrival times, bytes and the most in flight at once', async () => {
      await request(url(WORLD));
      server.setFaults({ latencyMs: { base: 250, jitter: 0 } });
      await json(url('/__stats/reset'), { method: 'POST' });
      await Promise.all([WORLD, WORLD, WORLD, OCEAN].map((p) => request(url(p), { headers: GZIP })));
      const stats = await json<Record<string, any>>(url('/__stats'));
      expect(stats.requests).toBe(4);
      expect(stats.byTile).toEqual({ '0/0/0': 3, '3/1/5': 1 });
      expect(stats.byStatus).toEqual({ '200': 3, '204': 1 });
      expect(stats.byTileTimes['0/0/0']).toHaveLength(3);
      expect(stats.byTileTimes['0/0/0'][0]).toBeLessThanOrEqual(stats.now);
      expect(stats.maxInFlight).toBe(4);
      expect(stats.inFlight).toBe(0);
      expect(stats.bytesSent).toBe(3 * Number((await request(url(WORLD), { headers: GZIP })).body.length));
    });

    test('times each tile response the client received in full, injected latency included; a dropped one has none', async () => {
      await request(url(WORLD));
      server.setFaults({ latencyMs: { base: 150, jitter: 0 } });
      await json(url('/__stats/reset'), { method: 'POST' });
      const replies = await Promise.all([WORLD, OCEAN].map((p) => request(url(p))));
      server.setFaults({ down: true });
      await request(url(WORLD)).catch(() => undefined);
      const stats = await json<Record<string, any>>(url('/__stats'));
      expect(stats.requests).toBe(3);
      expect(stats.tileDurationsMs).toHaveLength(2);
      for (const ms of stats.tileDurationsMs) expect(ms).toBeGreaterThanOrEqual(149);
      // the server's figure is the inner part of what the client waited
      expect(Math.max(...stats.tileDurationsMs)).toBeLessThanOrEqual(Math.max(...replies.map((r) => r.ms)));
    });

    test('POST /__stats/reset clears the counts', async () => {
      await request(url(WORLD));
      const reset = await json<Record<string, unknown>>(url('/__stats/reset'), { method: 'POST' });
      expect(reset).toMatchObject({ requests: 0, byTile: {}, tileDurationsMs: [], byStatus: {}, bytesSent: 0, maxInFlight: 0 });
    });
  });
});

describe('startTileServer options', () => {
  test('serves the place search index at /places.tsv with CORS, building it once', async () => {
    let builds = 0;
    const server = await startTileServer({ port: 0, tiler: fakeTiler, log: () => {}, placeIndex: () => `#kestrel-places v1\n${++builds}\n` });
    try {
      const first = await request(`${server.url}/places.tsv`);
      expect(first.status).toBe(200);
      expect(first.headers['content-type']).toBe('text/tab-separated-values; charset=utf-8');
      expect(first.headers['access-control-allow-origin']).toBe('*');
      expect(first.body.toString()).toBe('#kestrel-places v1\n1\n');
      expect((await request(`${server.url}/places.tsv`)).body.toString()).toBe('#kestrel-places v1\n1\n');
      expect(builds).toBe(1);
    } finally {
      await server.close();
    }
  });

  test('uses the configured Cache-Control for tiles', async () => {
    const server = await startTileServer({ tiler: fakeTiler, cacheControl: 'no-cache', log: () => {} });
    try {
      expect((await request(`${server.url}${WORLD}`)).headers['cache-control']).toBe('no-cache');
    } finally {
      await server.close();
    }
  });

  test('applies initial faults given at start', async () => {
    const server = await startTileServer({ tiler: fakeTiler, faults: { status: { '502': 1 } }, log: () => {} });
    try {
      expect((await request(`${server.url}${WORLD}`)).status).toBe(502);
    } finally {
      await server.close();
    }
  });

  test('close() ends hanging requests instead of waiting for them', async () => {
    const server = await startTileServer({ tiler: fakeTiler, faults: { hangRate: 1 }, log: () => {} });
    const hanging = request(`${server.url}${WORLD}`).catch((error: Error) => error);
    await until(() => server.stats().inFlight === 1);
    const started = performance.now();
    await server.close();
    expect(performance.now() - started).toBeLessThan(1000);
    expect(await hanging).toBeInstanceOf(Error);
  });

  test('warms the requested pyramid before listening', async () => {
    const server = await startTileServer({ tiler: fakeTiler, warm: { minZoom: 0, maxZoom: 2 }, log: () => {} });
    try {
      expect(server.startup.warmedTiles).toBe(21);
      expect(server.stats().cache.entries).toBe(21);
    } finally {
      await server.close();
    }
  });

  test('rejects an invalid initial fault document', async () => {
    await expect(startTileServer({ tiler: fakeTiler, faults: { nope: 1 }, log: () => {} })).rejects.toThrow(/unknown key "nope"/);
  });
});

describe('startTileServer with requireHeader', () => {
  const KEY = { name: 'X-Api-Key', value: 'secret-123' };
  const GUARDED = [WORLD, '/style.json', '/tiles.json'];
  let server: TileServer;
  const url = (path: string) => `${server.url}${path}`;

  beforeAll(async () => {
    server = await startTileServer({ tiler: fakeTiler, requireHeader: KEY, log: () => {} });
  });
  afterAll(() => server.close());
  afterEach(() => {
    server.setRequireHeader(KEY);
    server.resetStats();
  });

  test('answers 401 with a readable JSON body to a tile, style or TileJSON request without the header, and counts each', async () => {
    for (const path of GUARDED) {
      const reply = await request(url(path));
      expect(reply.status, path).toBe(401);
      expect(reply.headers['content-type'], path).toMatch(/^application\/json/);
      expect(reply.headers['access-control-allow-origin'], path).toBe('*');
      expect(reply.headers['cache-control'], path).toBe('no-store');
      expect(JSON.parse(reply.body.toString()), path).toEqual({ error: 'missing or wrong x-api-key header' });
      expect(reply.body.toString(), 'the wanted value is never told').not.toContain('secret-123');
    }
    expect(server.stats()).toMatchObject({ unauthorized: 3, requests: 1, byStatus: { '401': 1 } });
  });

  test('serves the request that carries the header with its value (the name in any case), and refuses a wrong value', async () => {
    for (const path of GUARDED) {
      expect((await request(url(path), { headers: { 'x-api-key': 'secret-123' } })).status, path).toBe(200);
      expect((await request(url(path), { headers: { 'X-API-KEY': 'secret-123' } })).status, path).toBe(200);
      expect((await request(url(path), { headers: { 'X-Api-Key': 'secret-124' } })).status, path).toBe(401);
    }
    expect(server.stats()).toMatchObject({ unauthorized: 3, byStatus: { '200': 2, '401': 1 } });
  });

  test('answers a preflight with 204, allowing the required header beside the conditional ones', async () => {
    const reply = await request(url(WORLD), { method: 'OPTIONS', headers: { Origin: 'http://app.test', 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'x-api-key' } });
    expect(reply.status).toBe(204);
    expect(reply.headers['access-control-allow-headers']).toMatch(/(^|, )x-api-key(,|$)/i);
    expect(reply.headers['access-control-allow-headers']).toMatch(/If-None-Match/);
    expect(server.stats().unauthorized).toBe(0);
  });

  test('leaves /health, /__tilehash and the control routes open', async () => {
    for (const path of ['/health', '/__tilehash/0/0/0', '/__stats', '/__faults', '/__require-header']) {
      expect((await request(url(path))).status, path).toBe(200);
    }
  });

  test('is changed while running by setRequireHeader or POST /__require-header, and left in place by setFaults({})', async () => {
    server.setFaults({});
    expect((await request(url(WORLD))).status).toBe(401);
    expect(await json(url('/__require-header'))).toEqual({ name: 'x-api-key', value: 'secret-123' });
    expect(await json(url('/__require-header'), { method: 'POST', body: '{}' })).toEqual({});
    expect((await request(url(WORLD))).status).toBe(200);
    await json(url('/__require-header'), { method: 'POST', body: '{"name":"Authorization","value":"Bearer t0k3n"}' });
    expect((await request(url('/style.json'), { headers: { Authorization: 'Bearer t0k3n' } })).status).toBe(200);
    expect((await request(url('/style.json'), { headers: { 'X-Api-Key': 'secret-123' } })).status).toBe(401);
    server.setRequireHeader(undefined);
    expect((await request(url('/style.json'))).status).toBe(200);
  });

  test.each([
    ['no name', '{"value":"x"}', /requireHeader.name must be a header name/],
    ['a name that is no header name', '{"name":"x api key","value":"x"}', /requireHeader.name must be a header name/],
    ['an empty value', '{"name":"x-api-key","value":" "}', /requireHeader.value must be a non-empty string/],
    ['an unknown key', '{"name":"x-api-key","value":"x","scheme":"Bearer"}', /unknown key "scheme"/],
  ])('refuses %s with 400, keeping the header it had', async (_, body, message) => {
    const reply = await request(url('/__require-header'), { method: 'POST', body });
    expect(reply.status).toBe(400);
    expect(JSON.parse(reply.body.toString()).error).toMatch(message);
    expect(server.requireHeader()).toEqual({ name: 'x-api-key', value: 'secret-123' });
  });

  test('rejects an invalid required header at start', async () => {
    await expect(startTileServer({ tiler: fakeTiler, requireHeader: { name: 'bad name', value: 'x' }, log: () => {} })).rejects.toThrow(/requireHeader.name/);
  });
});
