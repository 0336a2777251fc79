import type * as Comlink from 'comlink';
import type { EngineApi, TileRequest, TileResult, WorkerConfig } from '../contract/engine-api.ts';
import type { HubCall, HubMethod, HubReply } from '../contract/engine-hub.ts';
import type { EngineHostEvent, EngineHostState } from './engine-host.ts';

/** How a tab's calls reach the shared engine and its replies come back. */
export interface HubTransport {
  post(call: HubCall): void;
  listen(onReply: (reply: HubReply) => void): void;
  close(): void;
  // true: the hub is there from the start (a SharedWorker's port); false: wait for a leader to announce itself
  direct: boolean;
  // A direct transport only: drop the connection and connect again (a SharedWorker that died is started anew by
  // the first tab that connects). Replies to calls sent on the old connection are lost with it.
  reconnect?(): void;
}

/** The heartbeat of a direct transport: how often the tab asks `who`, and how long without an answer means dead. */
export interface HeartbeatOptions {
  everyMs: number;
  deadAfterMs: number;
}

// A SharedWorker that crashed says nothing: its ports just stop answering. Every 2 s the tab asks; 6 s of silence
// (three missed answers, well past any pause of a busy engine's event loop) means it is gone.
const HEARTBEAT: HeartbeatOptions = { everyMs: 2000, deadAfterMs: 6000 };

// Calls whose effect is state the hub keeps for this tab: sent again, in order, to a hub that takes over.
const REPLAYED = new Set<HubMethod>(['init', 'configure', 'setStorage', 'setSources', 'setCamera', 'setVisibility']);
// Only the last of these matters.
const LATEST_ONLY = new Set<HubMethod>(['setStorage', 'setSources', 'setCamera', 'setVisibility']);
// Fire and forget: no reply is asked for (the dedicated worker's comlink calls of the same name return nothing useful).
const NO_REPLY = new Set<HubMethod>(['cancel', 'setCamera', 'setSources', 'setStorage', 'setVisibility']);

interface Pending {
  call: Extract<HubCall, { type: 'call' }>;
  resolve(value: unknown): void;
  reject(error: Error): void;
}

// One tab's end of a shared engine. Every call that expects an answer stays pending until the answer comes; when a
// hub it has not heard from announces itself (the leader tab closed and another took over), the tab's state is
// replayed into it and every pending call is sent again, so no tile is lost or left loading. The `engine` facade
// has the dedicated worker's shape, so the rest of the page cannot tell the two apart.
export class HubLink {
  readonly engine: Comlink.Remote<EngineApi>;
  readonly events: EngineHostEvent[] = [];
  // never used here (a shared engine has no direct-fetch fallback); kept for the Kestrel API's shape
  readonly fallbackAnswers = { ok: 0, noTile: 0, failed: 0 };
  private hub: string | undefined;
  private seq = 0;
  private disposed = false;
  private readonly pending = new Map<number, Pending>();
  private readonly replay: { method: HubMethod; args: unknown[] }[] = [];
  private heard = Date.now();
  private heartbeat: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly transport: HubTransport,
    readonly tab: string,
    config: WorkerConfig,
    private readonly onState?: (state: EngineHostState, detail: string) => void,
    heartbeat: HeartbeatOptions = HEARTBEAT,
  ) {
    this.engine = new Proxy({} as Comlink.Remote<EngineApi>, {
      get: (_, name: string) => (...args: unknown[]) => this.call(name as HubMethod, args),
    });
    transport.listen((reply) => this.receive(reply));
    void this.call('init', [config]);
    if (transport.direct) {
      this.takeOver('shared-worker');
      if (transport.reconnect) this.heartbeat = setInterval(() => this.beat(heartbeat.deadAfterMs), heartbeat.everyMs);
    } else transport.post({ type: 'who' });
  }

  /** Chaos suites: asks the hub's worker to end itself as a crash would, for every tab it serves. */
  crashHub(): void {
    this.transport.post({ type: 'crash' });
  }

  // A hub silent for `deadAfterMs` is taken for dead: connect again, and replay everything into whichever hub
  // answers (the same one, if it was only slow: the calls sent on the old connection lost their way back with it).
  private beat(deadAfterMs: number): void {
    if (this.disposed) return;
    if (this.hub !== undefined && Date.now() - this.heard > deadAfterMs) {
      const detail = `the shared engine did not answer for ${Math.round((Date.now() - this.heard) / 1000)} s; connecting again`;
      this.hub = undefined;
      this.events.push({ at: Date.now(), state: 'restarting', detail });
      if (this.events.length > 100) this.events.shift();
      this.onState?.('restarting', detail);
      this.transport.reconnect!();
      this.heard = Date.now();
    }
    this.transport.post({ type: 'who' });
  }

  get status(): EngineHostState {
    return this.hub ? 'running' : 'restarting';
  }

  /** Tells the hub whether this tab is in front (`document.visibilityState`): fairness between tabs. */
  setVisibility(visible: boolean): void {
    void this.call('setVisibility', [visible]);
  }

  /** Calls still waiting for their answer (tile asks included). */
  get open(): number {
    return this.pending.size;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    clearInterval(this.heartbeat);
    this.transport.post({ type: 'bye', tab: this.tab });
    for (const { call, resolve, reject } of this.pending.values()) {
      if (call.method === 'request') resolve(DISPOSED);
      else reject(new Error('the Kestrel instance was disposed'));
    }
    this.pending.clear();
    this.transport.close();
  }

  private call(method: HubMethod, args: unknown[]): Promise<unknown> {
    if (this.disposed) return method === 'request' ? Promise.resolve(DISPOSED) : Promise.reject(new Error('the Kestrel instance was disposed'));
    if (REPLAYED.has(method)) {
      if (LATEST_ONLY.has(method)) {
        const at = this.replay.findIndex((entry) => entry.method === method);
        if (at >= 0) this.replay.splice(at, 1);
      }
      this.replay.push({ method, args });
    }
    if (method === 'cancel') this.dropPendingAsk(args[0] as string);
    if (NO_REPLY.has(method) || method === 'init') {
      // state calls made before a hub is known reach it through the replay
      if (this.hub) this.transport.post({ type: 'call', tab: this.tab, seq: -1, method, args });
      return Promise.resolve(undefined);
    }
    const call = { type: 'call', tab: this.tab, seq: this.seq++, method, args } as const;
    return new Promise((resolve, reject) => {
      this.pending.set(call.seq, { call, resolve, reject });
      if (this.hub) this.transport.post(call);
    });
  }

  // A tile MapLibre no longer wants must not be asked again of a new leader.
  private dropPendingAsk(id: string): void {
    for (const [seq, pending] of this.pending) {
      if (pending.call.method === 'request' && (pending.call.args[0] as TileRequest).id === id) {
        this.pending.delete(seq);
        pending.resolve(ABORTED);
      }
    }
  }

  private receive(reply: HubReply): void {
    if (this.disposed) return;
    this.heard = Date.now();
    if (reply.type === 'leader') {
      // A SharedWorker's answer to the heartbeat names the hub the port reaches; it is the same one until a reconnect.
      if (this.transport.direct && this.hub !== undefined) return;
      if (reply.hub !== this.hub) this.takeOver(reply.hub);
      return;
    }
    if (reply.tab !== this.tab || reply.seq < 0) return;
    const pending = this.pending.get(reply.seq);
    if (!pending) return;
    this.pending.delete(reply.seq);
    if (reply.ok) pending.resolve(reply.value);
    else pending.reject(Object.assign(new Error(reply.error.message), { name: reply.error.name }));
  }

  private takeOver(hub: string): void {
    const first = this.hub === undefined && this.events.length === 0;
    this.hub = hub;
    for (const { method, args } of this.replay) this.transport.post({ type: 'call', tab: this.tab, seq: -1, method, args });
    for (const { call } of [...this.pending.values()].sort((a, b) => a.call.seq - b.call.seq)) this.transport.post(call);
    const detail = first ? `engine ${hub} serves this tab` : `engine ${hub} took over; ${this.pending.size} open calls sent again`;
    this.events.push({ at: Date.now(), state: 'running', detail });
    if (this.events.length > 100) this.events.shift();
    this.onState?.('running', detail);
  }
}

const DISPOSED: TileResult = { ok: false, failure: { reason: 'aborted', message: 'the Kestrel instance was disposed', attempts: 0 } };
const ABORTED: TileResult = { ok: false, failure: { reason: 'aborted', message: 'cancelled', attempts: 0 } };
