import { describe, expect, it } from 'vitest';
import { engineHarness } from '../../test/engine-harness.ts';
import { mvtTile, utf8 } from '../../test/tile-fixtures.ts';

const TILE = 'https://a.test/4/8/8.pbf';
const STYLE = 'https://a.test/style.json';
const bytesOf = (buffer: ArrayBuffer | null | undefined) => (buffer ? new Uint8Array(buffer) : null);
const text = (buffer: ArrayBuffer | null | undefined) => new TextDecoder().decode(bytesOf(buffer) ?? new Uint8Array(0));

describe('TileEngine offline', () => {
  it('serves a stale entry with no network call while offline, and revalidates it once back online', async () => {
    const h = engineHarness({}, { online: false });
    const tile = mvtTile();
    h.cache.seed(TILE, { bytes: tile, tier: 'idb', freshness: 'stale', revalidationHeaders: { 'If-None-Match': '"v1"' } });
    const s = h.start(h.req(TILE));
    await h.tick();
    expect(s.value).toMatchObject({ status: 'ok', stale: true });
    expect(bytesOf(s.value?.data)).toEqual(tile);
    await h.clock.advance(5000);
    expect(h.fetcher.calls, 'nothing asked of the network while offline').toHaveLength(0);

    h.network.online = true;
    await h.clock.advance(1000);
    expect(h.fetcher.calls).toHaveLength(1);
    expect(h.fetcher.last().url).toBe(TILE);
    expect(h.fetcher.last().conditionalHeaders).toEqual({ 'If-None-Match': '"v1"' });
    h.fetcher.last().respond(304, null, { etag: '"v1"' });
    await h.tick();
    expect(h.engine.stats().cache.hits.staleServed).toBe(1);
    expect(h.cache.refreshes.map((r) => r.key)).toEqual([TILE]);
  });

  it('defers a no-cache resource served stale offline, and asks for it again once online', async () => {
    const h = engineHarness({}, { online: false });
    h.cache.seed(STYLE, { bytes: utf8('{"version":8}'), freshness: 'revalidate', revalidationHeaders: {} });
    const s = h.start(h.req(STYLE, { kind: 'resource' }));
    await h.tick();
    expect(text(s.value?.data)).toBe('{"version":8}');
    expect(s.value?.stale).toBe(true);
    h.network.online = true;
    await h.clock.advance(1000);
    expect(h.fetcher.calls.map((c) => c.url)).toEqual([STYLE]);
  });

  it('tries an uncached tile once while offline, then fails it as offline: no retry, the breaker untouched', async () => {
    const h = engineHarness({ breaker: { failureThreshold: 2 } }, { online: false });
    const failures = [];
    for (let i = 0; i < 3; i++) {
      const s = h.start(h.req(`https://a.test/4/8/${i}.pbf`));
      await h.tick();
      h.fetcher.last().fail();
      await h.clock.advance(10_000);
      failures.push(s.error?.failure);
    }
    expect(h.fetcher.calls, 'one attempt each').toHaveLength(3);
    expect(failures.map((f) => f?.reason)).toEqual(['offline', 'offline', 'offline']);
    const stats = h.engine.stats();
    expect(stats.failures.offline).toBe(3);
    expect(stats.retries.total).toBe(0);
    expect(stats.breakers['a.test']?.state ?? 'closed').toBe('closed');
  });

  it('still answers an uncached tile offline when the network does (a tile server on localhost)', async () => {
    const h = engineHarness({}, { online: false });
    const tile = mvtTile();
    const s = h.start(h.req(TILE));
    await h.tick();
    h.fetcher.last().respond(200, tile);
    await h.tick();
    expect(s.value).toMatchObject({ status: 'ok', tier: 'network' });
  });
});

describe('TileEngine resources', () => {
  it('never hands out an HTML page for a resource: it fails, or falls back to the stale copy', async () => {
    const h = engineHarness({ retry: { maxAttempts: 1 } });
    const login = utf8('<!doctype html><html><body>Sign in</body></html>');
    const fresh = h.start(h.req(STYLE, { kind: 'resource' }));
    await h.tick();
    h.fetcher.last().respond(200, login, { 'content-type': 'text/html' });
    await h.tick();
    expect(fresh.error?.failure.reason).toBe('html-body');
    expect(h.cache.puts).toHaveLength(0);

    h.cache.seed(STYLE, { bytes: utf8('{"version":8}'), freshness: 'revalidate', revalidationHeaders: {} });
    const stale = h.start(h.req(STYLE, { kind: 'resource' }));
    await h.tick();
    h.fetcher.last().respond(200, login, { 'content-type': 'text/html' });
    await h.tick();
    expect(stale.value).toMatchObject({ stale: true });
    expect(text(stale.value?.data)).toBe('{"version":8}');
  });

  it('drops a cached resource whose JSON no longer parses instead of serving it', async () => {
    const h = engineHarness();
    h.cache.seed(STYLE, { bytes: utf8('{"version":8,"sour'), freshness: 'fresh' });
    const s = h.start(h.req(STYLE, { kind: 'resource' }));
    await h.tick();
    expect(h.cache.drops).toEqual([STYLE]);
    h.fetcher.last().respond(200, utf8('{"version":8}'), { 'content-type': 'application/json' });
    await h.tick();
    expect(text(s.value?.data)).toBe('{"version":8}');
  });
});
