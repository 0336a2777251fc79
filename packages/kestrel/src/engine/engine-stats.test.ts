import { describe, expect, it } from 'vitest';
import { EngineStatsRecorder, type LiveState, statusClassOf } from './engine-stats.ts';

const live = (over: Partial<LiveState> = {}): LiveState => ({
  now: 1000,
  scheduler: {
    inFlight: 2,
    inFlightMax: 5,
    inFlightPerHostMax: 3,
    limit: 6,
    queued: 4,
    queuedMax: 9,
    queuedByPurpose: { visible: 3, prefetch: 1, revalidate: 0, 'offline-save': 0 },
    waitingRetry: 1,
  },
  configuredMax: 8,
  breakers: { 'a.test': { state: 'open', consecutiveFailures: 5, answered: 2, failed: 5, openedAt: 900 } },
  cache: undefined,
  hasCache: false,
  memoryBudget: 64,
  idbBudget: 256,
  prefetch: { enabled: true, issued: 5, completed: 4, used: 2, wasted: 1, bytes: 400, hitRatio: 0.5, cancelled: 1, usedBytes: 200, wastedBytes: 100, unusedBytes: 100 },
  ...over,
});

describe('EngineStatsRecorder', () => {
  it('builds the contract snapshot from counters and live gauges', () => {
    const r = new EngineStatsRecorder();
    r.c.requests.total = 3;
    r.c.hits.memory = 2;
    r.fail('timeout');
    r.fail('timeout');
    r.latencySample('memory', 4, 1000);
    r.latencySample('network', 100, 1000);
    const s = r.snapshot(live());
    expect(s.time).toBe(1000);
    expect(s.inFlight).toEqual({ now: 2, max: 5, limit: 6, configuredMax: 8 });
    expect(s.queue).toEqual({ now: 4, max: 9, byPurpose: { visible: 3, prefetch: 1, revalidate: 0, 'offline-save': 0 } });
    expect(s.retries.waitingNow).toBe(1);
    expect(s.failures).toEqual({ timeout: 2 });
    expect(s.latencyMs.all.count).toBe(2);
    expect(s.latencyMs.memory).toMatchObject({ count: 1, p50: 4 });
    expect(s.cache.idb.status).toBe('disabled');
    expect(s.cache.memory.budget).toBe(64);
    expect(s.breakers['a.test'].state).toBe('open');
  });

  it('adds the entries the engine dropped to the cache port own corruption count', () => {
    const r = new EngineStatsRecorder();
    r.c.corruptDropped = 2;
    const idb = { status: 'ok' as const, bytes: 1, entries: 1, budget: 9, evictions: 0, quotaErrors: 0, corruptDropped: 3 };
    const memory = { bytes: 1, entries: 1, budget: 2, evictions: 0 };
    const s = r.snapshot(live({ cache: { memory, idb }, hasCache: true }));
    expect(s.cache.idb.corruptDropped).toBe(5);
  });

  it('passes the prefetch ledger figures through as they are', () => {
    const r = new EngineStatsRecorder();
    expect(r.snapshot(live()).prefetch).toEqual(live().prefetch);
  });

  it('#networkLatencyMs is the median of recent network answers, undefined before any', () => {
    const r = new EngineStatsRecorder();
    expect(r.networkLatencyMs(0)).toBeUndefined();
    r.latencySample('memory', 1, 0);
    expect(r.networkLatencyMs(0)).toBeUndefined();
    for (const ms of [100, 120, 500]) r.latencySample('network', ms, 0);
    expect(r.networkLatencyMs(0)).toBe(120);
  });

  it('#reset zeroes counters and empties the latency windows', () => {
    const r = new EngineStatsRecorder();
    r.c.requests.ok = 5;
    r.latencySample('idb', 3, 0);
    r.reset();
    const s = r.snapshot(live());
    expect(s.requests.ok).toBe(0);
    expect(s.latencyMs.all.count).toBe(0);
  });

  it('#wireTiming takes the whole fetch duration when a host hides its timing (requestStart 0)', () => {
    const r = new EngineStatsRecorder();
    r.sent('https://a.test/1.pbf');
    expect(r.wireTiming({ url: 'https://a.test/1.pbf', duration: 80, requestStart: 0, responseEnd: 0, encodedBodySize: 0 }, 1000)).toBe(true);
    expect(r.snapshot(live()).network?.wireMs).toMatchObject({ count: 1, p50: 80 });
    // no status from Resource Timing: the bytes count as `none`
    expect(r.snapshot(live()).network?.bytesByStatusClass.none).toBe(0);
  });

  it('#wireTiming takes no wire sample from a fetch that got no response (status 0: cancelled or cut)', () => {
    const r = new EngineStatsRecorder();
    r.sent('https://a.test/1.pbf');
    expect(r.wireTiming({ url: 'https://a.test/1.pbf', duration: 500, requestStart: 0, responseEnd: 500, responseStatus: 0, encodedBodySize: 0 }, 1000)).toBe(true);
    expect(r.snapshot(live()).network?.wireMs.count).toBe(0);
  });

  it('#reset zeroes the network counters and forgets the URLs awaiting timing', () => {
    const r = new EngineStatsRecorder();
    r.sent('https://a.test/1.pbf');
    r.queueSample(5, 1000);
    r.reset();
    expect(r.snapshot(live()).network).toMatchObject({ attempts: 0, queueMs: { count: 0 }, wireMs: { count: 0 } });
    expect(r.wireTiming({ url: 'https://a.test/1.pbf', duration: 80, requestStart: 10, responseEnd: 50, encodedBodySize: 9 }, 1000)).toBe(false);
  });
});

describe('statusClassOf', () => {
  it('names the class of an HTTP status, and none for no status', () => {
    expect([200, 204, 304, 404, 429, 503, 0, undefined, 700].map(statusClassOf)).toEqual(['2xx', '2xx', '3xx', '4xx', '4xx', '5xx', 'none', 'none', 'none']);
  });
});
