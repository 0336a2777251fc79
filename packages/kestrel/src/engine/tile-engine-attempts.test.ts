import { describe, expect, it } from 'vitest';
import { engineHarness } from '../../test/engine-harness.ts';
import { mvtTile } from '../../test/tile-fixtures.ts';

// Answers `n` distinct tiles from a.test, each after `ms` on the fake clock, one at a time.
async function warmUp(h: ReturnType<typeof engineHarness>, n: number, ms: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const s = h.start(h.req(`https://a.test/10/${i}/0.pbf`));
    await h.tick();
    await h.clock.advance(ms);
    h.fetcher.last().respond(200, mvtTile());
    await h.tick();
    expect(s.value?.status).toBe('ok');
  }
}

// Advances the clock until the fetcher has been called `count` times (or `maxMs` passed); returns the time taken.
async function untilCalls(h: ReturnType<typeof engineHarness>, count: number, maxMs: number): Promise<number> {
  const from = h.clock.now();
  while (h.fetcher.calls.length < count && h.clock.now() - from < maxMs) await h.clock.advance(10);
  return h.clock.now() - from;
}

describe('TileEngine: adaptive (tail) attempt timeouts', () => {
  it('cuts a hung attempt at 4 × the host p95 once it has 10 answers, and the retry answers the tile', async () => {
    const h = engineHarness();
    await warmUp(h, 10, 100);
    const s = h.start(h.req('https://a.test/10/99/0.pbf'));
    await h.tick();
    const hung = h.fetcher.last();
    // p95 100 ms × 4 = 400 ms, below the 500 ms floor: the cut comes at 500 ms, then a backoff under 200 ms
    const waited = await untilCalls(h, 12, 10_000);
    expect(hung.aborted).toBe(true);
    expect(waited).toBeGreaterThanOrEqual(500);
    expect(waited).toBeLessThanOrEqual(500 + 200 + 10);
    h.fetcher.last().respond(200, mvtTile());
    await h.tick();
    expect(s.value?.status).toBe('ok');
    const n = h.engine.stats().network;
    expect(n).toMatchObject({ attempts: 12, tailTimeouts: 1, byStatusClass: { '2xx': 11, none: 1 } });
    expect(h.engine.stats().failures.timeout).toBeUndefined();
  });

  it('keeps the fixed 10 s timeout for a host with fewer answers than tailMinSamples', async () => {
    const h = engineHarness();
    await warmUp(h, 9, 100);
    h.start(h.req('https://a.test/10/99/0.pbf'));
    await h.tick();
    const hung = h.fetcher.last();
    await h.clock.advance(9_990);
    expect(hung.aborted).toBe(false);
    await h.clock.advance(20);
    expect(hung.aborted).toBe(true);
    expect(h.engine.stats().network?.tailTimeouts).toBe(0);
  });

  it('does not cut attempts to a host that answered 429 in the last 30 s', async () => {
    const h = engineHarness();
    await warmUp(h, 10, 100);
    const s = h.start(h.req('https://a.test/10/98/0.pbf'));
    await h.tick();
    h.fetcher.last().respond(429, null, { 'retry-after': '1' });
    await untilCalls(h, 12, 5000);
    h.fetcher.last().respond(200, mvtTile());
    await h.tick();
    expect(s.value?.status).toBe('ok');
    h.start(h.req('https://a.test/10/99/0.pbf'));
    await h.tick();
    const slow = h.fetcher.last();
    await h.clock.advance(5000);
    expect(slow.aborted).toBe(false);
  });

  it('spends the retry budget on a cut, and gives up when it is spent', async () => {
    const h = engineHarness({ retry: { budgetFloor: 0, budgetRatio: 0 } });
    await warmUp(h, 10, 100);
    const s = h.start(h.req('https://a.test/10/99/0.pbf'));
    await h.tick();
    await h.clock.advance(600);
    await h.tick();
    expect(s.error?.reason).toBe('retry-budget');
    expect(h.fetcher.calls.length).toBe(11);
    expect(h.engine.stats().network?.attempts).toBe(11);
  });

  it('cuts a request at most once: its retry waits the fixed attempt timeout', async () => {
    const h = engineHarness();
    await warmUp(h, 10, 100);
    h.start(h.req('https://a.test/10/99/0.pbf'));
    await h.tick();
    await untilCalls(h, 12, 10_000);
    const retry = h.fetcher.last();
    await h.clock.advance(9_000);
    expect(retry.aborted).toBe(false);
    expect(h.engine.stats().network?.tailTimeouts).toBe(1);
  });

  it('leaves the breaker closed however many requests are cut in a row (a cut is a guess, not a host failure)', async () => {
    const h = engineHarness({ breaker: { failureThreshold: 2 } });
    await warmUp(h, 10, 100);
    for (let i = 0; i < 3; i++) h.start(h.req(`https://a.test/10/9${i}/0.pbf`));
    await h.tick();
    await untilCalls(h, 16, 10_000);
    const s = h.engine.stats();
    expect(s.network?.tailTimeouts).toBe(3);
    expect(s.breakers['a.test']?.state).toBe('closed');
  });

  it('with tailFactor 0 a hang costs the whole attempt timeout', async () => {
    const h = engineHarness({ retry: { tailFactor: 0 } });
    await warmUp(h, 30, 50);
    h.start(h.req('https://a.test/10/99/0.pbf'));
    await h.tick();
    const hung = h.fetcher.last();
    await h.clock.advance(9_000);
    expect(hung.aborted).toBe(false);
  });
});

describe('TileEngine: network attempts', () => {
  it('counts every attempt the fetcher was handed, retries and aborted ones included, by status class', async () => {
    const h = engineHarness();
    const a = h.start(h.req('https://a.test/1/0/0.pbf'));
    await h.tick();
    h.fetcher.last().respond(503);
    await untilCalls(h, 2, 5000);
    h.fetcher.last().respond(404);
    await h.tick();
    expect(a.value?.status).toBe('no-tile');
    const cancel = new AbortController();
    h.start(h.req('https://a.test/1/0/1.pbf'), cancel.signal);
    await h.tick();
    cancel.abort();
    await h.tick();
    expect(h.engine.stats().network).toMatchObject({ attempts: 3, byStatusClass: { '2xx': 0, '4xx': 1, '5xx': 1, none: 1 } });
  });

  it('does not count an attempt cancelled before it reached the fetcher', async () => {
    const h = engineHarness({ maxInFlight: 1 });
    h.start(h.req('https://a.test/1/0/0.pbf'));
    const cancel = new AbortController();
    h.start(h.req('https://a.test/1/0/1.pbf'), cancel.signal);
    await h.tick();
    cancel.abort();
    await h.tick();
    expect(h.fetcher.calls.length).toBe(1);
    expect(h.engine.stats().network?.attempts).toBe(1);
  });

  it('matches Resource Timing entries to its own requests only, once each, for wire time and bytes', async () => {
    const h = engineHarness();
    const s = h.start(h.req('https://a.test/1/0/0.pbf'));
    await h.tick();
    h.fetcher.last().respond(200, mvtTile());
    await h.tick();
    expect(s.value?.status).toBe('ok');
    const entry = { url: 'https://a.test/1/0/0.pbf', duration: 90, requestStart: 10, responseEnd: 70, responseStatus: 200, encodedBodySize: 321 };
    expect(h.engine.wireTiming({ ...entry, url: 'https://a.test/style.json' })).toBe(false);
    expect(h.engine.wireTiming(entry)).toBe(true);
    expect(h.engine.wireTiming(entry)).toBe(false);
    const n = h.engine.stats().network;
    expect(n?.wireMs).toMatchObject({ count: 1, p50: 60 });
    expect(n?.bytesByStatusClass['2xx']).toBe(321);
    expect(n?.queueMs.count).toBe(1);
  });
});
