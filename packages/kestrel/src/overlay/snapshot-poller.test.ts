import { describe, expect, it, vi } from 'vitest';
import { FakeClock } from '../../test/fake-clock.ts';
import { CostMeter } from './cost-meter.ts';
import { MIN_INTERVAL_MS, SnapshotPoller } from './snapshot-poller.ts';

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('SnapshotPoller', () => {
  it('pulls at once on start, then once per interval', async () => {
    const clock = new FakeClock();
    const pull = vi.fn(async () => 1);
    const poller = new SnapshotPoller({ pull, onResult: () => {}, onError: () => {}, clock, intervalMs: 250 });
    poller.start();
    expect(pull).toHaveBeenCalledTimes(1);
    await clock.advance(1000);
    expect(pull).toHaveBeenCalledTimes(5);
    poller.stop();
  });

  it('never pulls more than 4 times a second, whatever it is asked', async () => {
    const clock = new FakeClock();
    const pull = vi.fn(async () => 1);
    const poller = new SnapshotPoller({ pull, onResult: () => {}, onError: () => {}, clock, intervalMs: 10 });
    poller.start();
    await clock.advance(1000);
    expect(MIN_INTERVAL_MS).toBe(250);
    expect(pull).toHaveBeenCalledTimes(5);
    poller.stop();
  });

  it('skips ticks while a pull is pending', async () => {
    const clock = new FakeClock();
    const slow = deferred<number>();
    const pull = vi.fn(() => slow.promise);
    const onResult = vi.fn();
    const poller = new SnapshotPoller({ pull, onResult, onError: () => {}, clock });
    poller.start();
    await clock.advance(1000);
    expect(pull).toHaveBeenCalledTimes(1);
    expect(poller.skipped).toBe(4);
    slow.resolve(7);
    await clock.advance(250);
    expect(onResult).toHaveBeenCalledWith(7, { roundTripMs: 1000 });
    expect(pull).toHaveBeenCalledTimes(2);
    poller.stop();
  });

  it('stops scheduling when stopped and drops an answer that arrives afterwards', async () => {
    const clock = new FakeClock();
    const slow = deferred<number>();
    const onResult = vi.fn();
    const poller = new SnapshotPoller({ pull: () => slow.promise, onResult, onError: () => {}, clock });
    poller.start();
    poller.stop();
    expect(poller.running).toBe(false);
    expect(clock.pending()).toBe(0);
    slow.resolve(1);
    await clock.advance(1000);
    expect(onResult).not.toHaveBeenCalled();
  });

  it('keeps a single pull in flight across a stop and restart', async () => {
    const clock = new FakeClock();
    const slow = deferred<number>();
    const pull = vi.fn(() => slow.promise);
    const poller = new SnapshotPoller({ pull, onResult: () => {}, onError: () => {}, clock });
    poller.start();
    poller.stop();
    poller.start();
    expect(pull).toHaveBeenCalledTimes(1);
    poller.stop();
  });

  it('reports a failed pull and keeps polling', async () => {
    const clock = new FakeClock();
    const onError = vi.fn();
    let calls = 0;
    const pull = () => (++calls === 1 ? Promise.reject(new Error('worker gone')) : Promise.resolve(calls));
    const onResult = vi.fn();
    const poller = new SnapshotPoller({ pull, onResult, onError, clock });
    poller.start();
    await clock.advance(250);
    expect(onError).toHaveBeenCalledTimes(1);
    expect(onResult).toHaveBeenCalledWith(2, expect.anything());
    poller.stop();
  });

  it('reports a pull that throws synchronously as an error', async () => {
    const clock = new FakeClock();
    const onError = vi.fn();
    const poller = new SnapshotPoller<number>({
      pull: () => {
        throw new Error('closed port');
      },
      onResult: () => {},
      onError,
      clock,
    });
    poller.start();
    await clock.advance(0);
    expect(onError).toHaveBeenCalledTimes(1);
    poller.stop();
  });

  it('charges the synchronous work of each tick to the cost meter', async () => {
    const clock = new FakeClock();
    const cost = new CostMeter(1000);
    const spy = vi.spyOn(cost, 'add');
    const poller = new SnapshotPoller({ pull: async () => 1, onResult: () => {}, onError: () => {}, clock, cost });
    poller.start();
    await clock.advance(0);
    expect(spy).toHaveBeenCalledTimes(2);
    poller.stop();
  });
});
