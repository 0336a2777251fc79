import { describe, expect, it } from 'vitest';
import type { CameraSnapshot, EngineStats, SourceDescriptor, TileRequest, TileResult } from '../contract/engine-api.ts';
import type { HubCall, HubReply } from '../contract/engine-hub.ts';
import type { AskOrigin } from '../engine/tile-priority.ts';
import { EngineHub, type TabEngine } from './engine-hub.ts';

const camera = (lng: number): CameraSnapshot => ({ center: [lng, 0], zoom: 5, bearing: 0, pitch: 0, width: 800, height: 600, bounds: [-180, -85, 180, 85], time: 0 });

// A controllable engine behind the hub: records what it was told, answers asks from a table.
function fakeEngine() {
  const told: string[] = [];
  // what the hub said about whether any tab is in front (prefetch runs only then)
  const inFront: boolean[] = [];
  const origins: (AskOrigin | undefined)[] = [];
  let sources: SourceDescriptor[] = [];
  const answer = (req: TileRequest): TileResult =>
    req.url.includes('fail')
      ? { ok: false, failure: { reason: 'http-5xx', message: 'HTTP 503', attempts: 1 } }
      : { ok: true, response: { status: 'ok', data: new ArrayBuffer(4), tier: req.url.includes('mem') ? 'memory' : 'network', stale: false } };
  const parts = {
    api: {
      setSources: (s: SourceDescriptor[]) => void (sources = s),
      stats: async () => ({ requests: { total: 42 } }) as unknown as EngineStats,
      resetStats: async () => undefined,
      listAreas: async () => [],
    },
    engine: {
      request: async (req: TileRequest, _signal?: AbortSignal, origin?: AskOrigin) => {
        origins.push(origin);
        const result = answer(req);
        if (!result.ok) throw Object.assign(new Error(result.failure.message), result.failure);
        return result.response;
      },
      setCamera: (c: CameraSnapshot) => told.push(`camera ${c.center[0]}`),
      reprioritize: () => told.push('reprioritize'),
      setInFront: (front: boolean) => inFront.push(front),
      auditing: false,
    },
    requestFrom: async (req: TileRequest, origin?: AskOrigin) => {
      origins.push(origin);
      return answer(req);
    },
  };
  return { parts, told, inFront, origins, sources: () => sources };
}

function hubWith(engine = fakeEngine()) {
  const channels = new Map<string, TabEngine>();
  const builds: string[] = [];
  const hub = new EngineHub({
    mode: 'shared-worker',
    id: 'hub-1',
    build: ({ dbName }) => (builds.push(dbName), engine.parts as never),
    serveChannel: (tabEngine, name) => {
      channels.set(name, tabEngine);
      return () => channels.delete(name);
    },
  });
  const replies: HubReply[] = [];
  let seq = 0;
  const call = async (tab: string, method: string, ...args: unknown[]): Promise<unknown> => {
    const mine = seq++;
    hub.receive({ type: 'call', tab, seq: mine, method, args } as HubCall, (reply) => replies.push(reply));
    await new Promise((resolve) => setTimeout(resolve, 0));
    const reply = replies.find((r): r is Extract<HubReply, { type: 'reply' }> => r.type === 'reply' && r.seq === mine);
    if (!reply) throw new Error(`no reply to ${method}`);
    if (!reply.ok) throw new Error(reply.error.message);
    return reply.value;
  };
  const init = (tab: string) => call(tab, 'init', { dbName: 'kestrel', tileChannel: `channel-${tab}` });
  return { hub, call, init, channels, builds, engine };
}

const ask = (id: string, url: string): TileRequest => ({ id, url, kind: 'vector', purpose: 'visible' });

describe('EngineHub', () => {
  it('builds one engine for every tab and serves each tab its own MapLibre-worker channel', async () => {
    const h = hubWith();
    await h.init('a');
    await h.init('b');
    expect(h.builds).toEqual(['kestrel']);
    expect([...h.channels.keys()]).toEqual(['channel-a', 'channel-b']);
    expect(h.hub.tabCount).toBe(2);
  });

  it("counts each tab's asks and the tier of each answer apart, beside the engine's whole figures", async () => {
    const h = hubWith();
    await h.init('a');
    await h.init('b');
    await h.call('a', 'request', ask('1', 'https://t/net'));
    await h.call('b', 'request', ask('2', 'https://t/mem'));
    await h.call('b', 'request', ask('3', 'https://t/fail'));
    await h.channels.get('channel-b')!.request(ask('4', 'https://t/net'));
    const b = (await h.call('b', 'stats')) as EngineStats;
    expect(b.requests.total).toBe(42);
    expect(b.sharing).toMatchObject({ mode: 'shared-worker', tabs: 2, hub: 'hub-1' });
    expect(b.sharing?.tab).toMatchObject({ tab: 'b', requests: 3, ok: 2, failed: 1, hits: { memory: 1, idb: 0, network: 1 } });
    const a = (await h.call('a', 'stats')) as EngineStats;
    expect(a.sharing?.tab).toMatchObject({ tab: 'a', requests: 1, ok: 1, hits: { memory: 0, idb: 0, network: 1 } });
  });

  it("tags every ask with its tab's origin, and lets only a front tab's camera drive prefetch", async () => {
    const h = hubWith();
    await h.init('a');
    await h.init('b');
    await h.call('b', 'setVisibility', false);
    await h.call('a', 'setCamera', camera(10));
    await h.call('b', 'setCamera', camera(20));
    await h.call('b', 'request', ask('1', 'https://t/net'));
    expect(h.engine.told).toEqual(['reprioritize', 'camera 10', 'reprioritize']);
    expect(h.engine.origins.at(-1)).toMatchObject({ background: true, camera: { center: [20, 0] } });
    // b comes to the front: its camera now leads
    await h.call('b', 'setVisibility', true);
    expect(h.engine.told.at(-1)).toBe('camera 20');
  });

  it('lets the engine prefetch while any tab is in front: every tab hidden stops it, and so does the last front tab closing', async () => {
    const h = hubWith();
    await h.init('a');
    await h.init('b');
    await h.call('a', 'setVisibility', false);
    expect(h.engine.inFront.at(-1), 'b is still in front').toBe(true);
    await h.call('b', 'setVisibility', false);
    expect(h.engine.inFront.at(-1), 'both hidden').toBe(false);
    await h.call('a', 'setVisibility', true);
    expect(h.engine.inFront.at(-1), 'a back in front').toBe(true);
    h.hub.receive({ type: 'bye', tab: 'a' }, () => undefined);
    expect(h.engine.inFront.at(-1), 'only the hidden b is left').toBe(false);
  });

  it('gives the engine the union of every tab’s sources, and forgets a tab that says bye', async () => {
    const h = hubWith();
    const s = (id: string): SourceDescriptor => ({ id, kind: 'vector', tiles: [`https://t/${id}/{z}/{x}/{y}`], minzoom: 0, maxzoom: 14 }) as unknown as SourceDescriptor;
    await h.init('a');
    await h.init('b');
    await h.call('a', 'setSources', [s('x')]);
    await h.call('b', 'setSources', [s('x'), s('y')]);
    expect(h.engine.sources().map((d) => (d as unknown as { id: string }).id)).toEqual(['x', 'y']);
    h.hub.receive({ type: 'bye', tab: 'b' }, () => undefined);
    expect(h.engine.sources().map((d) => (d as unknown as { id: string }).id)).toEqual(['x']);
    expect(h.channels.has('channel-b')).toBe(false);
    expect(h.hub.tabCount).toBe(1);
  });

  it('refuses calls before init with an error the tab can read, and passes other calls through', async () => {
    const h = hubWith();
    await expect(h.call('a', 'listAreas')).rejects.toThrow('before init');
    await h.init('a');
    expect(await h.call('a', 'listAreas')).toEqual([]);
    await expect(h.call('a', 'noSuchMethod')).rejects.toThrow('unknown engine method');
  });
});
