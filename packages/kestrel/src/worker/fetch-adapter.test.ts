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
  it('cross-origin, never sends conditional headers (they would need a preflight): the HTTP cache revalidates instead', async () => {
    const b = browser();
    const fetcher = createFetchAdapter({ fetch: b.fetch, origin: () => PAGE });
    await fetcher('http://tiles.test/1/0/0.pbf', { signal: signal(), headers: { 'If-None-Match': '"a"', 'X-Other': '1' } });
    expect(b.calls[0]).toMatchObject({ headers: { 'X-Other': '1' }, cache: 'no-cache', mode: 'cors', credentials: 'omit' });
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
    await fetcher(`${PAGE}/tiles/1/0/0.pbf`, { signal: signal(), headers: { 'If-None-Match': '"a"' } });
    expect(b.calls[0]).toMatchObject({ headers: { 'If-None-Match': '"a"' }, cache: 'no-store' });
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
});
