import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../test/seeded-random.ts';
import { ConcurrencyController } from './concurrency-controller.ts';

const options = { max: 8, decreaseFactor: 0.7, increaseStep: 1, latencyTargetMs: 1000 };

describe('ConcurrencyController', () => {
  it('starts at the configured max', () => {
    expect(new ConcurrencyController(options).limit).toBe(8);
  });

  it('drops multiplicatively on overload', () => {
    const c = new ConcurrencyController(options);
    c.onOverload(0);
    expect(c.limit).toBe(5);
  });

  it('counts a burst of overload signals within one latency window as one decrease', () => {
    const c = new ConcurrencyController(options);
    c.onSuccess(200, 0);
    for (let i = 0; i < 20; i++) c.onOverload(1000 + i * 5);
    expect(c.limit).toBe(5);
    c.onOverload(1300);
    expect(c.limit).toBe(3);
  });

  it('never goes below 1', () => {
    const c = new ConcurrencyController(options);
    for (let t = 0; t < 100_000; t += 2000) c.onOverload(t);
    expect(c.limit).toBe(1);
  });

  it('climbs back additively: one step per limit-worth of clean successes', () => {
    const c = new ConcurrencyController(options);
    c.onOverload(0);
    expect(c.limit).toBe(5);
    for (let i = 0; i < 4; i++) c.onSuccess(100, 10);
    expect(c.limit).toBe(5);
    c.onSuccess(100, 10);
    expect(c.limit).toBe(6);
    for (let i = 0; i < 100; i++) c.onSuccess(100, 10);
    expect(c.limit).toBe(8);
  });

  it('decreases gently when latency is far above the target, and holds just above it', () => {
    const c = new ConcurrencyController(options);
    c.onSuccess(2500, 0);
    expect(c.limit).toBe(7);
    for (let i = 0; i < 50; i++) c.onSuccess(1500, 10_000);
    expect(c.limit).toBe(7);
  });

  it('stays within [1, max] under random signals', () => {
    for (let seed = 1; seed <= 50; seed++) {
      const random = seededRandom(seed);
      const c = new ConcurrencyController(options);
      let now = 0;
      for (let i = 0; i < 500; i++) {
        now += random() * 500;
        if (random() < 0.3) c.onOverload(now);
        else c.onSuccess(random() * 4000, now);
        expect(c.limit).toBeGreaterThanOrEqual(1);
        expect(c.limit).toBeLessThanOrEqual(8);
      }
    }
  });

  it('follows a lowered max at once and may climb to a raised one', () => {
    const c = new ConcurrencyController(options);
    c.configure({ ...options, max: 3 });
    expect(c.limit).toBe(3);
    c.configure({ ...options, max: 10 });
    for (let i = 0; i < 100; i++) c.onSuccess(100, 0);
    expect(c.limit).toBe(10);
  });
});
