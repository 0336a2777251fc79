import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../test/seeded-random.ts';
import { classifyStatus, parseRetryAfter, RetryPolicy } from './retry-policy.ts';

const options = { baseMs: 200, capMs: 5000, maxAttempts: 4 };

describe('classifyStatus', () => {
  it('treats 204 and 404 as "no tile here", not as failures', () => {
    expect(classifyStatus(204)).toEqual({ kind: 'no-tile' });
    expect(classifyStatus(404)).toEqual({ kind: 'no-tile' });
  });

  it('retries 5xx, 429 and 408 but no other 4xx', () => {
    expect(classifyStatus(503)).toEqual({ kind: 'fail', reason: 'http-5xx', retryable: true });
    expect(classifyStatus(429)).toEqual({ kind: 'fail', reason: 'http-429', retryable: true });
    expect(classifyStatus(408)).toMatchObject({ retryable: true });
    for (const status of [400, 401, 403, 410]) expect(classifyStatus(status)).toEqual({ kind: 'fail', reason: 'http-4xx', retryable: false });
  });

  it('passes 2xx and 304 through', () => {
    expect(classifyStatus(200)).toEqual({ kind: 'ok' });
    expect(classifyStatus(304)).toEqual({ kind: 'not-modified' });
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('Wed, 21 Oct 2026 07:28:00 GMT');

  it('reads delta-seconds', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
  });

  it('reads an HTTP-date against the given clock', () => {
    expect(parseRetryAfter('Wed, 21 Oct 2026 07:28:30 GMT', now)).toBe(30_000);
  });

  it('treats a past date as "now"', () => {
    expect(parseRetryAfter('Wed, 21 Oct 2026 07:00:00 GMT', now)).toBe(0);
  });

  it('ignores absent and unparseable values', () => {
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('', now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
  });
});

describe('RetryPolicy', () => {
  it('keeps every backoff delay inside the full-jitter envelope [0, min(cap, base·2^n))', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const policy = new RetryPolicy(options, seededRandom(seed));
      for (let n = 0; n < 8; n++) {
        const delay = policy.delayMs({ reason: 'http-5xx', retryable: true }, n);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThan(Math.min(5000, 200 * 2 ** n));
      }
    }
  });

  it('spreads delays over the envelope rather than clustering them', () => {
    const policy = new RetryPolicy(options, seededRandom(3));
    const delays = Array.from({ length: 1000 }, () => policy.delayMs({ reason: 'network', retryable: true }, 2));
    expect(Math.min(...delays)).toBeLessThan(80);
    expect(Math.max(...delays)).toBeGreaterThan(720);
  });

  it('never retries before Retry-After', () => {
    for (let seed = 1; seed <= 100; seed++) {
      const policy = new RetryPolicy(options, seededRandom(seed));
      const delay = policy.delayMs({ reason: 'http-429', retryable: true, retryAfterMs: 3000 }, 0);
      expect(delay).toBeGreaterThanOrEqual(3000);
      expect(delay).toBeLessThan(3200);
    }
  });

  it('backs off longer for a 429 without Retry-After', () => {
    for (let seed = 1; seed <= 100; seed++) {
      const policy = new RetryPolicy(options, seededRandom(seed));
      expect(policy.delayMs({ reason: 'http-429', retryable: true }, 0)).toBeGreaterThanOrEqual(400);
    }
  });

  it('gives up on non-retryable failures, after maxAttempts, past the deadline, and when the budget says no', () => {
    const policy = new RetryPolicy(options, () => 0.5);
    const fiveXx = { reason: 'http-5xx' as const, retryable: true };
    const yes = () => true;
    expect(policy.decide({ reason: 'http-4xx', retryable: false }, 1, 0, 30_000, yes)).toMatchObject({ giveUp: 'http-4xx' });
    expect(policy.decide(fiveXx, 4, 0, 30_000, yes)).toMatchObject({ giveUp: 'http-5xx' });
    expect(policy.decide(fiveXx, 1, 29_950, 30_000, yes)).toMatchObject({ giveUp: 'deadline' });
    expect(policy.decide(fiveXx, 1, 0, 30_000, () => false)).toMatchObject({ giveUp: 'retry-budget' });
    expect(policy.decide(fiveXx, 1, 0, 30_000, yes)).toEqual({ retryInMs: 100 });
  });

  it('reports a Retry-After beyond the deadline as the server answer', () => {
    const policy = new RetryPolicy(options, () => 0);
    expect(policy.decide({ reason: 'http-429', retryable: true, retryAfterMs: 60_000 }, 1, 0, 30_000, () => true)).toMatchObject({
      giveUp: 'http-429',
    });
  });

  it('does not spend budget on a retry it will not make', () => {
    const policy = new RetryPolicy(options, () => 0.5);
    let asked = 0;
    policy.decide({ reason: 'http-5xx', retryable: true }, 4, 0, 30_000, () => (asked++, true));
    expect(asked).toBe(0);
  });
});
