import { describe, expect, it } from 'vitest';
import { ControllableFetcher } from '../../test/controllable-fetcher.ts';
import { FakeClock, flushMicrotasks } from '../../test/fake-clock.ts';
import { mvtTile } from '../../test/tile-fixtures.ts';
import { type NetworkAttemptInput, type NetworkAttemptResult, networkAttempt } from './network-attempt.ts';

function setup(overrides: Partial<NetworkAttemptInput> = {}) {
  const clock = new FakeClock();
  const fetcher = new ControllableFetcher();
  const cancel = new AbortController();
  const result: { value?: NetworkAttemptResult } = {};
  void networkAttempt({
    fetcher: fetcher.fetch,
    clock,
    url: 'https://a.test/1.pbf',
    kind: 'vector',
    signal: cancel.signal,
    timeoutMs: 1000,
    deadlineBound: false,
    maxTileBytes: 1 << 20,
    ...overrides,
  }).then((v) => (result.value = v));
  return { clock, fetcher, cancel, result };
}

describe('networkAttempt', () => {
  it('returns a validated answer with lower-cased headers and its latency', async () => {
    const t = setup();
    await t.clock.advance(40);
    t.fetcher.last().respond(200, mvtTile(), { ETag: '"v1"' });
    await flushMicrotasks();
    expect(t.result.value).toMatchObject({ kind: 'answer', outcome: 'ok', status: 200, headers: { etag: '"v1"' }, latencyMs: 40 });
  });

  it('classifies a CorsError from the fetcher as "cors": not retried, not held against the host', async () => {
    const t = setup();
    await flushMicrotasks();
    t.fetcher.last().fail(Object.assign(new Error('answered without Access-Control-Allow-Origin'), { name: 'CorsError' }));
    await flushMicrotasks();
    expect(t.result.value).toMatchObject({ kind: 'failure', reason: 'cors', retryable: false, hostVerdict: 'neutral', overload: false });
  });

  it('classifies a timeout as a retryable overload that counts against the host', async () => {
    const t = setup();
    await t.clock.advance(1000);
    expect(t.fetcher.last().aborted).toBe(true);
    expect(t.result.value).toMatchObject({ kind: 'failure', reason: 'timeout', retryable: true, hostVerdict: 'failure', overload: true });
  });

  it('calls running out of a deadline-bound timeout "deadline", not retryable', async () => {
    const t = setup({ deadlineBound: true });
    await t.clock.advance(1000);
    expect(t.result.value).toMatchObject({ kind: 'failure', reason: 'deadline', retryable: false });
  });

  it('reports a cancel as aborted, without a verdict', async () => {
    const t = setup();
    t.cancel.abort();
    await flushMicrotasks();
    expect(t.result.value).toEqual({ kind: 'aborted' });
    expect(t.clock.pending()).toBe(0);
  });

  it('classifies a network error as retryable but not as overload', async () => {
    const t = setup();
    t.fetcher.last().fail();
    await flushMicrotasks();
    expect(t.result.value).toMatchObject({ reason: 'network', retryable: true, hostVerdict: 'failure', overload: false });
  });

  it('counts 4xx and bad bodies as a healthy host, 5xx and truncation as a failing one', async () => {
    const cases: [number, string, string][] = [
      [403, 'http-4xx', 'success'],
      [500, 'http-5xx', 'failure'],
      [429, 'http-429', 'success'],
    ];
    for (const [status, reason, verdict] of cases) {
      const t = setup();
      t.fetcher.last().respond(status);
      await flushMicrotasks();
      expect(t.result.value).toMatchObject({ reason, hostVerdict: verdict });
    }
    const html = setup();
    html.fetcher.last().respond(200, '<html>');
    await flushMicrotasks();
    expect(html.result.value).toMatchObject({ reason: 'html-body', retryable: false, hostVerdict: 'success' });
  });

  it('reads Retry-After on 429 and 503', async () => {
    const t = setup();
    t.fetcher.last().respond(503, null, { 'retry-after': '7' });
    await flushMicrotasks();
    expect(t.result.value).toMatchObject({ reason: 'http-5xx', overload: true, retryAfterMs: 7000 });
  });

  it('takes a 200 to a conditional request carrying the same validator as not modified (a host that ignored the condition, or a plain GET after a refused preflight)', async () => {
    const same = setup({ conditionalHeaders: { 'If-None-Match': 'W/"a"' } });
    same.fetcher.last().respond(200, mvtTile(), { ETag: '"a"' }); // weak comparison: nginx gzip's W/"a" and "a"

    await flushMicrotasks();
    expect(same.result.value).toMatchObject({ kind: 'answer', outcome: 'not-modified' });
    const dated = setup({ conditionalHeaders: { 'If-Modified-Since': 'Mon, 07 Dec 2026 01:00:00 GMT' } });
    dated.fetcher.last().respond(200, mvtTile(), { 'Last-Modified': 'Mon, 07 Dec 2026 01:00:00 GMT' });
    await flushMicrotasks();
    expect(dated.result.value).toMatchObject({ kind: 'answer', outcome: 'not-modified' });
    const changed = setup({ conditionalHeaders: { 'If-None-Match': '"a"' } });
    changed.fetcher.last().respond(200, mvtTile(), { ETag: '"b"' });
    await flushMicrotasks();
    expect(changed.result.value).toMatchObject({ kind: 'answer', outcome: 'ok' });
  });

  it('reads an error answer without CORS headers as a transient, unreadable error', async () => {
    const t = setup();
    t.fetcher.last().fail(Object.assign(new Error('no CORS on the 429'), { name: 'CorsErrorAnswer' }));
    await flushMicrotasks();
    expect(t.result.value).toMatchObject({ kind: 'failure', reason: 'unreadable-error', retryable: true, hostVerdict: 'neutral' });
  });

  it('accepts 304 only for a conditional request', async () => {
    const conditional = setup({ conditionalHeaders: { 'If-None-Match': '"a"' } });
    conditional.fetcher.last().respond(304);
    await flushMicrotasks();
    expect(conditional.result.value).toMatchObject({ kind: 'answer', outcome: 'not-modified' });
    const plain = setup();
    plain.fetcher.last().respond(304);
    await flushMicrotasks();
    expect(plain.result.value).toMatchObject({ kind: 'failure', reason: 'http-4xx', retryable: false });
  });

  it('settles on timeout even when the fetcher ignores its signal', async () => {
    const clock = new FakeClock();
    let result: NetworkAttemptResult | undefined;
    void networkAttempt({
      fetcher: () => new Promise<Response>(() => undefined),
      clock,
      url: 'https://a.test/1.pbf',
      kind: 'vector',
      signal: new AbortController().signal,
      timeoutMs: 500,
      deadlineBound: false,
      maxTileBytes: 1000,
    }).then((r) => (result = r));
    await clock.advance(500);
    expect(result).toMatchObject({ reason: 'timeout' });
  });
});
