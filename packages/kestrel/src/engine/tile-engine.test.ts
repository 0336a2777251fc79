import { describe, expect, it } from 'vitest';
import type { CameraSnapshot } from '../contract/engine-api.ts';
import { engineHarness } from '../../test/engine-harness.ts';
import { mvtTile, pngTile, utf8 } from '../../test/tile-fixtures.ts';
import { EngineError, toEngineFailure } from './tile-engine.ts';

const URL_A = 'https://a.test/4/8/8.pbf';
const bytesOf = (buffer: ArrayBuffer | null | undefined) => (buffer ? new Uint8Array(buffer) : null);

describe('TileEngine: the request pipeline', () => {
  it('fetches, validates and returns a tile, then writes it to the cache', async () => {
    const h = engineHarness();
    const tile = mvtTile();
    const s = h.start(h.req(URL_A, { purpose: 'visible' }));
    await h.tick();
    expect(h.fetcher.calls).toHaveLength(1);
    h.fetcher.last().respond(200, tile, { 'cache-control': 'max-age=60' });
    await h.tick();
    expect(s.value).toMatchObject({ status: 'ok', tier: 'network', stale: false, cacheControl: 'max-age=60' });
    expect(bytesOf(s.value?.data)).toEqual(tile);
    expect(h.cache.puts).toHaveLength(1);
    expect(h.cache.puts[0].answer).toMatchObject({ url: URL_A, status: 200, purpose: 'visible' });
    const stats = h.engine.stats();
    expect(stats.requests).toMatchObject({ total: 1, ok: 1 });
    expect(stats.cache.hits.network).toBe(1);
    expect(stats.bytes.network).toBe(tile.byteLength);
    expect(stats.latencyMs.network.count).toBe(1);
  });

  it('answers 404 and 204 as "no tile", caches that answer, and counts noTile', async () => {
    const h = engineHarness();
    const a = h.start(h.req('https://a.test/1.pbf'));
    const b = h.start(h.req('https://a.test/2.pbf'));
    await h.tick();
    h.fetcher.calls[0].respond(404, 'Not Found');
    h.fetcher.calls[1].respond(204);
    await h.tick();
    expect(a.value).toMatchObject({ status: 'no-tile', data: null });
    expect(b.value).toMatchObject({ status: 'no-tile', data: null });
    expect(h.cache.puts.map((p) => p.answer.status)).toEqual([404, 204]);
    expect(h.engine.stats().requests.noTile).toBe(2);
  });

  it('accepts an empty 200 as an empty vector tile but treats an empty raster as no tile', async () => {
    const h = engineHarness();
    const v = h.start(h.req('https://a.test/v.pbf'));
    const r = h.start(h.req('https://a.test/r.png', { kind: 'raster' }));
    await h.tick();
    h.fetcher.calls[0].respond(200, new Uint8Array(0));
    h.fetcher.calls[1].respond(200, new Uint8Array(0));
    await h.tick();
    expect(v.value?.status).toBe('ok');
    expect(v.value?.data?.byteLength).toBe(0);
    expect(r.value?.status).toBe('no-tile');
  });

  it('rejects an HTML body without retrying it', async () => {
    const h = engineHarness();
    const s = h.start(h.req());
    await h.tick();
    h.fetcher.last().respond(200, '<!doctype html><title>Portal</title>', { 'content-type': 'text/html' });
    await h.clock.runAll();
    expect(s.error).toBeInstanceOf(EngineError);
    expect(s.error?.failure).toMatchObject({ reason: 'html-body', attempts: 1 });
    expect(h.fetcher.calls).toHaveLength(1);
    expect(h.engine.stats().failures['html-body']).toBe(1);
  });

  it('rejects a body over maxTileBytes as oversized', async () => {
    const h = engineHarness({ maxTileBytes: 100 });
    const s = h.start(h.req('https://a.test/big.png', { kind: 'raster' }));
    await h.tick();
    h.fetcher.last().respond(200, pngTile(500));
    await h.clock.runAll();
    expect(s.error?.failure.reason).toBe('oversized');
  });

  it('gives every answer its own ArrayBuffer', async () => {
    const h = engineHarness();
    const a = h.start(h.req(URL_A));
    const b = h.start(h.req(URL_A));
    await h.tick();
    h.fetcher.last().respond(200, mvtTile());
    await h.tick();
    expect(a.value?.data).not.toBe(b.value?.data);
    expect(bytesOf(a.value?.data)).toEqual(bytesOf(b.value?.data));
  });

  it('coalesces by URL when there is no cache', async () => {
    const h = engineHarness({}, { cache: false });
    h.start(h.req(URL_A));
    h.start(h.req(URL_A));
    await h.tick();
    expect(h.fetcher.calls).toHaveLength(1);
    expect(h.engine.stats().requests.coalesced).toBe(1);
    expect(h.engine.stats().cache.idb.status).toBe('disabled');
  });
});

describe('TileEngine: cache tiers', () => {
  it('serves a fresh entry from its tier without touching the network', async () => {
    const h = engineHarness();
    const tile = mvtTile();
    h.cache.seed(URL_A, { bytes: tile, tier: 'idb', cacheControl: 'max-age=3600' });
    const s = h.start(h.req(URL_A));
    await h.tick();
    expect(s.value).toMatchObject({ status: 'ok', tier: 'idb', stale: false, cacheControl: 'max-age=3600' });
    expect(bytesOf(s.value?.data)).toEqual(tile);
    expect(h.fetcher.calls).toHaveLength(0);
    const stats = h.engine.stats();
    expect(stats.cache.hits.idb).toBe(1);
    expect(stats.latencyMs.idb.count).toBe(1);
  });

  it('serves a cached "no tile" answer as no-tile', async () => {
    const h = engineHarness();
    h.cache.seed(URL_A, { bytes: null });
    const s = h.start(h.req(URL_A));
    await h.tick();
    expect(s.value).toMatchObject({ status: 'no-tile', data: null, tier: 'memory' });
  });

  it('serves a stale entry at once and revalidates it in the background with its conditional headers', async () => {
    const h = engineHarness();
    h.cache.seed(URL_A, { bytes: mvtTile(), freshness: 'stale', revalidationHeaders: { 'If-None-Match': '"v1"' } });
    const s = h.start(h.req(URL_A));
    await h.tick();
    expect(s.value).toMatchObject({ status: 'ok', tier: 'memory', stale: true });
    expect(h.fetcher.calls).toHaveLength(1);
    expect(h.fetcher.last().conditionalHeaders).toEqual({ 'If-None-Match': '"v1"' });
    h.fetcher.last().respond(304, null, { 'cache-control': 'max-age=60' });
    await h.tick();
    expect(h.cache.refreshes).toEqual([{ key: h.cache.keyFor({ url: URL_A }), headers: { 'cache-control': 'max-age=60' } }]);
    expect(h.engine.stats().cache.hits.staleServed).toBe(1);
  });

  it('writes a changed tile found by a background revalidation', async () => {
    const h = engineHarness();
    h.cache.seed(URL_A, { bytes: mvtTile(), freshness: 'stale', revalidationHeaders: { 'If-None-Match': '"v1"' } });
    h.start(h.req(URL_A));
    await h.tick();
    h.fetcher.last().respond(200, mvtTile([{ name: 'new', points: [[1, 1]] }]), { etag: '"v2"' });
    await h.tick();
    expect(h.cache.puts).toHaveLength(1);
    expect(h.cache.puts[0].answer).toMatchObject({ status: 200, purpose: 'revalidate' });
  });

  it('asks the network first for a must-revalidate entry and serves the cached bytes on 304', async () => {
    const h = engineHarness();
    const tile = mvtTile();
    h.cache.seed(URL_A, { bytes: tile, tier: 'idb', freshness: 'revalidate', revalidationHeaders: { 'If-Modified-Since': 'x' } });
    const s = h.start(h.req(URL_A));
    await h.tick();
    expect(s.done).toBe(false);
    expect(h.fetcher.last().conditionalHeaders).toEqual({ 'If-Modified-Since': 'x' });
    h.fetcher.last().respond(304);
    await h.tick();
    expect(s.value).toMatchObject({ status: 'ok', tier: 'idb', stale: false });
    expect(bytesOf(s.value?.data)).toEqual(tile);
    expect(h.cache.refreshes).toHaveLength(1);
    expect(h.engine.stats().cache.hits.revalidated304).toBe(1);
    expect(h.engine.stats().revalidations).toEqual({ notModified: 1, changed: 0 });
  });

  it('takes a 200 carrying the validator it holds as not modified: the cached bytes stay, nothing is rewritten', async () => {
    const h = engineHarness();
    const tile = mvtTile();
    h.cache.seed(URL_A, { bytes: tile, tier: 'idb', freshness: 'revalidate', revalidationHeaders: { 'If-None-Match': 'W/"v1"' } });
    const s = h.start(h.req(URL_A));
    await h.tick();
    // the fetcher dropped the validator (cross-origin) and the HTTP cache turned the host's 304 into its stored 200
    h.fetcher.last().respond(200, mvtTile([{ name: 'same', points: [[1, 1]] }]), { etag: '"v1"' });
    await h.tick();
    expect(bytesOf(s.value?.data)).toEqual(tile);
    expect(h.cache.puts).toHaveLength(0);
    expect(h.cache.refreshes).toHaveLength(1);
    expect(h.engine.stats().revalidations).toEqual({ notModified: 1, changed: 0 });
  });

  it('serves a must-revalidate entry at once, marked stale, when the device is offline', async () => {
    const h = engineHarness({}, { online: false });
    const tile = mvtTile();
    h.cache.seed(URL_A, { bytes: tile, tier: 'idb', freshness: 'revalidate', revalidationHeaders: { 'If-Modified-Since': 'x' } });
    const s = h.start(h.req(URL_A));
    await h.tick();
    expect(s.value).toMatchObject({ status: 'ok', tier: 'idb', stale: true });
    expect(h.fetcher.calls).toHaveLength(0);
  });

  it('serves the new bytes when a must-revalidate entry changed', async () => {
    const h = engineHarness();
    h.cache.seed(URL_A, { bytes: mvtTile(), freshness: 'revalidate', revalidationHeaders: { 'If-None-Match': '"a"' } });
    const s = h.start(h.req(URL_A));
    await h.tick();
    const fresh = mvtTile([{ name: 'fresh', points: [[9, 9]] }]);
    h.fetcher.last().respond(200, fresh);
    await h.tick();
    expect(s.value).toMatchObject({ tier: 'network', stale: false });
    expect(bytesOf(s.value?.data)).toEqual(fresh);
    expect(h.engine.stats().revalidations).toEqual({ notModified: 0, changed: 1 });
  });

  it('serves a stale copy when the network fails, and counts it', async () => {
    const h = engineHarness({ retry: { maxAttempts: 1 } });
    const tile = mvtTile();
    h.cache.seed(URL_A, { bytes: tile, freshness: 'revalidate', revalidationHeaders: { 'If-None-Match': '"a"' } });
    const s = h.start(h.req(URL_A));
    await h.tick();
    h.fetcher.last().fail();
    await h.tick();
    expect(s.value).toMatchObject({ status: 'ok', stale: true, tier: 'memory' });
    expect(bytesOf(s.value?.data)).toEqual(tile);
    const stats = h.engine.stats();
    expect(stats.cache.hits.staleServed).toBe(1);
    expect(stats.failures.network).toBe(1);
    expect(stats.requests.ok).toBe(1);
  });

  it('drops a corrupt cached entry and fetches instead', async () => {
    const h = engineHarness();
    h.cache.seed(URL_A, { bytes: utf8('<html>oops</html>') });
    const s = h.start(h.req(URL_A));
    await h.tick();
    expect(h.cache.drops).toEqual([h.cache.keyFor({ url: URL_A })]);
    h.fetcher.last().respond(200, mvtTile());
    await h.tick();
    expect(s.value).toMatchObject({ status: 'ok', tier: 'network' });
    expect(h.engine.stats().cache.idb.corruptDropped).toBe(1);
  });

  it('treats a failing cache lookup as a miss', async () => {
    const h = engineHarness();
    h.cache.failGets = true;
    const s = h.start(h.req(URL_A));
    await h.tick();
    h.fetcher.last().respond(200, mvtTile());
    await h.tick();
    expect(s.value?.tier).toBe('network');
  });

  it('writes a prefetch answer to the cache marked as prefetch; the figures count only the prefetcher own asks', async () => {
    const h = engineHarness();
    const p = h.start(h.req('https://a.test/p.pbf', { purpose: 'prefetch' }));
    await h.tick();
    h.fetcher.last().respond(200, mvtTile());
    await h.tick();
    expect(p.value?.status).toBe('ok');
    expect(h.cache.puts[0].answer.purpose).toBe('prefetch');
    // issued/completed/used come from the prefetcher's ledger (prefetcher.test.ts), not from any 'prefetch' ask
    expect(h.engine.stats().prefetch).toMatchObject({ issued: 0, completed: 0, used: 0 });
  });

  it('marks an answer from a prefetched entry as prefetched, and remembers where each visible tile came from', async () => {
    const h = engineHarness();
    h.cache.seed(URL_A, { bytes: mvtTile(), tier: 'memory', prefetched: true });
    h.cache.seed('https://a.test/4/9/8.pbf', { bytes: mvtTile(), tier: 'idb' });
    const p = h.start(h.req(URL_A));
    const q = h.start(h.req('https://a.test/4/9/8.pbf'));
    const n = h.start(h.req('https://a.test/4/10/8.pbf'));
    const bulk = h.start(h.req('https://a.test/4/11/8.pbf', { purpose: 'prefetch' }));
    await h.tick();
    for (const call of h.fetcher.calls) call.respond(200, mvtTile());
    await h.tick();
    expect(p.value).toMatchObject({ tier: 'memory', prefetched: true });
    expect(q.value?.prefetched).toBeUndefined();
    expect([n.value?.tier, bulk.value?.tier]).toEqual(['network', 'network']);
    // only MapLibre's own (visible) asks are on screen; a prefetch answer is not
    expect(h.engine.tileSources(['4/8/8', '4/9/8', '4/10/8', '4/11/8', '5/0/0'])).toEqual({ '4/8/8': 'prefetched', '4/9/8': 'idb', '4/10/8': 'network' });
  });
});

describe('TileEngine: cancellation and coalescing', () => {
  it('shares one fetch between two askers; cancelling one keeps it, cancelling both aborts it', async () => {
    const h = engineHarness();
    const r1 = h.req(URL_A);
    const r2 = h.req(URL_A);
    const a = h.start(r1);
    const b = h.start(r2);
    await h.tick();
    expect(h.fetcher.calls).toHaveLength(1);
    h.engine.cancel(r1.id);
    await h.tick();
    expect(a.error?.failure.reason).toBe('aborted');
    expect(a.error?.name).toBe('AbortError');
    expect(h.fetcher.last().aborted).toBe(false);
    h.engine.cancel(r2.id);
    await h.tick();
    expect(b.error?.failure.reason).toBe('aborted');
    expect(h.fetcher.last().aborted).toBe(true);
    expect(h.engine.stats().requests).toMatchObject({ aborted: 2, coalesced: 1 });
  });

  it('keeps the fetch for the remaining asker and delivers to it', async () => {
    const h = engineHarness();
    const r1 = h.req(URL_A);
    h.start(r1);
    const b = h.start(h.req(URL_A));
    await h.tick();
    h.engine.cancel(r1.id);
    h.fetcher.last().respond(200, mvtTile());
    await h.tick();
    expect(b.value?.status).toBe('ok');
  });

  it('frees the slot of a cancelled fetch at once, even if the fetch never settles', async () => {
    const h = engineHarness({ maxInFlight: 1 });
    const first = h.req('https://a.test/1.pbf');
    h.start(first);
    const second = h.start(h.req('https://a.test/2.pbf'));
    await h.tick();
    expect(h.fetcher.calls).toHaveLength(1);
    h.engine.cancel(first.id);
    await h.tick();
    expect(h.fetcher.calls).toHaveLength(2);
    h.fetcher.last().respond(200, mvtTile());
    await h.tick();
    expect(second.value?.status).toBe('ok');
  });

  it('removes a queued request without ever fetching it', async () => {
    const h = engineHarness({ maxInFlight: 1 });
    h.start(h.req('https://a.test/1.pbf'));
    const queued = h.req('https://a.test/2.pbf');
    const s = h.start(queued);
    await h.tick();
    expect(h.engine.stats().queue.now).toBe(1);
    h.engine.cancel(queued.id);
    await h.tick();
    expect(s.error?.failure.reason).toBe('aborted');
    expect(h.engine.stats().queue.now).toBe(0);
    h.fetcher.last().respond(200, mvtTile());
    await h.clock.runAll();
    expect(h.fetcher.calls).toHaveLength(1);
  });

  it('honours an AbortSignal, including one aborted while the cache lookup is pending', async () => {
    const h = engineHarness();
    const c = new AbortController();
    const s = h.start(h.req(URL_A), c.signal);
    c.abort();
    await h.tick();
    expect(s.error?.failure.reason).toBe('aborted');
    expect(h.fetcher.calls).toHaveLength(0);
  });

  it('maps its errors to plain EngineFailure data for the thread boundary', () => {
    expect(toEngineFailure(EngineError.of('http-5xx', 'HTTP 503', 4, 503))).toEqual({
      reason: 'http-5xx',
      message: 'HTTP 503',
      attempts: 4,
      status: 503,
    });
    expect(toEngineFailure(new DOMException('x', 'AbortError')).reason).toBe('aborted');
    expect(toEngineFailure('weird').reason).toBe('network');
  });

  it('dispose rejects everything pending, clears its timers and refuses new requests', async () => {
    const h = engineHarness({ maxInFlight: 1 });
    const a = h.start(h.req('https://a.test/1.pbf'));
    const b = h.start(h.req('https://a.test/2.pbf'));
    await h.tick();
    h.engine.dispose();
    await h.tick();
    expect(a.error?.failure.reason).toBe('aborted');
    expect(b.error?.failure.reason).toBe('aborted');
    expect(h.clock.pending()).toBe(0);
    const c = h.start(h.req('https://a.test/3.pbf'));
    await h.tick();
    expect(c.error?.failure.reason).toBe('aborted');
  });
});

describe('TileEngine: priority', () => {
  const camera = (lng: number, zoom: number): CameraSnapshot => ({
    center: [lng, 0],
    zoom,
    bearing: 0,
    pitch: 0,
    width: 1024,
    height: 768,
    bounds: [lng - 10, -10, lng + 10, 10],
    time: 0,
  });

  it('fetches queued tiles nearest the camera first, and reorders when the camera moves', async () => {
    const h = engineHarness({ maxInFlight: 1 });
    // camera x at z4: lng -150 → 1.3, lng 120 → 13.3
    h.engine.setCamera(camera(-150, 4));
    h.start(h.req('https://a.test/blocker.pbf'));
    const tile = (x: number) => h.req(`https://a.test/4/${x}/8.pbf`, { coord: { z: 4, x, y: 8 } });
    for (const x of [2, 8, 13]) h.start(tile(x));
    await h.tick();
    h.engine.setCamera(camera(120, 4));
    const order: string[] = [];
    for (let i = 0; i < 4; i++) {
      const call = h.fetcher.last();
      order.push(call.url);
      call.respond(200, mvtTile());
      await h.tick();
    }
    expect(order.slice(1)).toEqual(['https://a.test/4/13/8.pbf', 'https://a.test/4/8/8.pbf', 'https://a.test/4/2/8.pbf']);
  });

  it('runs visible work before prefetch, and holds prefetch back while visible work waits', async () => {
    const h = engineHarness({ maxInFlight: 2, maxInFlightPerHost: 2, prefetch: { maxShare: 0.5 } });
    h.start(h.req('https://a.test/v1.pbf'));
    h.start(h.req('https://a.test/v2.pbf'));
    h.start(h.req('https://a.test/p1.pbf', { purpose: 'prefetch' }));
    h.start(h.req('https://a.test/v3.pbf'));
    await h.tick();
    expect(h.engine.stats().queue.byPurpose).toMatchObject({ visible: 1, prefetch: 1 });
    h.fetcher.calls[0].respond(200, mvtTile());
    await h.tick();
    expect(h.fetcher.calls.map((c) => c.url.split('/').pop())).toEqual(['v1.pbf', 'v2.pbf', 'v3.pbf']);
    h.fetcher.calls[1].respond(200, mvtTile());
    await h.tick();
    expect(h.fetcher.last().url).toBe('https://a.test/p1.pbf');
  });
});
