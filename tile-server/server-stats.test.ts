import { describe, expect, test } from 'vitest';
import { createServerStats, MAX_DURATIONS } from './server-stats.ts';

describe('createServerStats', () => {
  test('counts requests per tile with their arrival times, statuses, faults and bytes', () => {
    let now = 10;
    const stats = createServerStats(() => now);
    stats.arrived('1/0/0');
    now = 25.04;
    stats.arrived('1/0/0');
    stats.arrived('2/1/1');
    stats.status(200);
    stats.status(503);
    stats.fault('503');
    stats.bytes(120);
    const snap = stats.snapshot(0);
    expect(snap).toMatchObject({
      requests: 3,
      byTile: { '1/0/0': 2, '2/1/1': 1 },
      byTileTimes: { '1/0/0': [10, 25], '2/1/1': [25] },
      byStatus: { '200': 1, '503': 1 },
      faultsInjected: { '503': 1 },
      bytesSent: 120,
      inFlight: 3,
      maxInFlight: 3,
    });
  });

  test('tracks the high-water mark of requests in flight', () => {
    const stats = createServerStats(() => 0);
    stats.arrived('a');
    stats.arrived('b');
    stats.finished();
    stats.arrived('c');
    expect(stats.snapshot(0)).toMatchObject({ inFlight: 2, maxInFlight: 2 });
  });

  test('reset clears the counts and restarts maxInFlight at the requests still open', () => {
    const stats = createServerStats(() => 0);
    for (const key of ['a', 'b', 'c']) stats.arrived(key);
    stats.finished();
    stats.finished();
    stats.reset();
    expect(stats.snapshot(0)).toMatchObject({ requests: 0, byTile: {}, byStatus: {}, bytesSent: 0, inFlight: 1, maxInFlight: 1 });
  });

  test('counts 401s for a missing required header until a reset', () => {
    const stats = createServerStats(() => 0);
    stats.unauthorized();
    stats.unauthorized();
    expect(stats.snapshot(0).unauthorized).toBe(2);
    stats.reset();
    expect(stats.snapshot(0).unauthorized).toBe(0);
  });

  test('hands out copies, not its own records', () => {
    const stats = createServerStats(() => 0);
    stats.arrived('a');
    const snap = stats.snapshot(0);
    snap.byTile.a = 99;
    snap.byTileTimes.a.push(5);
    expect(stats.snapshot(0).byTile.a).toBe(1);
    expect(stats.snapshot(0).byTileTimes.a).toEqual([0]);
  });

  test('records the service time of each completed response, from its arrival, in order of completion', () => {
    let now = 100;
    const stats = createServerStats(() => now);
    const first = stats.arrived('1/0/0');
    now = 110;
    const second = stats.arrived('2/1/1');
    now = 150.04;
    stats.completed(second);
    now = 180;
    stats.completed(first);
    expect(stats.snapshot(0).tileDurationsMs).toEqual([40, 80]);
  });

  test('a request that never completes has no duration, though it was counted', () => {
    let now = 0;
    const stats = createServerStats(() => now);
    stats.arrived('hung');
    now = 500;
    stats.finished();
    expect(stats.snapshot(0)).toMatchObject({ requests: 1, tileDurationsMs: [] });
  });

  test('reset forgets the durations, and a request that arrived before it does not count after it', () => {
    let now = 0;
    const stats = createServerStats(() => now);
    const before = stats.arrived('a');
    stats.completed(stats.arrived('b'));
    now = 50;
    stats.reset();
    expect(stats.snapshot(0).tileDurationsMs).toEqual([]);
    const after = stats.arrived('c');
    now = 70;
    stats.completed(before);
    stats.completed(after);
    expect(stats.snapshot(0).tileDurationsMs).toEqual([20]);
  });

  test(`keeps only the newest ${MAX_DURATIONS} durations`, () => {
    let now = 0;
    const stats = createServerStats(() => now);
    for (let i = 0; i < MAX_DURATIONS + 3; i++) {
      const at = stats.arrived('a');
      now += i;
      stats.completed(at);
    }
    const durations = stats.snapshot(0).tileDurationsMs;
    expect(durations).toHaveLength(MAX_DURATIONS);
    expect(durations[0]).toBe(3);
    expect(durations.at(-1)).toBe(MAX_DURATIONS + 2);
  });

  test('hands out a copy of the durations', () => {
    const stats = createServerStats(() => 0);
    stats.completed(stats.arrived('a'));
    stats.snapshot(0).tileDurationsMs.push(99);
    expect(stats.snapshot(0).tileDurationsMs).toEqual([0]);
  });
});
