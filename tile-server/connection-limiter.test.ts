import { describe, expect, test } from 'vitest';
import { createConnectionLimiter } from './connection-limiter.ts';

const never = new AbortController().signal;

describe('createConnectionLimiter', () => {
  test('admits everything at once when the cap is 0', async () => {
    const limiter = createConnectionLimiter(0);
    await Promise.all([limiter.acquire(never), limiter.acquire(never), limiter.acquire(never)]);
    expect(limiter.active).toBe(3);
    expect(limiter.waiting).toBe(0);
  });

  test('queues requests past the cap and admits them in arrival order as slots free', async () => {
    const limiter = createConnectionLimiter(1);
    const admitted: string[] = [];
    const first = await limiter.acquire(never);
    const b = limiter.acquire(never).then((release) => (admitted.push('b'), release));
    const c = limiter.acquire(never).then((release) => (admitted.push('c'), release));
    expect(limiter.waiting).toBe(2);
    first();
    (await b)();
    (await c)();
    expect(admitted).toEqual(['b', 'c']);
    expect(limiter.active).toBe(0);
  });

  test('drops a waiting request whose client gives up', async () => {
    const limiter = createConnectionLimiter(1);
    const release = await limiter.acquire(never);
    const gone = new AbortController();
    const waiting = limiter.acquire(gone.signal);
    gone.abort(new Error('client left'));
    await expect(waiting).rejects.toThrow('client left');
    expect(limiter.waiting).toBe(0);
    release();
    expect(limiter.active).toBe(0);
  });

  test('admits waiting requests when the cap is raised or lifted', async () => {
    const limiter = createConnectionLimiter(1);
    await limiter.acquire(never);
    const waiting = [limiter.acquire(never), limiter.acquire(never)];
    limiter.setMax(0);
    await Promise.all(waiting);
    expect(limiter.active).toBe(3);
  });

  test('ignores a second release of the same slot', async () => {
    const limiter = createConnectionLimiter(2);
    const release = await limiter.acquire(never);
    release();
    release();
    expect(limiter.active).toBe(0);
  });
});
