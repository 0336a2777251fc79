import { setImmediate as realSetImmediate } from 'node:timers';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TileChannelMessage } from '../contract/tile-channel.ts';
import type { TileResponse } from '../contract/engine-api.ts';
import { serveTileChannel } from '../worker/tile-channel-server.ts';

// The bridge as MapLibre's worker loads it (maplibre-bridge.ts registers `self.addProtocol`), against the real
// engine side of the channel (serveTileChannel) over an in-memory BroadcastChannel, with fake timers.

type Listener = ((event: MessageEvent<TileChannelMessage>) => void) | null;

class FakeChannel {
  static all = new Set<FakeChannel>();
  onmessage: Listener = null;
  closed = false;
  // messages this end would post that the test throws away (a lost message)
  drop: (message: TileChannelMessage) => boolean = () => false;
  constructor(readonly name: string) {
    FakeChannel.all.add(this);
  }
  postMessage(message: TileChannelMessage): void {
    if (this.closed || this.drop(message)) return;
    for (const other of FakeChannel.all) {
      if (other === this || other.closed || other.name !== this.name) continue;
      const copy = structuredClone(message);
      setTimeout(() => {
        if (!other.closed) other.onmessage?.({ data: copy } as MessageEvent<TileChannelMessage>);
      }, 0);
    }
  }
  close(): void {
    this.closed = true;
  }
}

type Load = (params: { url: string }, abort: AbortController) => Promise<{ data: ArrayBuffer }>;

const PAGE = 'p1';
const url = (n: number) => `kestrel://${PAGE}/http://tiles.test/1/0/${n}.pbf`;
const channelName = `kestrel-tiles:${PAGE}`;
const bytes = (text: string): TileResponse => ({ status: 'ok', data: new TextEncoder().encode(text).buffer as ArrayBuffer, tier: 'network', stale: false });

// An engine worker: serveTileChannel in front of a request function the test controls.
function startEngine(answer: (url: string) => Promise<TileResponse>, auditing = false) {
  const channel = new FakeChannel(channelName);
  const asked: string[] = [];
  serveTileChannel({ request: (req: { url: string }) => (asked.push(req.url), answer(req.url)), auditing } as never, channel as never);
  return { channel, asked, kill: () => channel.close() };
}

let load: Load;
let fetched: string[];

async function loadBridge(): Promise<void> {
  vi.resetModules();
  let registered: Load | undefined;
  vi.stubGlobal('self', { addProtocol: (_name: string, fn: Load) => (registered = fn) });
  await import('./maplibre-bridge.ts');
  if (!registered) throw new Error('the bridge registered no protocol');
  load = registered;
}

// The page's census, deliveries included, as window.kestrel.bridge({ deliveries: true }) asks it.
const realTurn = () => new Promise((resolve) => realSetImmediate(resolve));
// vi.useFakeTimers fakes process.hrtime too: keep the real one, taken before any test fakes it.
const realNanoseconds = process.hrtime.bigint;

async function askDeliveries() {
  const page = new FakeChannel(channelName);
  const reports: TileChannelMessage[] = [];
  page.onmessage = (e) => reports.push(e.data);
  page.postMessage({ type: 'census', deliveries: true });
  // The bridge hashes with WebCrypto, which settles on the real event loop, not on the fake clock, and its report then
  // travels on a fake-clock timer. So every turn moves the fake clock a little and gives the real loop a turn, until
  // the report comes or 10 s of real time have passed. (A CI run on a loaded machine once hashed after the fake clock
  // had stopped moving, and the report never arrived.)
  const deadline = realNanoseconds() + 10_000_000_000n;
  while (!reports.some((m) => m.type === 'census-report') && realNanoseconds() < deadline) {
    await vi.advanceTimersByTimeAsync(1);
    await realTurn();
  }
  const report = reports.find((m) => m.type === 'census-report');
  return report?.type === 'census-report' ? report.deliveries : 'no report';
}

function settledState<T>(promise: Promise<T>) {
  const state: { value?: T; error?: unknown; done: boolean } = { done: false };
  promise.then((value) => Object.assign(state, { value, done: true }), (error: unknown) => Object.assign(state, { error, done: true }));
  return state;
}

const text = (data: ArrayBuffer | undefined) => (data ? new TextDecoder().decode(data) : undefined);

describe('the MapLibre-worker bridge: every ask ends exactly once', () => {
  beforeEach(async () => {
    vi.useFakeTimers();
    FakeChannel.all.clear();
    fetched = [];
    vi.stubGlobal('BroadcastChannel', FakeChannel);
    vi.stubGlobal('fetch', async (u: string) => {
      fetched.push(u);
      return new Response('direct', { status: 200 });
    });
    await loadBridge();
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('an ask the engine acknowledged, then died with, is asked again of the engine that replaces it', async () => {
    const first = startEngine(() => new Promise(() => undefined)); // acknowledges, never answers: then killed
    const tile = settledState(load({ url: url(1) }, new AbortController()));
    await vi.advanceTimersByTimeAsync(50);
    expect(first.asked).toHaveLength(1);
    first.kill();
    const second = startEngine(async () => bytes('from the new engine'));
    await vi.advanceTimersByTimeAsync(1000);
    expect(second.asked).toEqual(['http://tiles.test/1/0/1.pbf']);
    expect(tile.done).toBe(true);
    expect(text(tile.value?.data)).toBe('from the new engine');
    expect(fetched).toEqual([]);
  });

  it('an ask whose answer was lost on the way is asked again within the check interval', async () => {
    const engine = startEngine(async () => bytes('second time lucky'));
    let dropped = 0;
    engine.channel.drop = (m) => m.type === 'result' && dropped++ === 0;
    const tile = settledState(load({ url: url(2) }, new AbortController()));
    await vi.advanceTimersByTimeAsync(5000);
    expect(dropped).toBe(2); // the first result was lost, the second went through
    expect(engine.asked).toHaveLength(2);
    expect(text(tile.value?.data)).toBe('second time lucky');
  });

  it('an engine that goes silent after acknowledging: the ask ends by a direct fetch within the attempt timeout', async () => {
    const engine = startEngine(() => new Promise(() => undefined));
    const tile = settledState(load({ url: url(3) }, new AbortController()));
    await vi.advanceTimersByTimeAsync(50);
    engine.kill(); // and nobody replaces it
    await vi.advanceTimersByTimeAsync(9_950); // 10 s after the ask: the engine's own attempt timeout
    expect(tile.done).toBe(true);
    expect(text(tile.value?.data)).toBe('direct');
    expect(fetched).toEqual(['http://tiles.test/1/0/3.pbf']);
  });

  it('an engine that keeps an ask (slow server) is left to answer it: no re-send, no direct fetch', async () => {
    let answer!: (r: TileResponse) => void;
    const engine = startEngine(() => new Promise((resolve) => (answer = resolve)));
    const tile = settledState(load({ url: url(4) }, new AbortController()));
    await vi.advanceTimersByTimeAsync(9000);
    expect(tile.done).toBe(false);
    answer(bytes('slow but sure'));
    await vi.advanceTimersByTimeAsync(10);
    expect(text(tile.value?.data)).toBe('slow but sure');
    expect(engine.asked).toHaveLength(1);
    expect(fetched).toEqual([]);
  });

  it('counts every ask by how it ended, and tells the page on request', async () => {
    startEngine(async (u) => (u.endsWith('/6.pbf') ? Promise.reject(new Error('boom')) : bytes('ok')));
    const aborted = new AbortController();
    const asks = [load({ url: url(5) }, new AbortController()), load({ url: url(6) }, new AbortController()), load({ url: url(7) }, aborted)];
    const states = asks.map(settledState);
    aborted.abort();
    await vi.advanceTimersByTimeAsync(100);
    expect(states.map((s) => s.done)).toEqual([true, true, true]);
    const page = new FakeChannel(channelName);
    const reports: TileChannelMessage[] = [];
    page.onmessage = (e) => reports.push(e.data);
    page.postMessage({ type: 'census' });
    await vi.advanceTimersByTimeAsync(10);
    const report = reports.find((m) => m.type === 'census-report');
    expect(report && report.type === 'census-report' ? report.counts : undefined).toMatchObject({ requests: 3, answered: 1, errored: 1, aborted: 1, open: 0 });
  });

  it('while the engine audits, records the SHA-256 of what it hands MapLibre per URL, without its token', async () => {
    startEngine(async (u) => bytes(u.endsWith('/8.pbf?access_token=SECRET') ? 'eight' : 'nine'), true);
    const asks = [load({ url: `${url(8)}?access_token=SECRET` }, new AbortController()), load({ url: url(9) }, new AbortController())];
    const states = asks.map(settledState);
    await vi.advanceTimersByTimeAsync(100);
    expect(states.every((s) => s.done)).toBe(true);
    const deliveries = await askDeliveries();
    const { createHash } = await import('node:crypto');
    expect(deliveries).toEqual({
      'http://tiles.test/1/0/8.pbf': { sha256: [createHash('sha256').update('eight').digest('hex')], ok: 1, noTile: 0 },
      'http://tiles.test/1/0/9.pbf': { sha256: [createHash('sha256').update('nine').digest('hex')], ok: 1, noTile: 0 },
    });
  });

  it('records nothing while the engine does not audit', async () => {
    startEngine(async () => bytes('x'));
    const state = settledState(load({ url: url(10) }, new AbortController()));
    await vi.advanceTimersByTimeAsync(100);
    expect(state.done).toBe(true);
    expect(await askDeliveries()).toEqual({});
  });
});
