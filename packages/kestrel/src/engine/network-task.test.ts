import { describe, expect, it } from 'vitest';
import type { RequestPurpose } from '../contract/engine-api.ts';
import { ControllableFetcher } from '../../test/controllable-fetcher.ts';
import { FakeClock, flushMicrotasks } from '../../test/fake-clock.ts';
import { FakeTileCache } from '../../test/fake-tile-cache.ts';
import { mvtTile } from '../../test/tile-fixtures.ts';
import { CircuitBreaker } from './circuit-breaker.ts';
import { ConcurrencyController } from './concurrency-controller.ts';
import { EngineError } from './engine-error.ts';
import { defaultEngineOptions, resolveEngineOptions } from './engine-options.ts';
import { EngineStatsRecorder } from './engine-stats.ts';
import { type NetworkTaskSpec, networkTask } from './network-task.ts';
import { RetryBudget } from './retry-budget.ts';
import { RetryPolicy } from './retry-policy.ts';

function setup(spec: Partial<NetworkTaskSpec> = {}) {
  const clock = new FakeClock();
  const fetcher = new ControllableFetcher();
  const cache = new FakeTileCache();
  const options = resolveEngineOptions(defaultEngineOptions);
  const breaker = new CircuitBreaker({ failureThreshold: 1, coolDownMs: 1000 });
  const ctx = {
    fetcher: fetcher.fetch,
    clock,
    cache,
    options: () => options,
    breaker: () => breaker,
    aimd: new ConcurrencyController({ max: 8, ...options.aimd }),
    budget: new RetryBudget(options.retry),
    policy: new RetryPolicy(options.retry, () => 0.5),
    recorder: new EngineStatsRecorder(),
    pauses: [] as { host: string; until: number }[],
    pauseHost(host: string, until: number) {
      this.pauses.push({ host, until });
    },
  };
  const run = networkTask(ctx, { url: 'https://a.test/1.pbf', kind: 'vector', host: 'a.test', cacheKey: 'k', ...spec });
  const view = (purpose: RequestPurpose = 'visible') => ({ key: 'k', host: 'a.test', purpose, enqueuedAt: 0, attempts: 1 });
  return { clock, fetcher, cache, breaker, ctx, run, view };
}

describe('networkTask', () => {
  it('pauses the whole host until a 429 Retry-After has passed', async () => {
    const t = setup();
    const attempt = t.run(new AbortController().signal, 1, t.view());
    await flushMicrotasks();
    t.fetcher.last().respond(429, null, { 'retry-after': '2' });
    await attempt.catch(() => undefined);
    expect(t.ctx.pauses).toEqual([{ host: 'a.test', until: 2000 }]);
  });

  it('starts the deadline at the first attempt, not at enqueue', async () => {
    const t = setup();
    await t.clock.advance(60_000);
    const result = t.run(new AbortController().signal, 1, t.view());
    t.fetcher.last().respond(200, mvtTile());
    await expect(result).resolves.toMatchObject({ value: { outcome: 'ok' } });
  });

  it('fails with deadline when a retry only gets its turn after the deadline', async () => {
    const t = setup();
    const first = t.run(new AbortController().signal, 1, t.view());
    t.fetcher.last().respond(503);
    await expect(first).resolves.toHaveProperty('retryInMs');
    await t.clock.advance(30_000);
    await expect(t.run(new AbortController().signal, 2, t.view())).rejects.toMatchObject({ failure: { reason: 'deadline' } });
  });

  it('refuses without fetching when the breaker has no permit', async () => {
    const t = setup();
    t.breaker.record(t.breaker.tryAcquire(0)!, 'failure', 0);
    await expect(t.run(new AbortController().signal, 1, t.view())).rejects.toMatchObject({ failure: { reason: 'breaker-open' } });
    expect(t.fetcher.calls).toHaveLength(0);
  });

  it('hands the half-open probe back when the attempt is cancelled', async () => {
    const t = setup();
    t.breaker.record(t.breaker.tryAcquire(0)!, 'failure', 0);
    await t.clock.advance(1000);
    const cancel = new AbortController();
    const result = t.run(cancel.signal, 1, t.view());
    expect(t.breaker.rejects(t.clock.now())).toBe(true);
    cancel.abort(EngineError.aborted());
    await expect(result).rejects.toMatchObject({ failure: { reason: 'aborted' } });
    expect(t.breaker.tryAcquire(t.clock.now())?.probe).toBe(true);
  });

  it('writes the answer to the cache under the task current purpose, and a 304 as a refresh', async () => {
    const t = setup({ conditional: { 'If-None-Match': '"a"' } });
    const first = t.run(new AbortController().signal, 1, t.view('prefetch'));
    t.fetcher.last().respond(200, mvtTile());
    await first;
    const second = t.run(new AbortController().signal, 1, t.view());
    t.fetcher.last().respond(304, null, { 'cache-control': 'max-age=9' });
    await second;
    expect(t.cache.puts[0]).toMatchObject({ key: 'k', answer: { status: 200, purpose: 'prefetch' } });
    expect(t.cache.refreshes).toEqual([{ key: 'k', headers: { 'cache-control': 'max-age=9' } }]);
  });

  it('does not fail the request when the cache throws on write', async () => {
    const t = setup();
    t.cache.put = () => {
      throw new Error('quota');
    };
    const result = t.run(new AbortController().signal, 1, t.view());
    t.fetcher.last().respond(200, mvtTile());
    await flushMicrotasks();
    await expect(result).resolves.toMatchObject({ value: { outcome: 'ok' } });
  });
});
