import { describe, expect, it } from 'vitest';
import type { CameraSnapshot, RequestPurpose, TileCoord } from '../contract/engine-api.ts';
import { FakeClock, flushMicrotasks } from '../../test/fake-clock.ts';
import { seededRandom } from '../../test/seeded-random.ts';
import { isAborted, Superseded } from './engine-error.ts';
import { DROP } from './priority-queue.ts';
import { type AttemptOutcome, Scheduler, type SchedulerLimits, type TaskView } from './scheduler.ts';
import { type AskOrigin, tilePriority } from './tile-priority.ts';

interface Run {
  key: string;
  attempt: number;
  signal: AbortSignal;
  done: boolean;
  resolve(outcome: AttemptOutcome<string>): void;
  reject(error: unknown): void;
}

interface AskOptions {
  host?: string;
  purpose?: RequestPurpose;
  coord?: TileCoord;
  signal?: AbortSignal;
  origin?: AskOrigin;
}

const limits: SchedulerLimits = { maxInFlight: 4, maxInFlightPerHost: 4, bulkShare: 0.25 };

function harness(l: Partial<SchedulerLimits> = {}, priority: (t: TaskView, now: number) => number = () => 0) {
  const clock = new FakeClock();
  const runs: Run[] = [];
  let adaptive = Number.POSITIVE_INFINITY;
  const scheduler = new Scheduler<string>({ clock, priority, adaptiveLimit: () => adaptive }, { ...limits, ...l });
  const ask = (key: string, o: AskOptions = {}) =>
    scheduler.schedule(
      { key, host: o.host ?? 'a.test', purpose: o.purpose ?? 'visible', coord: o.coord, origin: o.origin },
      (signal, attempt) =>
        new Promise<AttemptOutcome<string>>((resolve, reject) => {
          const run: Run = {
            key,
            attempt,
            signal,
            done: false,
            resolve: (v) => ((run.done = true), resolve(v)),
            reject: (e) => ((run.done = true), reject(e)),
          };
          runs.push(run);
        }),
      o.signal,
    );
  const live = () => runs.filter((r) => !r.done && !r.signal.aborted);
  const started = () => runs.map((r) => r.key);
  return { clock, runs, scheduler, ask, live, started, setAdaptive: (n: number) => (adaptive = n) };
}

async function outcomeOf<T>(promise: Promise<T>): Promise<string> {
  return promise.then(
    (v) => `ok:${String(v)}`,
    (e: unknown) => (isAborted(e) ? 'aborted' : `failed:${String(e)}`),
  );
}

// With one slot: completes the running task n times, recording which task held the slot each time.
async function drainInOrder(live: () => Run[], n: number): Promise<string[]> {
  const order: string[] = [];
  for (let i = 0; i < n; i++) {
    const run = live()[0];
    order.push(run.key);
    run.resolve({ value: run.key });
    await flushMicrotasks();
  }
  return order;
}

describe('Scheduler', () => {
  it('never runs more than maxInFlight at once and starts the next when one finishes', async () => {
    const h = harness();
    const tickets = ['a', 'b', 'c', 'd', 'e', 'f'].map((k) => h.ask(k));
    expect(h.started()).toEqual(['a', 'b', 'c', 'd']);
    expect(h.scheduler.snapshot()).toMatchObject({ inFlight: 4, queued: 2 });
    h.runs[0].resolve({ value: 'A' });
    await expect(tickets[0].promise).resolves.toBe('A');
    expect(h.started()).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('never runs more than maxInFlightPerHost against one host, while other hosts proceed', () => {
    const h = harness({ maxInFlight: 8, maxInFlightPerHost: 2 });
    ['1', '2', '3'].forEach((k) => h.ask(`a${k}`, { host: 'a.test' }));
    h.ask('b1', { host: 'b.test' });
    expect(h.started()).toEqual(['a1', 'a2', 'b1']);
    expect(h.scheduler.snapshot().inFlightPerHostMax).toBe(2);
  });

  it('starts nothing on a host paused by Retry-After until the pause ends, while other hosts proceed', async () => {
    const h = harness();
    h.scheduler.pauseHost('a.test', 1000);
    h.ask('a1', { host: 'a.test' });
    h.ask('b1', { host: 'b.test' });
    expect(h.started()).toEqual(['b1']);
    await h.clock.advance(999);
    expect(h.started()).toEqual(['b1']);
    await h.clock.advance(1);
    expect(h.started()).toEqual(['b1', 'a1']);
  });

  it('uses the adaptive limit when it is below maxInFlight', () => {
    const h = harness();
    h.setAdaptive(2);
    ['a', 'b', 'c'].forEach((k) => h.ask(k));
    expect(h.started()).toEqual(['a', 'b']);
    expect(h.scheduler.snapshot().limit).toBe(2);
  });

  it('starts queued tasks in priority order: visible centre tiles first', async () => {
    let camera: CameraSnapshot | undefined;
    const priority = (t: TaskView, now: number) => tilePriority(t, camera, now, { prefetchExpiryMs: 60_000 });
    const h = harness({ maxInFlight: 1 }, priority);
    camera = { center: [0, 0], zoom: 4, bearing: 0, pitch: 0, width: 512, height: 512, bounds: [-20, -20, 20, 20], time: 0 };
    h.ask('blocker');
    h.ask('prefetch-centre', { purpose: 'prefetch', coord: { z: 4, x: 8, y: 8 } });
    h.ask('far', { coord: { z: 4, x: 1, y: 1 } });
    h.ask('other-zoom', { coord: { z: 6, x: 32, y: 32 } });
    h.ask('centre', { coord: { z: 4, x: 8, y: 8 } });
    h.ask('revalidate', { purpose: 'revalidate', coord: { z: 4, x: 8, y: 8 } });
    expect(await drainInOrder(h.live, 6)).toEqual(['blocker', 'centre', 'far', 'other-zoom', 'prefetch-centre', 'revalidate']);
  });

  it('reorders the queue on reprioritize when the camera moves', async () => {
    let centreX = 1;
    const priority = (t: TaskView) => Math.abs((t.coord?.x ?? 0) - centreX);
    const h = harness({ maxInFlight: 1 }, priority);
    h.ask('blocker');
    for (const x of [1, 5, 9]) h.ask(`x${x}`, { coord: { z: 4, x, y: 0 } });
    centreX = 9;
    h.scheduler.reprioritize();
    expect(await drainInOrder(h.live, 4)).toEqual(['blocker', 'x9', 'x5', 'x1']);
  });

  it('drops entries whose priority became DROP and rejects their askers with an abort', async () => {
    let dropOdd = false;
    const h = harness({ maxInFlight: 1 }, (t) => (dropOdd && (t.coord?.x ?? 0) % 2 === 1 ? DROP : 0));
    h.ask('blocker');
    const odd = h.ask('odd', { coord: { z: 1, x: 1, y: 0 } });
    h.ask('even', { coord: { z: 1, x: 0, y: 0 } });
    dropOdd = true;
    h.scheduler.reprioritize();
    expect(await outcomeOf(odd.promise)).toBe('aborted');
    expect(h.scheduler.snapshot().queued).toBe(1);
  });

  describe('coalescing', () => {
    it('shares one attempt between concurrent asks for the same key', async () => {
      const h = harness();
      const first = h.ask('k');
      const second = h.ask('k');
      expect(first.coalesced).toBe(false);
      expect(second.coalesced).toBe(true);
      expect(h.runs).toHaveLength(1);
      h.runs[0].resolve({ value: 'tile' });
      expect(await Promise.all([first.promise, second.promise])).toEqual(['tile', 'tile']);
    });

    it('keeps the fetch when one of two askers cancels, and rejects only that asker', async () => {
      const h = harness();
      const c1 = new AbortController();
      const first = h.ask('k', { signal: c1.signal });
      const second = h.ask('k');
      c1.abort();
      expect(await outcomeOf(first.promise)).toBe('aborted');
      expect(h.runs[0].signal.aborted).toBe(false);
      h.runs[0].resolve({ value: 'tile' });
      expect(await second.promise).toBe('tile');
    });

    it('aborts the fetch and frees its slot at once when every asker has cancelled', async () => {
      const h = harness({ maxInFlight: 1 });
      const c1 = new AbortController();
      const c2 = new AbortController();
      const first = h.ask('k', { signal: c1.signal });
      const second = h.ask('k', { signal: c2.signal });
      h.ask('next');
      c1.abort();
      c2.abort();
      expect(h.runs[0].signal.aborted).toBe(true);
      // synchronously: the hung attempt never settled, yet the slot went to the next task
      expect(h.scheduler.snapshot().inFlight).toBe(1);
      expect(h.started()).toEqual(['k', 'next']);
      expect(await outcomeOf(first.promise)).toBe('aborted');
      expect(await outcomeOf(second.promise)).toBe('aborted');
    });

    it('promotes a queued prefetch when a visible ask joins it, and demotes it when that ask leaves', () => {
      const h = harness({ maxInFlight: 1 }, (t) => (t.purpose === 'visible' ? 0 : 1000));
      h.ask('blocker');
      h.ask('other-prefetch', { purpose: 'prefetch' });
      h.ask('k', { purpose: 'prefetch' });
      const visible = new AbortController();
      const joined = h.ask('k', { purpose: 'visible', signal: visible.signal });
      joined.promise.catch(() => undefined);
      expect(h.scheduler.snapshot().queuedByPurpose).toMatchObject({ visible: 1, prefetch: 1 });
      visible.abort();
      expect(h.scheduler.snapshot().queuedByPurpose).toMatchObject({ visible: 0, prefetch: 2 });
    });
  });

  describe('cancellation', () => {
    it('removes a queued task from the queue at once', async () => {
      const h = harness({ maxInFlight: 1 });
      h.ask('running');
      const c = new AbortController();
      const queued = h.ask('queued', { signal: c.signal });
      expect(h.scheduler.snapshot().queued).toBe(1);
      c.abort();
      expect(h.scheduler.snapshot().queued).toBe(0);
      expect(await outcomeOf(queued.promise)).toBe('aborted');
      expect(h.started()).toEqual(['running']);
    });

    it('rejects at once when the signal is already aborted', async () => {
      const h = harness();
      const c = new AbortController();
      c.abort();
      expect(await outcomeOf(h.ask('k', { signal: c.signal }).promise)).toBe('aborted');
      expect(h.runs).toHaveLength(0);
    });

    it('ignores a late result from an attempt it already aborted', async () => {
      const h = harness();
      const c = new AbortController();
      const t = h.ask('k', { signal: c.signal });
      c.abort();
      h.runs[0].resolve({ value: 'late' });
      await flushMicrotasks();
      expect(await outcomeOf(t.promise)).toBe('aborted');
      expect(h.scheduler.snapshot().inFlight).toBe(0);
    });
  });

  describe('retries', () => {
    it('holds no slot while waiting for the backoff, then re-enters the queue', async () => {
      const h = harness({ maxInFlight: 1 });
      const t = h.ask('flaky');
      h.ask('other');
      h.runs[0].resolve({ retryInMs: 500 });
      await flushMicrotasks();
      expect(h.scheduler.snapshot()).toMatchObject({ inFlight: 1, waitingRetry: 1 });
      expect(h.started()).toEqual(['flaky', 'other']);
      await h.clock.advance(499);
      expect(h.scheduler.snapshot().queued).toBe(0);
      await h.clock.advance(1);
      expect(h.scheduler.snapshot()).toMatchObject({ queued: 1, waitingRetry: 0 });
      h.runs[1].resolve({ value: 'o' });
      await flushMicrotasks();
      expect(h.runs[2]).toMatchObject({ key: 'flaky', attempt: 2 });
      h.runs[2].resolve({ value: 'ok' });
      expect(await t.promise).toBe('ok');
    });

    it('clears the backoff timer when the last asker cancels during it', async () => {
      const h = harness();
      const c = new AbortController();
      const t = h.ask('k', { signal: c.signal });
      h.runs[0].resolve({ retryInMs: 1000 });
      await flushMicrotasks();
      expect(h.clock.pending()).toBe(1);
      c.abort();
      expect(h.clock.pending()).toBe(0);
      expect(await outcomeOf(t.promise)).toBe('aborted');
    });

    it('fails every asker when an attempt throws', async () => {
      const h = harness();
      const a = h.ask('k');
      const b = h.ask('k');
      h.runs[0].reject(new Error('boom'));
      expect(await outcomeOf(a.promise)).toBe('failed:Error: boom');
      expect(await outcomeOf(b.promise)).toBe('failed:Error: boom');
    });
  });

  describe('bulk share', () => {
    it('lets prefetch hold at most its share of the slots', () => {
      const h = harness({ maxInFlight: 8, bulkShare: 0.25 });
      for (let i = 0; i < 6; i++) h.ask(`p${i}`, { purpose: 'prefetch' });
      expect(h.started()).toEqual(['p0', 'p1']);
      h.ask('v');
      expect(h.started()).toEqual(['p0', 'p1', 'v']);
    });

    it('starts no prefetch while visible work is queued', async () => {
      const h = harness({ maxInFlight: 2, maxInFlightPerHost: 1, bulkShare: 0.5 });
      h.ask('v1', { host: 'a' });
      h.ask('v2', { host: 'a' });
      h.ask('p', { purpose: 'prefetch', host: 'b' });
      expect(h.started()).toEqual(['v1']);
      h.runs[0].resolve({ value: '' });
      await flushMicrotasks();
      expect(h.started()).toEqual(['v1', 'v2', 'p']);
    });

    it('gives bulk work one slot even when its share rounds down to zero', () => {
      const h = harness({ maxInFlight: 2, bulkShare: 0.1 });
      h.ask('p1', { purpose: 'offline-save' });
      h.ask('p2', { purpose: 'offline-save' });
      expect(h.started()).toEqual(['p1']);
    });
  });

  it('dispose rejects every ask and leaves no timers', async () => {
    const h = harness({ maxInFlight: 1 });
    const a = h.ask('a');
    const b = h.ask('b');
    h.runs[0].resolve({ retryInMs: 100 });
    await flushMicrotasks();
    h.scheduler.dispose();
    expect(await outcomeOf(a.promise)).toBe('aborted');
    expect(await outcomeOf(b.promise)).toBe('aborted');
    expect(h.clock.pending()).toBe(0);
    expect(await outcomeOf(h.ask('c').promise)).toBe('aborted');
  });

  it('never exceeds the global and per-host bounds under random add/abort/complete/fail/retry/hang, and settles every ask', async () => {
    for (let seed = 1; seed <= 300; seed++) {
      const random = seededRandom(seed);
      const maxInFlight = 1 + Math.floor(random() * 6);
      const maxInFlightPerHost = 1 + Math.floor(random() * maxInFlight);
      const h = harness({ maxInFlight, maxInFlightPerHost, bulkShare: random() });
      const asks: { promise: Promise<string>; controller: AbortController; outcome?: string }[] = [];
      let hostPeak = new Map<string, number>();
      const check = () => {
        const live = h.live();
        expect(live.length).toBeLessThanOrEqual(maxInFlight);
        expect(h.scheduler.snapshot().inFlight).toBeLessThanOrEqual(maxInFlight);
        hostPeak = new Map();
        for (const r of live) hostPeak.set(r.key.split('/')[0], (hostPeak.get(r.key.split('/')[0]) ?? 0) + 1);
        for (const n of hostPeak.values()) expect(n).toBeLessThanOrEqual(maxInFlightPerHost);
      };
      for (let step = 0; step < 60; step++) {
        const r = random();
        const live = h.live();
        if (r < 0.4) {
          const host = ['a', 'b', 'c'][Math.floor(random() * 3)];
          const key = `${host}/${Math.floor(random() * 12)}`;
          const purpose = (['visible', 'prefetch', 'revalidate'] as const)[Math.floor(random() * 3)];
          const controller = new AbortController();
          const ticket = h.scheduler.schedule(
            { key, host, purpose },
            (signal, attempt) =>
              new Promise((resolve, reject) => {
                const run: Run = {
                  key,
                  attempt,
                  signal,
                  done: false,
                  resolve: (v) => ((run.done = true), resolve(v)),
                  reject: (e) => ((run.done = true), reject(e)),
                };
                h.runs.push(run);
              }),
            controller.signal,
          );
          const entry: (typeof asks)[number] = { promise: ticket.promise, controller };
          ticket.promise.then(
            () => (entry.outcome = 'ok'),
            () => (entry.outcome = 'rejected'),
          );
          asks.push(entry);
        } else if (r < 0.55 && asks.length > 0) {
          asks[Math.floor(random() * asks.length)].controller.abort();
        } else if (r < 0.7 && live.length > 0) {
          live[Math.floor(random() * live.length)].resolve({ value: 'v' });
        } else if (r < 0.8 && live.length > 0) {
          live[Math.floor(random() * live.length)].reject(new Error('fail'));
        } else if (r < 0.9 && live.length > 0) {
          live[Math.floor(random() * live.length)].resolve({ retryInMs: Math.floor(random() * 300) });
        } else if (r < 0.95) {
          h.setAdaptive(1 + Math.floor(random() * maxInFlight));
        } else {
          await h.clock.advance(Math.floor(random() * 200));
        }
        // "hang": any run left untouched simply stays pending until the drain below
        await flushMicrotasks();
        check();
      }
      // drain: finish whatever runs, let backoffs elapse, repeat until nothing is left
      for (let round = 0; round < 200 && asks.some((a) => a.outcome === undefined); round++) {
        for (const run of h.live()) run.resolve({ value: 'v' });
        await h.clock.runAll();
        check();
      }
      await flushMicrotasks();
      expect(asks.filter((a) => a.outcome === undefined)).toHaveLength(0);
      expect(h.scheduler.snapshot()).toMatchObject({ inFlight: 0, queued: 0, waitingRetry: 0 });
      expect(h.scheduler.snapshot().inFlightMax).toBeLessThanOrEqual(maxInFlight);
      expect(h.scheduler.snapshot().inFlightPerHostMax).toBeLessThanOrEqual(maxInFlightPerHost);
    }
  });

  describe('a superseded cancel (the work is no longer wanted)', () => {
    const supersede = (c: AbortController) => c.abort(new Superseded());

    it('lets bulk work already on the wire finish, holding its slot, while the asker is rejected at once', async () => {
      const h = harness({ maxInFlight: 2, bulkShare: 0.5 });
      const c = new AbortController();
      const p = outcomeOf(h.ask('p', { purpose: 'prefetch', signal: c.signal }).promise);
      const v = h.ask('v');
      supersede(c);
      expect(await p).toBe('aborted');
      expect(h.runs[0].signal.aborted).toBe(false);
      h.ask('w');
      // p still holds one of the two slots: w waits behind v
      expect(h.started()).toEqual(['p', 'v']);
      expect(h.scheduler.snapshot()).toMatchObject({ inFlight: 2, queued: 1 });
      h.runs[0].resolve({ value: 'P' });
      await flushMicrotasks();
      expect(h.started()).toEqual(['p', 'v', 'w']);
      void v.promise.catch(() => undefined);
    });

    it('lets a visible ask join the superseded fetch still on the wire', async () => {
      const h = harness();
      const c = new AbortController();
      void h.ask('t', { purpose: 'prefetch', signal: c.signal }).promise.catch(() => undefined);
      supersede(c);
      const joined = h.ask('t');
      expect(joined.coalesced).toBe(true);
      h.runs[0].resolve({ value: 'T' });
      expect(await outcomeOf(joined.promise)).toBe('ok:T');
      expect(h.started()).toEqual(['t']);
    });

    it('drops queued bulk work, and still aborts visible work on the wire', async () => {
      const h = harness({ maxInFlight: 1 });
      const cv = new AbortController();
      const cq = new AbortController();
      const v = outcomeOf(h.ask('v', { signal: cv.signal }).promise);
      const q = outcomeOf(h.ask('q', { purpose: 'prefetch', signal: cq.signal }).promise);
      supersede(cq);
      supersede(cv);
      expect(await q).toBe('aborted');
      expect(await v).toBe('aborted');
      expect(h.runs[0].signal.aborted).toBe(true);
      expect(h.started()).toEqual(['v']);
      expect(h.scheduler.snapshot()).toMatchObject({ inFlight: 0, queued: 0 });
    });

    it('does not retry superseded work nobody waits for', async () => {
      const h = harness();
      const c = new AbortController();
      void h.ask('p', { purpose: 'prefetch', signal: c.signal }).promise.catch(() => undefined);
      supersede(c);
      h.runs[0].resolve({ retryInMs: 100 });
      await flushMicrotasks();
      await h.clock.advance(1000);
      expect(h.started()).toEqual(['p']);
      expect(h.scheduler.snapshot()).toMatchObject({ inFlight: 0, queued: 0 });
    });

    it('an ordinary cancel of bulk work on the wire aborts it and frees the slot', async () => {
      const h = harness({ maxInFlight: 1, bulkShare: 1 });
      const c = new AbortController();
      void h.ask('p', { purpose: 'prefetch', signal: c.signal }).promise.catch(() => undefined);
      c.abort();
      expect(h.runs[0].signal.aborted).toBe(true);
      h.ask('v');
      expect(h.started()).toEqual(['p', 'v']);
    });
  });
});

describe('asks from tabs sharing one engine', () => {
  const cam: CameraSnapshot = { center: [0, 0], zoom: 3, bearing: 0, pitch: 0, width: 800, height: 600, bounds: [-180, -85, 180, 85], time: 0 };
  // the engine's own ranking (tile-engine.ts): the asking tab's background flag and camera
  const priority = (t: TaskView, now: number) =>
    tilePriority({ purpose: t.purpose, coord: t.coord, enqueuedAt: t.enqueuedAt, background: t.origin?.background }, t.origin?.camera ?? cam, now, { prefetchExpiryMs: 60_000 });
  const centre = { z: 3, x: 4, y: 4 };
  const corner = { z: 3, x: 0, y: 0 };

  async function finishAll(h: ReturnType<typeof harness>): Promise<void> {
    for (let i = 0; i < 10 && h.live().length > 0; i++) {
      for (const run of h.live()) run.resolve({ value: run.key });
      await flushMicrotasks();
    }
  }

  it("runs every front tab's visible tile before a background tab's, and a background tab's before any prefetch", async () => {
    const h = harness({ maxInFlight: 1, bulkShare: 1 }, priority);
    const front: AskOrigin = { background: false, camera: cam };
    const back: AskOrigin = { background: true, camera: cam };
    h.ask('busy');
    h.ask('front-prefetch', { purpose: 'prefetch', coord: centre, origin: front });
    h.ask('back-centre', { coord: centre, origin: back });
    h.ask('front-corner', { coord: corner, origin: front });
    await finishAll(h);
    expect(h.started()).toEqual(['busy', 'front-corner', 'back-centre', 'front-prefetch']);
  });

  it("lifts a background tab's queued ask into the front band when a front tab asks for the same tile", async () => {
    const h = harness({ maxInFlight: 1 }, priority);
    h.ask('busy');
    const back = h.ask('shared-tile', { coord: centre, origin: { background: true, camera: cam } });
    h.ask('front-corner', { coord: corner, origin: { background: false, camera: cam } });
    const joined = h.ask('shared-tile', { coord: centre, origin: { background: false, camera: cam } });
    expect(joined.coalesced).toBe(true);
    await finishAll(h);
    expect(h.started()).toEqual(['busy', 'shared-tile', 'front-corner']);
    expect(await outcomeOf(back.promise)).toBe('ok:shared-tile');
  });

  it('re-ranks queued asks when a tab comes to the front', async () => {
    const h = harness({ maxInFlight: 1 }, priority);
    const a: AskOrigin = { background: false, camera: cam };
    const b: AskOrigin = { background: true, camera: cam };
    h.ask('busy');
    h.ask('a-corner', { coord: corner, origin: a });
    h.ask('b-centre', { coord: centre, origin: b });
    // the user switches tabs: the hub flips both flags in place, then asks for a re-ranking
    a.background = true;
    b.background = false;
    h.scheduler.reprioritize();
    await finishAll(h);
    expect(h.started()).toEqual(['busy', 'b-centre', 'a-corner']);
  });
});
