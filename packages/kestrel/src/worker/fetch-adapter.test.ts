import { describe, expect, it } from 'vitest';
import { CorsProbe } from './cors-probe.ts';
import { createFetchAdapter } from './fetch-adapter.ts';

const PAGE = 'http://app.test';

// A browser that records what the adapter asked of it; `failing` makes every CORS-mode fetch fail as a browser
// reports a refused or unreadable answer (TypeError).
function browser() {
  const calls: RequestInit[] = [];
  const state = { failing: false };
  const fetch = async (_url: string, init: RequestInit): Promise<Response> => {
    if (init.mode === 'no-cors') return { type: 'opaque' } as Response;
    calls.push(init);
    if (state.failing) throw new TypeError('Failed to fetch');
    return new Response('tile', { status: 200 });
  };
  return { fetch, calls, state };
}

const signal = () => new AbortController().signal;

describe('fetchAdapter', () => {
  it('asks for a byte range with one Range header (CORS-safelisted: no preflight cross-origin), beside the app’s headers', async () => {
    const b = browser();
    const fetcher = createFetchAdapter({ fetch: b.fetch, origin: () => PAGE });
    await fetcher('http://cdn.test/world.pmtiles', { signal: signal(), range: { offset: 16384, length: 100 }, appHeaders: { 'X-Key': 'k' } });
    expect(b.calls[0].headers).toEqual({ 'X-Key': 'k', Range: 'bytes=16384-16483' });
    expect(b.calls[0]).toMatchObject({ cache: 'no-store', mode: 'cors', credentials: 'omit' });
  });

  it('cross-origin, never sends conditional headers (they would need a preflight): the HTTP cache revalidates instead', async () => {
    const b = browser();
    const fetcher = createFetchAdapter({ fetch: b.fetch, origin: () => PAGE });
    await fetcher('http://tiles.test/1/0/0.pbf', { signal: signal(), conditionalHeaders: { 'If-None-Match': '"a"' } });
    expect(b.calls[0]).toMatchObject({ cache: 'no-cache', mode: 'cors', credentials: 'omit' });
    expect(b.calls[0].headers).toBeUndefined();
  });

  it('cross-origin, a first fetch stays out of the HTTP cache (the engine owns caching)', async () => {
    const b = browser();
    const fetcher = createFetchAdapter({ fetch: b.fetch, origin: () => PAGE });
    await fetcher('http://tiles.test/1/0/0.pbf', { signal: signal() });
    expect(b.calls[0]).toMatchObject({ cache: 'no-store' });
  });

  it('same-origin, sends the engine’s own conditional headers and keeps the HTTP cache out', async () => {
    const b = browser();
    const fetcher = createFetchAdapter({ fetch: b.fetch, origin: () => PAGE });
    await fetcher(`${PAGE}/tiles/1/0/0.pbf`, { signal: signal(), conditionalHeaders: { 'If-None-Match': '"a"' } });
    expect(b.calls[0]).toMatchObject({ headers: { 'If-None-Match': '"a"' }, cache: 'no-store' });
  });

  it('sends the app’s headers as given, cross-origin too, while the engine’s validators are still dropped there', async () => {
    const b = browser();
    const fetcher = createFetchAdapter({ fetch: b.fetch, origin: () => PAGE });
    const appHeaders = { Authorization: 'Bearer t0k3n', 'X-Api-Key': 'secret-123' };
    await fetcher('http://tiles.test/1/0/0.pbf', { signal: signal(), appHeaders, conditionalHeaders: { 'If-None-Match': '"a"' } });
    expect(b.calls[0]).toMatchObject({ cache: 'no-cache', mode: 'cors' });
    expect(b.calls[0].headers).toEqual(appHeaders);
    await fetcher(`${PAGE}/tiles/1/0/0.pbf`, { signal: signal(), appHeaders, conditionalHeaders: { 'If-None-Match': '"a"' } });
    expect(b.calls[1].headers).toEqual({ ...appHeaders, 'If-None-Match': '"a"' });
  });

  it('uses the app’s credentials mode when it names one, and omits credentials otherwise', async () => {
    const b = browser();
    const fetcher = createFetchAdapter({ fetch: b.fetch, origin: () => PAGE });
    await fetcher('http://tiles.test/1/0/0.pbf', { signal: signal(), credentials: 'include' });
    await fetcher('http://tiles.test/1/0/1.pbf', { signal: signal(), credentials: 'same-origin' });
    await fetcher('http://tiles.test/1/0/2.pbf', { signal: signal() });
    expect(b.calls.map((c) => c.credentials)).toEqual(['include', 'same-origin', 'omit']);
  });

  it('after a refused body, bypasses the HTTP cache so a stored bad copy is not served again', async () => {
    const b = browser();
    const fetcher = createFetchAdapter({ fetch: b.fetch, origin: () => PAGE });
    await fetcher('http://tiles.test/1/0/0.pbf', { signal: signal(), fresh: true });
    expect(b.calls[0].cache).toBe('reload');
  });

  it('tells an error answer without CORS headers (from a host whose tiles carry them) from a host that refuses CORS', async () => {
    const b = browser();
    const probe = new CorsProbe(async () => ({ type: 'opaque' }), () => PAGE);
    const fetcher = createFetchAdapter({ fetch: b.fetch, origin: () => PAGE, probe });
    b.state.failing = true;
    await expect(fetcher('http://tiles.test/1/0/0.pbf', { signal: signal() })).rejects.toMatchObject({ name: 'CorsError' });
    b.state.failing = false;
    await fetcher('http://tiles.test/1/0/0.pbf', { signal: signal() });
    b.state.failing = true;
    await expect(fetcher('http://tiles.test/1/0/1.pbf', { signal: signal() })).rejects.toMatchObject({ name: 'CorsErrorAnswer' });
  });

  it('tells the engine about each probe request it sends (the host counts it), and not when a recent verdict answers', async () => {
    const b = browser();
    let probes = 0;
    const fetcher = createFetchAdapter({ fetch: b.fetch, origin: () => PAGE });
    b.state.failing = true;
    const onProbe = () => probes++;
    await expect(fetcher('http://tiles.test/1/0/0.pbf', { signal: signal(), onProbe })).rejects.toMatchObject({ name: 'CorsError' });
    await expect(fetcher('http://tiles.test/1/0/1.pbf', { signal: signal(), onProbe })).rejects.toMatchObject({ name: 'CorsError' });
    expect(probes).toBe(1);
    await expect(fetcher('http://app.test/1/0/1.pbf', { signal: signal(), onProbe })).rejects.toThrow(TypeError);
    expect(probes).toBe(1);
  });
});
