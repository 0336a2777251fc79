import { describe, expect, it } from 'vitest';
import { engineHarness, type Settled } from '../../test/engine-harness.ts';
import { seededRandom } from '../../test/seeded-random.ts';
import { mvtTile } from '../../test/tile-fixtures.ts';

const URL_A = 'https://a.test/4/8/8.pbf';
const URL_B = 'https://a.test/4/8/9.pbf';

// Fetch start times (engine clock) for every call, recorded by polling after each clock step.
async function callTimes(h: ReturnType<typeof engineHarness>, untilMs: number, stepMs = 1): Promise<number[]> {
  const times: number[] = [];
  for (let t = 0; t <= untilMs; t += stepMs) {
    while (times.length < h.fetcher.calls.length) times.push(h.clock.now());
    await h.clock.advance(stepMs);
  }
  return times;
}

describe('TileEngine: retries', () => {
  it('retries 5xx with full-jitter backoff inside the envelope, then succeeds', async () => {
    for (let seed = 1; seed <= 20; seed++) {
      const h = engineHarness({}, { seed });
      const s = h.start(h.req(URL_A));
      await h.tick();
      const starts = [h.clock.now()];
      for (let attempt = 0; attempt < 3; attempt++) {
        h.fetcher.last().respond(503);
        const before = h.fetcher.calls.length;
        while (h.fetcher.calls.length === before) await h.clock.advance(1);
        starts.push(h.clock.now());
      }
      h.fetcher.last().respond(200, mvtTile());
      await h.tick();
      expect(s.value?.status).toBe('ok');
      const gaps = starts.slice(1).map((t, i) => t - starts[i]);
      gaps.forEach((gap, n) => expect(gap).toBeLessThanOrEqual(Math.min(5000, 200 * 2 ** n) + 1));
      expect(h.engine.stats().retries.total).toBe(3);
      expect(h.engine.stats().requests.retried).toBe(1);
    }
  });

  it('gives up after maxAttempts with the last reason and the attempt count', async () => {
    const h = engineHarness({ retry: { maxAttempts: 3 } });
    const s = h.start(h.req(URL_A));
    await h.tick();
    for (let i = 0; i < 3; i++) {
      h.fetcher.last().respond(500);
      // longer than any backoff here, shorter than the attempt timeout
      await h.clock.advance(2000);
    }
    expect(s.error?.failure).toMatchObject({ reason: 'http-5xx', status: 500, attempts: 3 });
    expect(h.fetcher.calls).toHaveLength(3);
  });

  it('does not retry a 403', async () => {
    const h = engineHarness();
    const s = h.start(h.req(URL_A));
    await h.tick();
    h.fetcher.last().respond(403);
    await h.clock.runAll();
    expect(s.error?.failure).toMatchObject({ reason: 'http-4xx', status: 403, attempts: 1 });
  });

  it('waits for Retry-After in seconds and never retries before it', async () => {
    const h = engineHarness();
    const s = h.start(h.req(URL_A));
    await h.tick();
    h.fetcher.last().respond(429, null, { 'retry-after': '3' });
    const times = await callTimes(h, 3300, 10);
    expect(times).toHaveLength(2);
    expect(times[1]).toBeGreaterThanOrEqual(3000);
    expect(times[1]).toBeLessThanOrEqual(3210);
    h.fetcher.last().respond(200, mvtTile());
    await h.tick();
    expect(s.value?.status).toBe('ok');
  });

  it('a Retry-After of an hour ends that tile, but holds the host no longer than the retry cap: a new view loads once the server is back', async () => {
    const h = engineHarness({ retry: { capMs: 5000 } });
    const first = h.start(h.req(URL_A));
    await h.tick();
    h.fetcher.last().respond(429, null, { 'retry-after': '3600' });
    await h.tick();
    expect(first.error?.reason).toBe('http-429');
    const later = h.start(h.req('https://a.test/4/9/9.pbf'));
    await h.clock.advance(4900);
    expect(h.fetcher.pending(), 'still within the cap').toHaveLength(0);
    await h.clock.advance(200);
    expect(h.fetcher.pending()).toHaveLength(1);
    h.fetcher.last().respond(200, mvtTile());
    await h.tick();
    expect(later.value?.status).toBe('ok');
  });

  it('reads a Retry-After HTTP-date against the response Date header', async () => {
    const h = engineHarness();
    h.start(h.req(URL_A));
    await h.tick();
    h.fetcher.last().respond(429, null, {
      date: 'Wed, 21 Oct 2026 07:28:00 GMT',
      'retry-after': 'Wed, 21 Oct 2026 07:28:05 GMT',
    });
    const times = await callTimes(h, 5300, 10);
    expect(times[1]).toBeGreaterThanOrEqual(5000);
  });

  it('reads a Retry-After HTTP-date against the clock when there is no Date header', async () => {
    const h = engineHarness();
    h.start(h.req(URL_A));
    await h.tick();
    // the fake clock has no wall time, so the engine reads dates against now() = 0 = the epoch
    h.fetcher.last().respond(503, null, { 'retry-after': new Date(4000).toUTCString() });
    const times = await callTimes(h, 4300, 10);
    expect(times[1]).toBeGreaterThanOrEqual(4000);
  });

  it('fails with http-429 at once when Retry-After lies beyond the deadline', async () => {
    const h = engineHarness();
    const s = h.start(h.req(URL_A));
    await h.tick();
    h.fetcher.last().respond(429, null, { 'retry-after': '120' });
    await h.tick();
    expect(s.error?.failure.reason).toBe('http-429');
    // no retry is waiting; the one timer left is the host's pause, which holds later requests too (up to the cap)
    expect(h.clock.pending()).toBe(1);
    const next = h.start(h.req(URL_B));
    await h.tick();
    expect(h.fetcher.calls).toHaveLength(1);
    await h.clock.advance(5000);
    expect(h.fetcher.calls).toHaveLength(2);
    expect(next.error).toBeUndefined();
  });

  it('times out a hanging attempt, aborts its fetch and retries', async () => {
    const h = engineHarness({ retry: { attemptTimeoutMs: 1000 } });
    const s = h.start(h.req(URL_A));
    await h.tick();
    await h.clock.advance(999);
    expect(h.fetcher.calls[0].aborted).toBe(false);
    await h.clock.advance(1);
    expect(h.fetcher.calls[0].aborted).toBe(true);
    expect(h.engine.stats().inFlight.now).toBe(0);
    while (h.fetcher.calls.length < 2) await h.clock.advance(10);
    h.fetcher.last().respond(200, mvtTile());
    await h.tick();
    expect(s.value?.status).toBe('ok');
  });

  it('stops at the overall deadline when every attempt hangs', async () => {
    const h = engineHarness();
    const s = h.start(h.req(URL_A));
    await h.clock.runAll();
    expect(s.error?.failure.reason).toBe('deadline');
    expect(h.clock.now()).toBeLessThanOrEqual(30_000);
    expect(h.fetcher.pending()).toHaveLength(0);
  });

  it('fails with retry-budget once the budget is spent, instead of storming a failing server', async () => {
    const h = engineHarness({ retry: { budgetFloor: 2, budgetRatio: 0 } });
    const settled: Settled[] = [];
    for (let i = 0; i < 4; i++) settled.push(h.start(h.req(`https://a.test/${i}.pbf`)));
    await h.tick();
    for (let round = 0; round < 10 && h.fetcher.pending().length > 0; round++) {
      for (const call of h.fetcher.pending()) call.respond(500);
      await h.clock.advance(2000);
    }
    expect(h.fetcher.calls).toHaveLength(4 + 2);
    expect(settled.filter((s) => s.error?.failure.reason === 'retry-budget').length).toBeGreaterThanOrEqual(2);
    expect(h.engine.stats().retries).toMatchObject({ total: 2, budgetExhausted: 4 });
  });
});

describe('TileEngine: circuit breaker', () => {
  const options = { retry: { maxAttempts: 1 }, breaker: { failureThreshold: 3, coolDownMs: 5000 } };

  async function tripBreaker(h: ReturnType<typeof engineHarness>) {
    for (let i = 0; i < 3; i++) {
      h.start(h.req(`https://a.test/fail-${i}.pbf`));
      await h.tick();
      h.fetcher.last().respond(502);
      await h.tick();
    }
  }

  it('opens after consecutive failures and then fails fast without fetching', async () => {
    const h = engineHarness(options);
    await tripBreaker(h);
    expect(h.engine.stats().breakers['a.test']).toMatchObject({ state: 'open', consecutiveFailures: 3 });
    const s = h.start(h.req(URL_A));
    await h.tick();
    expect(s.error?.failure.reason).toBe('breaker-open');
    expect(h.fetcher.calls).toHaveLength(3);
  });

  it('serves stale from the cache while the breaker is open', async () => {
    const h = engineHarness(options);
    await tripBreaker(h);
    h.cache.seed(URL_A, { bytes: mvtTile(), freshness: 'revalidate' });
    const s = h.start(h.req(URL_A));
    await h.tick();
    expect(s.value).toMatchObject({ status: 'ok', stale: true });
  });

  it('lets one probe through after the cool-down and closes when it succeeds', async () => {
    const h = engineHarness(options);
    await tripBreaker(h);
    await h.clock.advance(5000);
    expect(h.engine.stats().breakers['a.test'].state).toBe('half-open');
    const probe = h.start(h.req('https://a.test/probe.pbf'));
    await h.tick();
    const other = h.start(h.req('https://a.test/other.pbf'));
    await h.tick();
    expect(other.error?.failure.reason).toBe('breaker-open');
    h.fetcher.last().respond(200, mvtTile());
    await h.tick();
    expect(probe.value?.status).toBe('ok');
    expect(h.engine.stats().breakers['a.test'].state).toBe('closed');
  });

  it('keeps other hosts working while one host is open', async () => {
    const h = engineHarness(options);
    await tripBreaker(h);
    const s = h.start(h.req('https://b.test/1.pbf'));
    await h.tick();
    h.fetcher.last().respond(200, mvtTile());
    await h.tick();
    expect(s.value?.status).toBe('ok');
  });

  it('does not count 4xx answers as host failures', async () => {
    const h = engineHarness(options);
    for (let i = 0; i < 5; i++) {
      h.start(h.req(`https://a.test/${i}.pbf`));
      await h.tick();
      h.fetcher.last().respond(403);
      await h.tick();
    }
    expect(h.engine.stats().breakers['a.test'].state).toBe('closed');
  });
});

describe('TileEngine: adaptive concurrency', () => {
  it('lowers the in-flight limit on 429s and keeps fetches under it', async () => {
    const h = engineHarness({ maxInFlight: 8, maxInFlightPerHost: 8, retry: { maxAttempts: 1 } });
    for (let i = 0; i < 8; i++) h.start(h.req(`https://a.test/${i}.pbf`));
    await h.tick();
    for (const call of h.fetcher.pending()) call.respond(429, null, { 'retry-after': '0' });
    await h.tick();
    const limit = h.engine.stats().inFlight.limit;
    expect(limit).toBe(5);
    for (let i = 0; i < 20; i++) h.start(h.req(`https://a.test/more-${i}.pbf`));
    await h.tick();
    expect(h.fetcher.pending()).toHaveLength(5);
  });

  it('climbs back towards the configured max on clean successes', async () => {
    const h = engineHarness({ maxInFlight: 8, retry: { maxAttempts: 1 } });
    h.start(h.req('https://a.test/x.pbf'));
    await h.tick();
    h.fetcher.last().respond(429, null, { 'retry-after': '0' });
    await h.tick();
    expect(h.engine.stats().inFlight.limit).toBe(5);
    for (let i = 0; i < 40; i++) {
      h.start(h.req(`https://a.test/ok-${i}.pbf`));
      await h.tick();
      h.fetcher.last().respond(200, mvtTile());
      await h.tick();
    }
    expect(h.engine.stats().inFlight).toMatchObject({ limit: 8, configuredMax: 8 });
  });
});

describe('TileEngine: 429 without Retry-After is a congestion signal (nginx limit_req)', () => {
  it('paces the host and asks again, spending neither the retry budget nor an attempt', async () => {
    const h = engineHarness({ retry: { maxAttempts: 1, budgetRatio: 0, budgetFloor: 0 } });
    const tile = h.start(h.req('https://a.test/1/0/0.pbf'));
    await h.tick();
    h.fetcher.last().respond(429);
    await h.tick();
    expect(h.fetcher.pending()).toHaveLength(0); // paced: not at once
    await h.clock.advance(100);
    expect(h.fetcher.pending()).toHaveLength(1);
    h.fetcher.last().respond(200, mvtTile());
    await h.clock.advance(1);
    expect(tile.value?.status).toBe('ok');
    const { retries, failures } = h.engine.stats();
    expect(retries).toMatchObject({ paced: 1, budgetExhausted: 0 });
    expect(failures['http-429'] ?? 0).toBe(0);
  });

  it('under a rate limit every tile arrives, at about the rate the host allows', async () => {
    const h = engineHarness({ maxInFlight: 6, maxInFlightPerHost: 6, retry: { maxAttempts: 2 } });
    const allowEveryMs = 250; // the host's rate: 4 requests per second, no burst
    let lastAllowed = Number.NEGATIVE_INFINITY;
    const starts: number[] = [];
    const tiles = Array.from({ length: 15 }, (_, i) => h.start(h.req(`https://a.test/3/${i}/0.pbf`)));
    for (let step = 0; step < 2000 && tiles.some((t) => !t.done); step++) {
      for (const call of h.fetcher.pending()) {
        const now = h.clock.now();
        starts.push(now);
        if (now - lastAllowed >= allowEveryMs) {
          lastAllowed = now;
          call.respond(200, mvtTile());
        } else call.respond(429);
      }
      await h.clock.advance(10);
    }
    expect(tiles.filter((t) => t.value?.status === 'ok')).toHaveLength(15);
    // 15 tiles at 4/s take about 3.5 s; refusals stay a small multiple of the tiles, not a storm
    expect(h.clock.now()).toBeLessThan(8_000);
    expect(starts.length).toBeLessThan(15 * 4);
  });

  it('an unreadable error answer (no CORS headers on a 429 page) paces the host too, and spends the retry budget', async () => {
    const h = engineHarness({ retry: { maxAttempts: 3 } });
    const tile = h.start(h.req('https://a.test/1/0/0.pbf'));
    await h.tick();
    h.fetcher.last().fail(Object.assign(new Error('no CORS on the error'), { name: 'CorsErrorAnswer' }));
    await h.tick();
    expect(h.engine.stats().pacing).toEqual({ 'a.test': 100 });
    await h.clock.advance(5000);
    expect(h.fetcher.calls).toHaveLength(2);
    h.fetcher.last().respond(200, mvtTile());
    await h.clock.advance(10);
    expect(tile.value?.status).toBe('ok');
    expect(h.engine.stats().retries).toMatchObject({ total: 1, paced: 0 });
  });

  it('another host is not slowed by the paced one', async () => {
    const h = engineHarness();
    h.start(h.req('https://a.test/1/0/0.pbf'));
    await h.tick();
    h.fetcher.last().respond(429);
    await h.tick();
    const other = h.start(h.req('https://b.test/1/0/0.pbf'));
    await h.tick();
    expect(h.fetcher.pending().map((c) => new URL(c.url).host)).toEqual(['b.test']);
    h.fetcher.last().respond(200, mvtTile());
    await h.tick();
    expect(other.value?.status).toBe('ok');
  });

  it('a host that never stops refusing still ends each tile at the deadline', async () => {
    const h = engineHarness({ retry: { deadlineMs: 5000 } });
    const tile = h.start(h.req('https://a.test/1/0/0.pbf'));
    for (let i = 0; i < 200 && !tile.done; i++) {
      for (const call of h.fetcher.pending()) call.respond(429);
      await h.clock.advance(50);
    }
    expect(tile.error?.reason).toBe('http-429');
    expect(h.clock.now()).toBeLessThanOrEqual(5000);
  });
});

describe('TileEngine: the per-host bound follows the HTTP version the host speaks', () => {
  it('holds an HTTP/1.1 host to maxInFlightPerHost, and lets an HTTP/2 host use the whole global bound', async () => {
    const h = engineHarness({ maxInFlight: 10, maxInFlightPerHost: 6 });
    for (let i = 0; i < 12; i++) h.start(h.req(`https://a.test/4/${i}/0.pbf`));
    await h.tick();
    expect(h.fetcher.pending()).toHaveLength(6);
    h.engine.setHostProtocol('a.test', 'h2');
    await h.tick();
    expect(h.fetcher.pending()).toHaveLength(10);
    expect(h.engine.stats().hostProtocols).toEqual({ 'a.test': 'h2' });
  });
});

describe('TileEngine: a refused body is not served again by an HTTP cache', () => {
  it('asks for the next fetch of a URL whose body was refused to bypass HTTP caches, until a good answer', async () => {
    const h = engineHarness({ retry: { maxAttempts: 1 } });
    const url = 'https://a.test/2/1/1.pbf';
    h.start(h.req(url));
    await h.tick();
    expect(h.fetcher.last().fresh).toBe(false);
    h.fetcher.last().respond(200, '<html>oops</html>', { 'content-type': 'text/html' });
    await h.tick();
    h.start(h.req(url));
    await h.tick();
    expect(h.fetcher.last().fresh).toBe(true);
    h.fetcher.last().respond(200, mvtTile());
    await h.tick();
  });
});

describe('TileEngine: bounds under chaos', () => {
  it('never exceeds the global or per-host bound under random add/abort/complete/fail/hang/timeout, and settles every request', async () => {
    const hosts = ['a.test', 'b.test', 'c.test'];
    for (let seed = 1; seed <= 200; seed++) {
      const random = seededRandom(seed * 7919);
      const maxInFlight = 1 + Math.floor(random() * 8);
      const maxInFlightPerHost = 1 + Math.floor(random() * maxInFlight);
      const h = engineHarness(
        {
          maxInFlight,
          maxInFlightPerHost,
          retry: { attemptTimeoutMs: 500, deadlineMs: 3000, baseMs: 50, capMs: 400 },
          breaker: { failureThreshold: 4, coolDownMs: 300 },
          prefetch: { maxShare: random() },
        },
        { seed, cache: random() < 0.5 },
      );
      const ids: string[] = [];
      const settled: Settled[] = [];
      const checkBounds = () => {
        const pending = h.fetcher.pending();
        expect(pending.length).toBeLessThanOrEqual(maxInFlight);
        for (const host of hosts) {
          expect(pending.filter((c) => new URL(c.url).host === host).length).toBeLessThanOrEqual(maxInFlightPerHost);
        }
        expect(h.engine.stats().inFlight.now).toBeLessThanOrEqual(maxInFlight);
      };
      for (let step = 0; step < 50; step++) {
        const r = random();
        const pending = h.fetcher.pending();
        const pick = () => pending[Math.floor(random() * pending.length)];
        if (r < 0.35) {
          const host = hosts[Math.floor(random() * hosts.length)];
          const x = Math.floor(random() * 6);
          const purpose = (['visible', 'visible', 'prefetch', 'revalidate', 'offline-save'] as const)[Math.floor(random() * 5)];
          const req = h.req(`https://${host}/3/${x}/1.pbf`, { purpose, coord: { z: 3, x, y: 1 } });
          ids.push(req.id);
          settled.push(h.start(req));
        } else if (r < 0.45 && ids.length > 0) {
          h.engine.cancel(ids[Math.floor(random() * ids.length)]);
        } else if (r < 0.6 && pending.length > 0) {
          pick().respond(200, mvtTile());
        } else if (r < 0.68 && pending.length > 0) {
          pick().respond(([500, 503, 429, 404] as const)[Math.floor(random() * 4)]);
        } else if (r < 0.75 && pending.length > 0) {
          pick().fail();
        } else if (r < 0.8 && pending.length > 0) {
          pick().respond(200, '<!doctype html>');
        } else if (r < 0.9) {
          // timeouts and backoffs elapse; anything left untouched is a hanging fetch
          await h.clock.advance(Math.floor(random() * 700));
        } else if (r < 0.95) {
          h.engine.setCamera({
            center: [random() * 360 - 180, 0],
            zoom: 3,
            bearing: 0,
            pitch: 0,
            width: 800,
            height: 600,
            bounds: [-180, -85, 180, 85],
            time: h.clock.now(),
          });
        }
        await h.tick();
        checkBounds();
      }
      // Everything must settle on its own: hanging fetches time out, deadlines pass, queues drain.
      await h.clock.runAll();
      await h.tick();
      checkBounds();
      expect(settled.filter((s) => !s.done)).toHaveLength(0);
      expect(h.fetcher.maxInFlight).toBeLessThanOrEqual(maxInFlight);
      const stats = h.engine.stats();
      expect(stats.inFlight.max).toBeLessThanOrEqual(maxInFlight);
      expect(stats.inFlight.now).toBe(0);
      expect(stats.queue.now).toBe(0);
      expect(stats.retries.waitingNow).toBe(0);
      const r = stats.requests;
      expect(r.ok + r.noTile + r.failed + r.aborted).toBe(r.total);
    }
  });
});
