import { describe, expect, it } from 'vitest';
import type { TileResult } from '../contract/engine-api.ts';
import { flushMicrotasks } from '../../test/fake-clock.ts';
import { EngineHost, type EngineHostState } from './engine-host.ts';

const ok = (tag: string): TileResult => ({ ok: true, response: { status: 'ok', data: new TextEncoder().encode(tag).buffer, tier: 'network', stale: false } });

// A worker stand-in: requests wait until the test answers them; `hang` makes it stop answering anything.
function fakeWorker(name: string) {
  const calls: { method: string; args: unknown[] }[] = [];
  const pending: ((r: TileResult) => void)[] = [];
  let hung = false;
  const worker = Object.assign(new EventTarget(), { terminated: false, terminate() { this.terminated = true; } });
  const engine = new Proxy({}, {
    get: (_, method: string) => (...args: unknown[]) => {
      calls.push({ method, args });
      if (hung) return new Promise(() => undefined);
      if (method === 'request') return new Promise<TileResult>((resolve) => pending.push(resolve));
      if (method === 'stats') return Promise.resolve({ name });
      return Promise.resolve(undefined);
    },
  });
  return { name, calls, pending, worker, engine, hang: () => (hung = true) };
}

function setup(maxRestartsPerMinute = 3) {
  const workers: ReturnType<typeof fakeWorker>[] = [];
  const states: EngineHostState[] = [];
  const direct: string[] = [];
  const host = new EngineHost({
    start: () => {
      const w = fakeWorker(`w${workers.length + 1}`);
      workers.push(w);
      return { engine: w.engine as never, worker: w.worker as unknown as Worker };
    },
    pingEveryMs: 60_000,
    maxRestartsPerMinute,
    onState: (state) => states.push(state),
    fetchDirect: async (url) => {
      direct.push(url);
      return ok('direct');
    },
  });
  return { host, workers, states, direct };
}

describe('EngineHost', () => {
  it('sends requests to the running worker', async () => {
    const { host, workers, direct } = setup();
    const answer = host.engine.request({ id: 'a', url: 'https://t.test/1/0/0.pbf', kind: 'vector' });
    await flushMicrotasks();
    workers[0].pending[0](ok('engine'));
    expect(new TextDecoder().decode((await answer as Extract<TileResult, { ok: true }>).response.data!)).toBe('engine');
    expect(direct).toEqual([]);
  });

  it('answers a request in flight from the network directly when the worker dies, and restarts it with the page state', async () => {
    const { host, workers, states, direct } = setup();
    void host.engine.configure({ maxInFlight: 4 });
    void host.engine.setCamera({ zoom: 1 } as never);
    void host.engine.setCamera({ zoom: 2 } as never);
    const answer = host.engine.request({ id: 'a', url: 'https://t.test/1/0/0.pbf', kind: 'vector' });
    await flushMicrotasks();
    host.terminate();
    expect((await answer).ok).toBe(true);
    expect(direct).toEqual(['https://t.test/1/0/0.pbf']);
    expect(workers[0].worker.terminated).toBe(true);
    expect(workers).toHaveLength(2);
    const replayed = workers[1].calls.filter((c) => c.method !== 'stats');
    expect(replayed).toEqual([
      { method: 'configure', args: [{ maxInFlight: 4 }] },
      { method: 'setCamera', args: [{ zoom: 2 }] },
    ]);
    await flushMicrotasks();
    expect(states).toEqual(['restarting', 'running']);
  });

  it('takes a worker that errors for dead', async () => {
    const { workers, states } = setup();
    workers[0].worker.dispatchEvent(Object.assign(new Event('error'), { message: 'boom' }));
    await flushMicrotasks();
    expect(states).toEqual(['restarting', 'running']);
    expect(workers).toHaveLength(2);
  });

  it('stays on direct loading after too many restarts in a minute', async () => {
    const { host, workers, states, direct } = setup(1);
    host.terminate();
    await flushMicrotasks();
    host.terminate();
    expect(states).toEqual(['restarting', 'running', 'fallback']);
    expect(workers).toHaveLength(2);
    await host.engine.request({ id: 'b', url: 'https://t.test/2/0/0.pbf', kind: 'vector' });
    expect(direct).toEqual(['https://t.test/2/0/0.pbf']);
  });

  it('ends a request in flight as aborted when disposed, with no direct fetch and no restart', async () => {
    const { host, workers, direct } = setup();
    const answer = host.engine.request({ id: 'a', url: 'https://t.test/1/0/0.pbf', kind: 'vector' });
    await flushMicrotasks();
    host.dispose();
    const result = await answer;
    expect(result.ok ? 'ok' : result.failure.reason).toBe('aborted');
    expect(direct).toEqual([]);
    expect(workers).toHaveLength(1);
    expect(workers[0].worker.terminated).toBe(true);
  });
});
