import { describe, expect, it } from 'vitest';
import { holdLeadership, type LockRequester } from './leader-election.ts';

// Web Locks as the browser grants them: one holder at a time, the next in line when it lets go.
function fakeLocks() {
  const queue: { grant: () => void; signal?: AbortSignal; reject: (e: Error) => void }[] = [];
  let held = false;
  const next = () => {
    const waiting = queue.shift();
    if (waiting) waiting.grant();
  };
  const locks: LockRequester = {
    request: (_name, options, callback) =>
      new Promise((resolve, reject) => {
        const entry = {
          signal: options.signal,
          reject,
          grant: () => {
            held = true;
            Promise.resolve(callback(null)).then(() => {
              held = false;
              resolve(undefined);
              next();
            });
          },
        };
        options.signal?.addEventListener('abort', () => {
          const at = queue.indexOf(entry);
          if (at >= 0) queue.splice(at, 1), reject(new DOMException('aborted', 'AbortError'));
        });
        queue.push(entry);
        if (!held) next();
      }),
  };
  return locks;
}

describe('holdLeadership', () => {
  it('lets one tab lead at a time and hands over to the next when the leader lets go', async () => {
    const locks = fakeLocks();
    const log: string[] = [];
    const stopA = holdLeadership(locks, 'l', () => (log.push('a leads'), () => log.push('a stops')));
    const stopB = holdLeadership(locks, 'l', () => (log.push('b leads'), () => log.push('b stops')));
    await Promise.resolve();
    expect(log).toEqual(['a leads']);
    stopA();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(log).toEqual(['a leads', 'a stops', 'b leads']);
    stopB();
    expect(log.at(-1)).toBe('b stops');
  });

  it('a tab that gives up while waiting never leads', async () => {
    const locks = fakeLocks();
    const log: string[] = [];
    const stopA = holdLeadership(locks, 'l', () => (log.push('a leads'), () => undefined));
    const stopB = holdLeadership(locks, 'l', () => (log.push('b leads'), () => undefined));
    stopB();
    stopA();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(log).toEqual(['a leads']);
  });
});
