import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../test/fake-clock.ts';
import { DeferredRevalidations } from './deferred-revalidations.ts';

function setup(maxEntries?: number) {
  const clock = new FakeClock();
  const network = { online: false };
  const ran: string[] = [];
  const deferred = new DeferredRevalidations({ clock, isOnline: () => network.online, pollMs: 1000, maxEntries });
  const defer = (key: string, label = key) => deferred.defer(key, () => ran.push(label));
  return { clock, network, ran, deferred, defer };
}

describe('DeferredRevalidations', () => {
  it('runs nothing while the device stays offline', async () => {
    const s = setup();
    s.defer('a');
    await s.clock.advance(10_000);
    expect(s.ran).toEqual([]);
    expect(s.deferred.size).toBe(1);
  });

  it('runs every deferred revalidation once, at the first look after the device is back online', async () => {
    const s = setup();
    s.defer('a');
    s.defer('b');
    await s.clock.advance(2500);
    s.network.online = true;
    await s.clock.advance(1000);
    expect(s.ran).toEqual(['a', 'b']);
    await s.clock.advance(5000);
    expect(s.ran).toEqual(['a', 'b']);
    expect(s.clock.pending()).toBe(0);
  });

  it('keeps one revalidation per key, the newest', async () => {
    const s = setup();
    s.defer('a', 'first');
    s.defer('a', 'second');
    s.network.online = true;
    await s.clock.advance(1000);
    expect(s.ran).toEqual(['second']);
  });

  it('forgets the oldest key past its bound', async () => {
    const s = setup(2);
    s.defer('a');
    s.defer('b');
    s.defer('c');
    s.network.online = true;
    await s.clock.advance(1000);
    expect(s.ran).toEqual(['b', 'c']);
  });

  it('holds no timer when nothing waits, and none after dispose', async () => {
    const s = setup();
    expect(s.clock.pending()).toBe(0);
    s.defer('a');
    expect(s.clock.pending()).toBe(1);
    s.deferred.dispose();
    expect(s.clock.pending()).toBe(0);
    s.network.online = true;
    await s.clock.advance(5000);
    expect(s.ran).toEqual([]);
  });
});
