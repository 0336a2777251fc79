import { describe, expect, it } from 'vitest';
import { CorsProbe } from './cors-probe.ts';
import { createFetchAdapter } from './fetch-adapter.ts';

const PAGE = 'http://app.test';

// A browser talking to hosts with the habits of real servers: `refusesPreflight` (nginx static: OPTIONS → 405, so a
// fetch with If-None-Match fails as a TypeError) and `corsOnSuccessOnly` (error answers carry no CORS headers).
function browser(host: { refusesPreflight?: boolean; failing?: boolean; corsOnSuccessOnly?: boolean }) {
  const calls: { url: string; headers?: Record<string, string> }[] = [];
  const fetch = async (url: string, init: RequestInit): Promise<Response> => {
    const headers = init.headers as Record<string, string> | undefined;
    if (init.mode === 'no-cors') return { type: 'opaque' } as Response;
    calls.push({ url, headers });
    const crossOrigin = !url.startsWith(PAGE);
    if (crossOrigin && host.refusesPreflight && headers && 'If-None-Match' in headers) throw new TypeError('Failed to fetch');
    if (host.failing && host.corsOnSuccessOnly) throw new TypeError('Failed to fetch');
    return new Response('tile', { status: 200 });
  };
  return { fetch, calls };
}

const signal = () => new AbortController().signal;

describe('fetchAdapter', () => {
  it('revalidates against a host that refuses preflights with a plain GET, and remembers the host', async () => {
    const b = browser({ refusesPreflight: true });
    const fetcher = createFetchAdapter({ fetch: b.fetch, origin: () => PAGE });
    const first = await fetcher('http://tiles.test/1/0/0.pbf', { signal: signal(), headers: { 'If-None-Match': '"a"' } });
    expect(first.status).toBe(200);
    expect(b.calls.map((c) => c.headers)).toEqual([{ 'If-None-Match': '"a"' }, undefined]);
    await fetcher('http://tiles.test/1/0/1.pbf', { signal: signal(), headers: { 'If-None-Match': '"b"' } });
    // no second failed preflight: straight to the plain GET
    expect(b.calls.slice(2).map((c) => c.headers)).toEqual([undefined]);
  });

  it('keeps conditional headers for its own origin (no preflight there) and for hosts that answer preflights', async () => {
    const b = browser({});
    const fetcher = createFetchAdapter({ fetch: b.fetch, origin: () => PAGE });
    await fetcher(`${PAGE}/tiles/1/0/0.pbf`, { signal: signal(), headers: { 'If-None-Match': '"a"' } });
    await fetcher('http://tiles.test/1/0/0.pbf', { signal: signal(), headers: { 'If-None-Match': '"a"' } });
    expect(b.calls.map((c) => c.headers)).toEqual([{ 'If-None-Match': '"a"' }, { 'If-None-Match': '"a"' }]);
  });

  it('tells an error answer without CORS headers (from a host whose tiles carry them) from a host that refuses CORS', async () => {
    const host = { corsOnSuccessOnly: true, failing: false };
    const b = browser(host);
    const probe = new CorsProbe(async () => ({ type: 'opaque' }), () => PAGE);
    const fetcher = createFetchAdapter({ fetch: b.fetch, origin: () => PAGE, probe });
    host.failing = true;
    await expect(fetcher('http://tiles.test/1/0/0.pbf', { signal: signal() })).rejects.toMatchObject({ name: 'CorsError' });
    host.failing = false;
    await fetcher('http://tiles.test/1/0/0.pbf', { signal: signal() });
    host.failing = true;
    await expect(fetcher('http://tiles.test/1/0/1.pbf', { signal: signal() })).rejects.toMatchObject({ name: 'CorsErrorAnswer' });
  });
});
