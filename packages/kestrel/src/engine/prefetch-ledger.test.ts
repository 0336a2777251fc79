import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../test/fake-clock.ts';
import { PrefetchLedger } from './prefetch-ledger.ts';

const moving = { moving: true, tier: 'memory' } as const;

function setup(options = {}) {
  const clock = new FakeClock();
  return { clock, ledger: new PrefetchLedger(clock, options) };
}

describe('PrefetchLedger counts', () => {
  it('counts issued, completed and bytes', () => {
    const { ledger } = setup();
    ledger.issued('a');
    ledger.issued('b');
    ledger.completed('a', 1000);
    expect(ledger.snapshot()).toMatchObject({ enabled: true, issued: 2, completed: 1, bytes: 1000 });
    expect(ledger.snapshot()).toMatchObject({ used: 0, wasted: 0 });
  });

  it('keeps the same books by reason: issued, and bytes used, wasted and still unused', async () => {
    const { clock, ledger } = setup();
    ledger.issued('d', 0, 'destination');
    ledger.issued('r1', 0, 'ring');
    ledger.issued('r2', 0, 'ring');
    ledger.issued('p', 0, 'path');
    ledger.visibleRequest('p', moving); // joined in flight
    ledger.completed('d', 100);
    ledger.completed('r1', 10);
    ledger.completed('p', 7);
    ledger.visibleRequest('d', moving);
    ledger.evicted('r1');
    await clock.advance(1000);
    ledger.completed('r2', 20);
    expect(ledger.snapshot().byReason).toEqual({
      destination: { issued: 1, usedBytes: 100, wastedBytes: 0, unusedBytes: 0 },
      ring: { issued: 2, usedBytes: 0, wastedBytes: 10, unusedBytes: 20 },
      path: { issued: 1, usedBytes: 7, wastedBytes: 0, unusedBytes: 0 },
    });
    await clock.advance(30_000);
    expect(ledger.snapshot().byReason?.ring).toEqual({ issued: 2, usedBytes: 0, wastedBytes: 30, unusedBytes: 0 });
  });

  it('lets guesses start while the bytes at risk stay within maxWasteShare of what was prefetched', async () => {
    const { clock, ledger } = setup({ maxWasteShare: 0.2 });
    // nothing used yet: the floor alone
    expect(ledger.allowGuess('g1', 100, 250)).toBe(true);
    ledger.issued('g1', 100, 'path');
    expect(ledger.allowGuess('g2', 100, 250)).toBe(true);
    ledger.issued('g2', 100, 'path');
    expect(ledger.allowGuess('g3', 100, 250)).toBe(false);
    // a destination in flight or unused is not a guess: it takes nothing from the allowance
    ledger.issued('d', 5000, 'destination');
    ledger.completed('d', 5000);
    ledger.completed('g1', 100);
    ledger.completed('g2', 100);
    expect(ledger.allowGuess('g3', 100, 250)).toBe(false);
    // 4,000 used bytes allow 1,000 at risk (0.2 / 0.8): 200 unused + 100 more fit, 900 more do not
    ledger.visibleRequest('d', moving); // 5,000 used
    expect(ledger.allowGuess('g3', 100, 0)).toBe(true);
    expect(ledger.allowGuess('g4', 1200, 0)).toBe(false);
    // waste stays in the books for the window: the 200 bytes, once expired, still count
    await clock.advance(30_000);
    expect(ledger.snapshot().wastedBytes).toBe(200);
    expect(ledger.allowGuess('g5', 1100, 0)).toBe(false);
    expect(ledger.allowGuess('g5', 1000, 0)).toBe(true);
    // a minute on, the used bytes and the waste both left the window
    await clock.advance(30_001);
    expect(ledger.allowGuess('g6', 100, 0)).toBe(false);
    expect(ledger.snapshot().heldByWasteBudget).toBe(4);
  });

  it('counts a moving camera’s lookahead against the budget only once it is overdue, a ring at once', async () => {
    const { clock, ledger } = setup({ maxWasteShare: 0.2 });
    for (const key of ['p1', 'p2', 'p3']) {
      expect(ledger.allowGuess(key, 100, 250, 'path')).toBe(true);
      ledger.issued(key, 100, 'path');
      ledger.completed(key, 100);
    }
    // 300 bytes of fresh lookahead: a ring may not start (floor 250), more lookahead may
    expect(ledger.allowGuess('r', 100, 250, 'ring')).toBe(false);
    expect(ledger.allowGuess('p4', 100, 250, 'path')).toBe(true);
    // three seconds on, unused: the lookahead missed, and holds further lookahead too
    await clock.advance(3_000);
    expect(ledger.allowGuess('p4', 100, 250, 'path')).toBe(false);
  });

  it('does not let a ring that missed hold back the lookahead of the next pan', async () => {
    const { clock, ledger } = setup({ maxWasteShare: 0.2 });
    ledger.issued('r', 0, 'ring');
    ledger.completed('r', 1000);
    await clock.advance(30_000); // wasted
    expect(ledger.allowGuess('r2', 100, 250, 'ring')).toBe(false);
    expect(ledger.allowGuess('p', 100, 250, 'path')).toBe(true);
  });

  it('has no waste budget at maxWasteShare 1', () => {
    const { ledger } = setup({ maxWasteShare: 1 });
    ledger.issued('g1', 1e9, 'ring');
    expect(ledger.allowGuess('g2', 1e9, 0)).toBe(true);
  });

  it('counts a prefetched tile as used once, however often it is then shown', () => {
    const { ledger } = setup();
    ledger.issued('a');
    ledger.completed('a', 1000);
    expect(ledger.visibleRequest('a', moving)).toBe(true);
    expect(ledger.visibleRequest('a', moving)).toBe(false);
    expect(ledger.snapshot().used).toBe(1);
  });

  it('counts a prefetched tile left unused for 30 s as wasted, not before', async () => {
    const { clock, ledger } = setup();
    ledger.issued('a');
    await clock.advance(500);
    ledger.completed('a', 1000);
    await clock.advance(29_999);
    expect(ledger.snapshot().wasted).toBe(0);
    await clock.advance(1);
    expect(ledger.snapshot().wasted).toBe(1);
    // settled: a late visible request is not a use
    expect(ledger.visibleRequest('a', moving)).toBe(false);
    expect(ledger.snapshot()).toMatchObject({ used: 0, wasted: 1 });
  });

  it('takes the unused period from its options', async () => {
    const { clock, ledger } = setup({ unusedAfterMs: 5000 });
    ledger.issued('a');
    ledger.completed('a', 10);
    await clock.advance(5000);
    expect(ledger.snapshot().wasted).toBe(1);
  });

  it('counts an evicted unused prefetch as wasted, and a used one not at all', () => {
    const { ledger } = setup();
    for (const key of ['a', 'b']) {
      ledger.issued(key);
      ledger.completed(key, 100);
    }
    ledger.visibleRequest('b', moving);
    ledger.evicted('a');
    ledger.evicted('b');
    ledger.evicted('never-prefetched');
    expect(ledger.snapshot()).toMatchObject({ used: 1, wasted: 1 });
  });

  it('counts a prefetch whose copy was gone when asked for (answered by the network) as wasted', () => {
    const { ledger } = setup();
    ledger.issued('a');
    ledger.completed('a', 100);
    expect(ledger.visibleRequest('a', { moving: true, tier: 'network' })).toBe(false);
    expect(ledger.snapshot()).toMatchObject({ used: 0, wasted: 1, hitRatio: 0 });
  });

  it('counts a visible request that joins a prefetch in flight as used, but not as a memory hit', () => {
    const { ledger } = setup();
    ledger.issued('a');
    expect(ledger.visibleRequest('a', { moving: true, tier: 'network' })).toBe(true);
    ledger.completed('a', 100);
    ledger.evicted('a');
    expect(ledger.snapshot()).toMatchObject({ completed: 1, used: 1, wasted: 0, hitRatio: 0 });
  });

  it('neither completes nor wastes an abandoned prefetch, and counts the cancelled ones apart from failures', () => {
    const { ledger } = setup();
    ledger.issued('a', 50_000);
    ledger.issued('b', 50_000);
    ledger.abandoned('a', 'cancelled');
    ledger.abandoned('b', 'failed');
    ledger.abandoned('a', 'cancelled');
    expect(ledger.snapshot()).toMatchObject({ issued: 2, completed: 0, wasted: 0, bytes: 0, cancelled: 1 });
  });

  it('does not count a completed prefetch as cancelled', () => {
    const { ledger } = setup();
    ledger.issued('a');
    ledger.completed('a', 100);
    ledger.abandoned('a', 'cancelled');
    expect(ledger.snapshot()).toMatchObject({ completed: 1, cancelled: 0, unusedBytes: 100 });
  });

  it('zeroes the figures on reset', () => {
    const { ledger } = setup();
    ledger.issued('a');
    ledger.completed('a', 100);
    ledger.visibleRequest('a', moving);
    ledger.reset();
    const zero = { enabled: true, issued: 0, completed: 0, used: 0, wasted: 0, bytes: 0, hitRatio: 0, cancelled: 0, usedBytes: 0, wastedBytes: 0, unusedBytes: 0, byReason: {}, heldByWasteBudget: 0 };
    expect(ledger.snapshot()).toEqual(zero);
  });
});

describe('PrefetchLedger bytes', () => {
  it('splits prefetched bytes into used, wasted and not yet asked for, which add up to the total', async () => {
    const { clock, ledger } = setup();
    const sizes = { used: 1000, joined: 300, evicted: 200, expired: 50, missed: 70, pending: 400 };
    for (const [key, bytes] of Object.entries(sizes)) {
      ledger.issued(key);
      if (key !== 'joined') ledger.completed(key, bytes);
    }
    ledger.visibleRequest('used', moving);
    ledger.visibleRequest('joined', { moving: true, tier: 'network' });
    ledger.completed('joined', sizes.joined);
    ledger.evicted('evicted');
    ledger.visibleRequest('missed', { moving: true, tier: 'network' });
    await clock.advance(20_000);
    ledger.issued('late');
    ledger.completed('late', 5);
    await clock.advance(10_000); // every completion but 'late' is now 30 s old: expired unused
    ledger.visibleRequest('late', moving);
    const s = ledger.snapshot();
    expect(s).toMatchObject({
      bytes: 2025,
      usedBytes: sizes.used + sizes.joined + 5,
      wastedBytes: sizes.evicted + sizes.missed + sizes.expired + sizes.pending,
      unusedBytes: 0,
    });
    expect(s.usedBytes + s.wastedBytes + s.unusedBytes).toBe(s.bytes);
  });

  it('reports completed, not yet used bytes as unused until they are used or wasted', () => {
    const { ledger } = setup();
    ledger.issued('a');
    ledger.completed('a', 700);
    expect(ledger.snapshot()).toMatchObject({ usedBytes: 0, wastedBytes: 0, unusedBytes: 700 });
    ledger.visibleRequest('a', moving);
    expect(ledger.snapshot()).toMatchObject({ usedBytes: 700, unusedBytes: 0 });
  });
});

describe('PrefetchLedger hitRatio', () => {
  it('is the share of visible requests during motion answered from memory because of a prefetch', () => {
    const { ledger } = setup();
    for (const key of ['a', 'b', 'c']) {
      ledger.issued(key);
      ledger.completed(key, 100);
    }
    ledger.visibleRequest('a', { moving: true, tier: 'memory' }); // hit
    ledger.visibleRequest('b', { moving: true, tier: 'memory' }); // hit
    ledger.visibleRequest('c', { moving: true, tier: 'idb' }); // used, but not from memory
    ledger.visibleRequest('x', { moving: true, tier: 'memory' }); // in memory, not thanks to prefetch
    ledger.visibleRequest('y', { moving: false, tier: 'memory' }); // at rest: not counted
    expect(ledger.snapshot()).toMatchObject({ used: 3, hitRatio: 2 / 4 });
  });

  it('counts a hit on a tile a cancelled prefetch still wrote to the cache (it was left to finish)', () => {
    const { ledger } = setup();
    ledger.issued('a', 1000);
    ledger.abandoned('a', 'cancelled', 1000);
    expect(ledger.visibleRequest('a', { moving: true, tier: 'memory', prefetched: true })).toBe(true);
    // a tile nobody prefetched, or one the cache no longer holds, is no hit
    expect(ledger.visibleRequest('b', { moving: true, tier: 'memory' })).toBe(false);
    expect(ledger.visibleRequest('c', { moving: true, tier: 'network', prefetched: true })).toBe(false);
    expect(ledger.snapshot()).toMatchObject({ used: 1, cancelled: 1, hitRatio: 1 / 3, usedBytes: 0 });
  });

  it('is 0 before any visible request during motion', () => {
    const { ledger } = setup();
    ledger.visibleRequest('x', { moving: false, tier: 'network' });
    expect(ledger.snapshot().hitRatio).toBe(0);
  });
});

describe('PrefetchLedger byte budget', () => {
  it('never lets completed bytes in any 60 s window exceed bytesPerMinute', async () => {
    const budget = 1_000_000;
    const { clock, ledger } = setup({ bytesPerMinute: budget });
    const done: { at: number; bytes: number }[] = [];
    let refused = 0;
    // a tile of 100 kB offered every second for 3 minutes
    for (let i = 0; i < 180; i++) {
      if (ledger.allow(100_000)) {
        ledger.issued(`t${i}`, 100_000);
        ledger.completed(`t${i}`, 100_000);
        done.push({ at: clock.now(), bytes: 100_000 });
      } else {
        refused++;
      }
      await clock.advance(1000);
    }
    for (const { at } of done) {
      const inWindow = done.filter((d) => d.at > at - 60_000 && d.at <= at).reduce((s, d) => s + d.bytes, 0);
      expect(inWindow).toBeLessThanOrEqual(budget);
    }
    expect(refused).toBeGreaterThan(0);
    // the window slides: the budget comes back each minute (10 tiles a minute, 3 minutes)
    expect(done).toHaveLength(30);
  });

  it('holds the estimates of prefetches in flight against the budget', () => {
    const { ledger } = setup({ bytesPerMinute: 250_000 });
    expect(ledger.allow(100_000)).toBe(true);
    ledger.issued('a', 100_000);
    ledger.issued('b', 100_000);
    expect(ledger.allow(100_000)).toBe(false);
    ledger.abandoned('b', 'failed');
    expect(ledger.allow(100_000)).toBe(true);
  });

  it('charges what an abandoned prefetch may still spend', () => {
    const { ledger } = setup({ bytesPerMinute: 250_000 });
    ledger.issued('a', 100_000);
    ledger.abandoned('a', 'cancelled', 100_000);
    expect(ledger.allow(150_000)).toBe(true);
    expect(ledger.allow(150_001)).toBe(false);
    expect(ledger.snapshot()).toMatchObject({ cancelled: 1, completed: 0, bytes: 0 });
  });

  it('charges actual bytes on completion instead of the estimate', () => {
    const { ledger } = setup({ bytesPerMinute: 250_000 });
    ledger.issued('a', 100_000);
    ledger.completed('a', 20_000);
    expect(ledger.allow(230_000)).toBe(true);
    expect(ledger.allow(230_001)).toBe(false);
  });
});

describe('PrefetchLedger switch', () => {
  it.each([
    [{ saveData: true, effectiveType: '4g' }, 'save-data'],
    [{ effectiveType: '2g' }, 'slow-connection'],
    [{ effectiveType: 'slow-2g' }, 'slow-connection'],
  ] as const)('turns prefetch off for %o, saying why', (hint, reason) => {
    const { ledger } = setup();
    ledger.setConnection(hint);
    expect(ledger.disabledReason()).toBe(reason);
    expect(ledger.enabled).toBe(false);
    expect(ledger.allow(1)).toBe(false);
    expect(ledger.snapshot().enabled).toBe(false);
  });

  it('stays on for 3g and 4g and comes back when the connection improves', () => {
    const { ledger } = setup();
    ledger.setConnection({ effectiveType: '3g' });
    expect(ledger.enabled).toBe(true);
    ledger.setConnection({ effectiveType: '2g' });
    ledger.setConnection({ effectiveType: '4g', saveData: false });
    expect(ledger.disabledReason()).toBeUndefined();
    expect(ledger.allow(1)).toBe(true);
  });

  it('reports the option as the reason when prefetch is configured off', () => {
    const { ledger } = setup({ enabled: false });
    expect(ledger.disabledReason()).toBe('option');
    ledger.configure({ enabled: true });
    expect(ledger.enabled).toBe(true);
  });
});
