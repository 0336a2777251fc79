import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from './circuit-breaker.ts';

function failTimes(breaker: CircuitBreaker, n: number, now = 0): void {
  for (let i = 0; i < n; i++) {
    const permit = breaker.tryAcquire(now);
    if (!permit) throw new Error('refused');
    breaker.record(permit, 'failure', now);
  }
}

describe('CircuitBreaker', () => {
  const options = { failureThreshold: 5, coolDownMs: 5000 };

  it('stays closed below the failure threshold', () => {
    const breaker = new CircuitBreaker(options);
    failTimes(breaker, 4);
    expect(breaker.state(0)).toBe('closed');
    expect(breaker.snapshot(0)).toEqual({ state: 'closed', consecutiveFailures: 4, answered: 0, failed: 4 });
  });

  it('opens after N consecutive failures and then refuses attempts', () => {
    const breaker = new CircuitBreaker(options);
    failTimes(breaker, 5, 100);
    expect(breaker.state(100)).toBe('open');
    expect(breaker.rejects(100)).toBe(true);
    expect(breaker.tryAcquire(4000)).toBeUndefined();
    expect(breaker.snapshot(200)).toMatchObject({ state: 'open', openedAt: 100 });
  });

  it('a success resets the consecutive count', () => {
    const breaker = new CircuitBreaker(options);
    failTimes(breaker, 4);
    breaker.record(breaker.tryAcquire(0)!, 'success', 0);
    failTimes(breaker, 4);
    expect(breaker.state(0)).toBe('closed');
  });

  it('neutral outcomes (cancelled attempts) neither count nor reset', () => {
    const breaker = new CircuitBreaker(options);
    failTimes(breaker, 4);
    breaker.record(breaker.tryAcquire(0)!, 'neutral', 0);
    failTimes(breaker, 1);
    expect(breaker.state(0)).toBe('open');
  });

  it('turns half-open after the cool-down and lets exactly one probe through', () => {
    const breaker = new CircuitBreaker(options);
    failTimes(breaker, 5, 0);
    expect(breaker.state(5000)).toBe('half-open');
    const probe = breaker.tryAcquire(5000);
    expect(probe?.probe).toBe(true);
    expect(breaker.tryAcquire(5001)).toBeUndefined();
    expect(breaker.rejects(5001)).toBe(true);
  });

  it('closes when the probe succeeds', () => {
    const breaker = new CircuitBreaker(options);
    failTimes(breaker, 5, 0);
    breaker.record(breaker.tryAcquire(5000)!, 'success', 5100);
    expect(breaker.snapshot(5100)).toEqual({ state: 'closed', consecutiveFailures: 0, answered: 1, failed: 5 });
    expect(breaker.tryAcquire(5100)?.probe).toBe(false);
  });

  it('opens again for a full cool-down when the probe fails', () => {
    const breaker = new CircuitBreaker(options);
    failTimes(breaker, 5, 0);
    breaker.record(breaker.tryAcquire(5000)!, 'failure', 6000);
    expect(breaker.state(10_999)).toBe('open');
    expect(breaker.state(11_000)).toBe('half-open');
  });

  it('frees the probe when it ends without a verdict, so another may try', () => {
    const breaker = new CircuitBreaker(options);
    failTimes(breaker, 5, 0);
    breaker.record(breaker.tryAcquire(5000)!, 'neutral', 5001);
    expect(breaker.state(5002)).toBe('half-open');
    expect(breaker.tryAcquire(5002)?.probe).toBe(true);
  });

  it('ignores late results of attempts admitted before it opened', () => {
    const breaker = new CircuitBreaker(options);
    const early = breaker.tryAcquire(0)!;
    failTimes(breaker, 5, 0);
    breaker.record(early, 'success', 10);
    expect(breaker.state(10)).toBe('open');
  });
});
