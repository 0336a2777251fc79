import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TileRequest, TileResult } from '../contract/engine-api.ts';
import type { HubCall, HubReply } from '../contract/engine-hub.ts';
import { type HubTransport, HubLink } from './hub-link.ts';

// The bus as a tab sees it: what it posted, and a way to deliver the hub's messages.
function fakeBus(direct = false) {
  const posted: HubCall[] = [];
  let deliver: (reply: HubReply) => void = () => undefined;
  let closed = false;
  const transport: HubTransport = {
    direct,
    post: (call) => void posted.push(call),
    listen: (onReply) => void (deliver = onReply),
    close: () => void (closed = true),
  };
  const calls = () => posted.filter((p): p is Extract<HubCall, { type: 'call' }> => p.type === 'call');
  return { transport, posted, calls, deliver: (reply: HubReply) => deliver(reply), closed: () => closed };
}

const config = { dbName: 'kestrel', tileChannel: 'kestrel-tiles x' };
const ask = (id: string): TileRequest => ({ id, url: `https://t/${id}`, kind: 'vector', purpose: 'visible' });
const ok = (tab: string, seq: number): HubReply => ({ type: 'reply', tab, seq, ok: true, value: { ok: true, response: { status: 'ok', data: null, tier: 'memory', stale: false } } });

describe('HubLink', () => {
  it('waits for a leader, then sends its state and every open call to it', async () => {
    const bus = fakeBus();
    const link = new HubLink(bus.transport, 'tab-a', config);
    void link.engine.setCamera({ center: [1, 2] } as never);
    const answer = link.engine.request(ask('t1'));
    expect(bus.posted).toEqual([{ type: 'who' }]);
    expect(link.status).toBe('restarting');
    bus.deliver({ type: 'leader', hub: 'h1' });
    expect(bus.calls().map((c) => c.method)).toEqual(['init', 'setCamera', 'request']);
    expect(link.status).toBe('running');
    const sent = bus.calls().at(-1)!;
    bus.deliver(ok('tab-a', sent.seq));
    expect(((await answer) as TileResult).ok).toBe(true);
    expect(link.open).toBe(0);
  });

  it('re-issues every unanswered call to a hub that takes over, and only those', async () => {
    const bus = fakeBus();
    const link = new HubLink(bus.transport, 'tab-a', config);
    bus.deliver({ type: 'leader', hub: 'h1' });
    const first = link.engine.request(ask('t1'));
    const second = link.engine.request(ask('t2'));
    const [c1] = bus.calls().filter((c) => c.method === 'request');
    bus.deliver(ok('tab-a', c1.seq));
    await first;
    bus.posted.length = 0;
    // the leader tab closed; another tab's engine announces itself
    bus.deliver({ type: 'leader', hub: 'h2' });
    expect(bus.calls().map((c) => `${c.method} ${c.method === 'request' ? (c.args[0] as TileRequest).id : ''}`.trim())).toEqual(['init', 'request t2']);
    // an announcement heard twice (another tab's `who`) sends nothing again
    bus.posted.length = 0;
    bus.deliver({ type: 'leader', hub: 'h2' });
    expect(bus.posted).toEqual([]);
    const again = bus.calls();
    expect(again).toEqual([]);
    bus.deliver(ok('tab-a', 1));
    expect(((await second) as TileResult).ok).toBe(true);
    expect(link.events.at(-1)?.detail).toContain('took over; 1 open calls sent again');
  });

  describe('over a SharedWorker port (heartbeat)', () => {
    afterEach(() => void vi.useRealTimers());

    function portLink() {
      vi.useFakeTimers();
      const bus = fakeBus(true);
      let reconnects = 0;
      bus.transport.reconnect = () => void reconnects++;
      const states: string[] = [];
      const link = new HubLink(bus.transport, 'tab-a', config, (state) => states.push(state), { everyMs: 1000, deadAfterMs: 3000 });
      return { bus, link, states, reconnects: () => reconnects };
    }

    it('asks the hub who it is every beat, and a hub that answers is left alone', async () => {
      const { bus, link, reconnects } = portLink();
      for (let i = 0; i < 10; i++) {
        await vi.advanceTimersByTimeAsync(1000);
        bus.deliver({ type: 'leader', hub: 'h1' });
      }
      expect(bus.posted.filter((p) => p.type === 'who')).toHaveLength(10);
      expect(reconnects()).toBe(0);
      // the heartbeat's answers re-send nothing
      expect(bus.calls().map((c) => c.method)).toEqual(['init']);
      expect(link.status).toBe('running');
      link.dispose();
    });

    it('takes a silent hub for dead: connects again, and sends its state and every open call to the hub that answers', async () => {
      const { bus, link, states, reconnects } = portLink();
      void link.engine.setCamera({ center: [1, 2] } as never);
      const answer = link.engine.request(ask('t1'));
      // the worker died: nothing answers the heartbeat
      await vi.advanceTimersByTimeAsync(4000);
      expect(reconnects()).toBe(1);
      expect(link.status).toBe('restarting');
      expect(states).toEqual(['running', 'restarting']);
      // calls made while no hub is known wait for the next one
      const later = link.engine.request(ask('t2'));
      bus.posted.length = 0;
      bus.deliver({ type: 'leader', hub: 'h2' });
      expect(bus.calls().map((c) => `${c.method} ${c.method === 'request' ? (c.args[0] as TileRequest).id : ''}`.trim())).toEqual(['init', 'setCamera', 'request t1', 'request t2']);
      expect(link.status).toBe('running');
      expect(states.at(-1)).toBe('running');
      for (const c of bus.calls().filter((c) => c.method === 'request')) bus.deliver(ok('tab-a', c.seq));
      expect(((await answer) as TileResult).ok).toBe(true);
      expect(((await later) as TileResult).ok).toBe(true);
      link.dispose();
    });

    it('crashHub asks the hub to end itself; dispose stops the heartbeat', async () => {
      const { bus, link, reconnects } = portLink();
      link.crashHub();
      expect(bus.posted).toContainEqual({ type: 'crash' });
      link.dispose();
      const before = bus.posted.length;
      await vi.advanceTimersByTimeAsync(10_000);
      expect(bus.posted).toHaveLength(before);
      expect(reconnects()).toBe(0);
    });
  });

  it('ignores replies meant for another tab', async () => {
    const bus = fakeBus(true);
    const link = new HubLink(bus.transport, 'tab-a', config);
    void link.engine.request(ask('t1'));
    bus.deliver(ok('tab-b', 0));
    expect(link.open).toBe(1);
  });

  it('does not ask a new leader for a tile MapLibre cancelled meanwhile', async () => {
    const bus = fakeBus();
    const link = new HubLink(bus.transport, 'tab-a', config);
    bus.deliver({ type: 'leader', hub: 'h1' });
    const answer = link.engine.request(ask('t1'));
    void link.engine.cancel('t1');
    expect(((await answer) as TileResult).ok).toBe(false);
    bus.posted.length = 0;
    bus.deliver({ type: 'leader', hub: 'h2' });
    expect(bus.calls().map((c) => c.method)).toEqual(['init']);
  });

  it('rejects calls with the error the hub sent, by name and message', async () => {
    const bus = fakeBus(true);
    const link = new HubLink(bus.transport, 'tab-a', config);
    const configured = link.engine.configure({ maxInFlight: -1 });
    const call = bus.calls().find((c) => c.method === 'configure')!;
    bus.deliver({ type: 'reply', tab: 'tab-a', seq: call.seq, ok: false, error: { name: 'EngineOptionsError', message: 'maxInFlight: expected >=1' } });
    await expect(configured).rejects.toMatchObject({ name: 'EngineOptionsError', message: 'maxInFlight: expected >=1' });
  });

  it('on dispose says bye, ends open tile asks as aborted and closes the transport', async () => {
    const bus = fakeBus(true);
    const link = new HubLink(bus.transport, 'tab-a', config);
    const answer = link.engine.request(ask('t1'));
    link.dispose();
    expect(((await answer) as TileResult).ok).toBe(false);
    expect(bus.posted.at(-1)).toEqual({ type: 'bye', tab: 'tab-a' });
    expect(bus.closed()).toBe(true);
  });
});
