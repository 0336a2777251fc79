import * as Comlink from 'comlink';
import type { AddProtocolAction, Map as MapLibreMap, RequestParameters } from 'maplibre-gl';
import { afterEach, describe, expect, it } from 'vitest';
import type { EngineApi, SourceDescriptor, TileRequest, TileResult } from './contract/engine-api.ts';
import { createKestrel, type Kestrel, type MapLibreModule } from './kestrel.ts';

// MapLibre's module as Kestrel sees it: the protocols it holds, by name.
function fakeMapLibre() {
  const protocols = new Map<string, AddProtocolAction>();
  const module: MapLibreModule = {
    addProtocol: (name, action) => void protocols.set(name, action),
    removeProtocol: (name) => void protocols.delete(name),
  };
  return { module, protocols };
}

// An engine worker at the other end of a real MessageChannel, speaking comlink: what it was asked is recorded.
function fakeWorker() {
  const requests: TileRequest[] = [];
  const sources: SourceDescriptor[][] = [];
  const inits: unknown[] = [];
  const visibility: boolean[] = [];
  let terminated = false;
  const api: Partial<EngineApi> = {
    init: async (config) => void inits.push(config),
    request: async (req): Promise<TileResult> => {
      requests.push(req);
      return { ok: true, response: { status: 'ok', data: new ArrayBuffer(3), tier: 'network', stale: false } };
    },
    cancel: () => undefined,
    setSources: (list) => void sources.push(list),
    setCamera: () => undefined,
    setVisibility: (visible) => void visibility.push(visible),
    setStorage: () => undefined,
    configure: async () => undefined,
    stats: async () => ({}) as never,
  };
  const start = () => {
    const { port1, port2 } = new MessageChannel();
    Comlink.expose(api, port2);
    return Object.assign(port1, { terminate: () => ((terminated = true), port1.close(), port2.close()) }) as unknown as Worker;
  };
  return { start, requests, sources, inits, visibility, terminated: () => terminated };
}

// The few Map methods the feeds use, with events that tests fire by hand.
function fakeMap(sourceIds: string[]) {
  const listeners = new Map<string, Set<(e: unknown) => void>>();
  const own = {
    flyTo(options: unknown) {
      return options;
    },
    easeTo(options: unknown) {
      return options;
    },
  };
  const map = Object.assign(Object.create(own) as typeof own, {
    on: (type: string, fn: (e: unknown) => void) => void (listeners.get(type) ?? listeners.set(type, new Set()).get(type)!).add(fn),
    once: (type: string, fn: (e: unknown) => void) => void (listeners.get(type) ?? listeners.set(type, new Set()).get(type)!).add(fn),
    off: (type: string, fn: (e: unknown) => void) => void listeners.get(type)?.delete(fn),
    fire: (type: string, e: unknown = {}) => {
      for (const fn of [...(listeners.get(type) ?? [])]) fn(e);
    },
    listenerCount: () => [...listeners.values()].reduce((n, set) => n + set.size, 0),
    getStyle: () => ({ sources: Object.fromEntries(sourceIds.map((id) => [id, {}])) }),
    getSource: (id: string) => ({ type: 'vector', tiles: [`https://${id}.test/{z}/{x}/{y}.pbf`] }),
    getCenter: () => ({ lng: 0, lat: 0 }),
    getZoom: () => 3,
    getBearing: () => 0,
    getPitch: () => 0,
    getBounds: () => ({ getWest: () => -10, getSouth: () => -10, getEast: () => 10, getNorth: () => 10 }),
    getCanvas: () => ({ clientWidth: 800, clientHeight: 600 }),
    isMoving: () => false,
    style: { tileManagers: {} },
  });
  return map;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));
const instances: Kestrel[] = [];
function start(options: Parameters<typeof createKestrel>[1] = {}) {
  const maplibre = fakeMapLibre();
  const worker = fakeWorker();
  const kestrel = createKestrel(maplibre.module, { ...options, worker: { engine: worker.start, bridge: false } });
  instances.push(kestrel);
  return { kestrel, worker, ...maplibre };
}
afterEach(() => {
  for (const kestrel of instances.splice(0)) kestrel.dispose();
});

describe('createKestrel', () => {
  it('registers its three protocols under its scheme, and dispose removes them', () => {
    const { kestrel, protocols } = start({ scheme: 'tiles-a' });
    expect([...protocols.keys()].sort()).toEqual(['tiles-a', 'tiles-a-resource', 'tiles-a-style']);
    kestrel.dispose();
    expect(protocols.size).toBe(0);
  });

  it('works again after dispose: a new instance on the same page registers and answers', async () => {
    const maplibre = fakeMapLibre();
    const first = fakeWorker();
    createKestrel(maplibre.module, { worker: { engine: first.start, bridge: false } }).dispose();
    expect(first.terminated()).toBe(true);
    const second = fakeWorker();
    const kestrel = createKestrel(maplibre.module, { worker: { engine: second.start, bridge: false } });
    instances.push(kestrel);
    const answer = await maplibre.protocols.get('kestrel')!({ url: 'kestrel://p/https://t.test/1/0/0.pbf', type: 'arrayBuffer' } as never, new AbortController());
    expect((answer.data as ArrayBuffer).byteLength).toBe(3);
    expect(second.requests).toHaveLength(1);
  });

  it('names its database and tile channel in the worker it starts', async () => {
    const { worker } = start({ dbName: 'my-app-tiles' });
    await settle();
    expect(worker.inits).toEqual([{ dbName: 'my-app-tiles', tileChannel: expect.stringMatching(/^kestrel-tiles:/) }]);
  });

  it('tells its engine whether the page is in front as it starts (no prefetch for a hidden map)', async () => {
    const { worker } = start();
    await settle();
    // no document here: a page without visibilityState is taken to be in front
    expect(worker.visibility).toEqual([true]);
  });

  it('refuses a scheme that is not a URL scheme', () => {
    expect(() => createKestrel(fakeMapLibre().module, { scheme: 'Not A Scheme', worker: { engine: fakeWorker().start, bridge: false } })).toThrow(/scheme/);
  });
});

describe('kestrel.transformRequest', () => {
  it("runs the app's own function first and keeps its URL, headers and credentials", () => {
    const { kestrel } = start();
    const transform = kestrel.transformRequest((url) => ({ url: url.replace('{key}', 'k1'), headers: { Authorization: 'Bearer t' }, credentials: 'include' }));
    expect(transform('https://t.test/{key}/1/0/0.pbf', 'Tile' as never)).toEqual({
      url: expect.stringMatching(/^kestrel:\/\/\w+\/https:\/\/t\.test\/k1\/1\/0\/0\.pbf$/),
      headers: { Authorization: 'Bearer t' },
      credentials: 'include',
    });
  });

  it("leaves what the engine does not serve to the app's own answer, untouched", () => {
    const { kestrel } = start();
    const own: RequestParameters = { url: 'https://img.test/a.png', headers: { 'X-A': '1' } };
    expect(kestrel.transformRequest(() => own)('https://img.test/a.png', 'Image' as never)).toBe(own);
    expect(kestrel.transformRequest()('https://img.test/a.png', 'Image' as never)).toBeUndefined();
  });

  it("resolves a relative address against the page, so the style of '/style.json' goes through the engine too", () => {
    const { kestrel } = start();
    const saved = Object.getOwnPropertyDescriptor(globalThis, 'location');
    Object.defineProperty(globalThis, 'location', { value: new URL('https://app.test/maps/view'), configurable: true });
    try {
      expect(kestrel.transformRequest()('/style.json', 'Style' as never)).toEqual({ url: 'kestrel-style://https://app.test/style.json' });
      expect(kestrel.transformRequest()('//cdn.test/s.json', 'Style' as never)).toEqual({ url: 'kestrel-style://https://cdn.test/s.json' });
      expect(kestrel.transformRequest()('data:application/json,{}', 'Style' as never)).toBeUndefined();
    } finally {
      if (saved) Object.defineProperty(globalThis, 'location', saved);
      else delete (globalThis as { location?: unknown }).location;
    }
  });

  it('routes an asynchronous answer too', async () => {
    const { kestrel } = start();
    const routed = await kestrel.transformRequest(async (url) => ({ url, headers: { 'X-Key': 'k' } }))('https://t.test/style.json', 'Style' as never);
    expect(routed).toEqual({ url: 'kestrel-style://https://t.test/style.json', headers: { 'X-Key': 'k' } });
  });

  it("stops routing once disposed: MapLibre then loads with the app's own parameters", () => {
    const { kestrel } = start();
    const transform = kestrel.transformRequest();
    kestrel.dispose();
    expect(transform('https://t.test/1/0/0.pbf', 'Tile' as never)).toBeUndefined();
  });

  it("hands the app's headers and credentials to the engine with the tile request", async () => {
    const { kestrel, protocols, worker } = start();
    const routed = kestrel.transformRequest(() => ({ url: 'https://t.test/1/0/0.pbf', headers: { 'X-Api-Key': 'secret' }, credentials: 'include' }))(
      'https://t.test/1/0/0.pbf',
      'Tile' as never,
    ) as RequestParameters;
    await protocols.get('kestrel')!({ ...routed, type: 'arrayBuffer' } as never, new AbortController());
    expect(worker.requests[0]).toMatchObject({ url: 'https://t.test/1/0/0.pbf', headers: { 'X-Api-Key': 'secret' }, credentials: 'include' });
  });
});

describe('kestrel.attach', () => {
  it('wraps flyTo and easeTo while attached, and detach restores them and removes every listener', () => {
    const { kestrel } = start();
    const map = fakeMap(['roads']);
    const before = { flyTo: map.flyTo, easeTo: map.easeTo, listeners: map.listenerCount() };
    const detach = kestrel.attach(map as unknown as MapLibreMap);
    expect(map.flyTo).not.toBe(before.flyTo);
    expect(map.listenerCount()).toBeGreaterThan(before.listeners);
    detach();
    expect(map.flyTo).toBe(before.flyTo);
    expect(map.easeTo).toBe(before.easeTo);
    expect(Object.hasOwn(map, 'flyTo')).toBe(false);
    expect(map.listenerCount()).toBe(before.listeners);
  });

  it("keeps another wrapper that came after its own working when detached", () => {
    const { kestrel } = start();
    const map = fakeMap([]);
    const detach = kestrel.attach(map as unknown as MapLibreMap);
    const ours = map.flyTo;
    const theirs = (options: unknown) => ours.call(map, options);
    map.flyTo = theirs;
    detach();
    expect(map.flyTo).toBe(theirs);
    expect(map.flyTo({ zoom: 2 })).toEqual({ zoom: 2 });
  });

  it('gives the engine the union of the sources of every attached map, and forgets a detached map', async () => {
    const { kestrel, worker } = start();
    const a = fakeMap(['roads']);
    const b = fakeMap(['water']);
    kestrel.attach(a as unknown as MapLibreMap);
    const detachB = kestrel.attach(b as unknown as MapLibreMap);
    a.fire('load');
    b.fire('load');
    await settle();
    expect(worker.sources.at(-1)!.map((s) => s.id).sort()).toEqual(['roads', 'water']);
    detachB();
    await settle();
    expect(worker.sources.at(-1)!.map((s) => s.id)).toEqual(['roads']);
  });
});
