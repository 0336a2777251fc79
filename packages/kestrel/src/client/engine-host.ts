import type * as Comlink from 'comlink';
import type { EngineApi, TileRequest, TileResult } from '../contract/engine-api.ts';
import type { StartedWorker } from './engine-client.ts';

// Calls whose effect is state the worker keeps: replayed in order into a replacement worker.
const REPLAYED = new Set<keyof EngineApi>(['configure', 'setStorage', 'setSources', 'setCamera', 'setVisibility']);
// Calls that only describe the moment (the camera): only the last one matters.
const LATEST_ONLY = new Set<keyof EngineApi>(['setCamera', 'setSources', 'setStorage', 'setVisibility']);

export interface EngineHostOptions {
  start: () => StartedWorker;
  // a worker that has not answered a ping for this long is taken for dead
  pingTimeoutMs?: number;
  pingEveryMs?: number;
  // restarts allowed per minute before giving up and staying on direct loading
  maxRestartsPerMinute?: number;
  onState?: (state: EngineHostState, detail: string) => void;
  fetchDirect?: (url: string, signal: AbortSignal, req: TileRequest) => Promise<TileResult>;
}

export type EngineHostState = 'running' | 'restarting' | 'fallback';

/** One change of the engine worker's state, for suites: when (Date.now()), to what, and why. */
export interface EngineHostEvent {
  at: number;
  state: EngineHostState;
  detail: string;
}

// Keeps one engine worker alive for the page. If it dies (an uncaught error, a failed load, or it stops answering)
// the host answers tile requests itself with plain fetch — MapLibre's own behaviour, no cache or retries — while a
// new worker starts and is given back the page's configuration, sources and camera. Every consumer holds the
// `engine` facade, which always speaks to the current worker.
export class EngineHost {
  readonly engine: Comlink.Remote<EngineApi>;
  private current: StartedWorker;
  private disposed = false;
  private pingTimer: ReturnType<typeof setTimeout> | undefined;
  private state: EngineHostState = 'running';
  private generation = 0;
  private died!: Promise<void>;
  private markDead!: () => void;
  private readonly replay: { method: keyof EngineApi; args: unknown[] }[] = [];
  private readonly restarts: number[] = [];
  private readonly direct = new Map<string, AbortController>();
  // Tiles answered by plain fetch while no worker was in service: the engine's audit never saw them.
  readonly fallbackAnswers = { ok: 0, noTile: 0, failed: 0 };
  // every state change, bounded (a page that restarts its worker for ever must not grow this without end)
  readonly events: EngineHostEvent[] = [];
  private readonly options: Required<Omit<EngineHostOptions, 'onState'>> & Pick<EngineHostOptions, 'onState'>;

  constructor(options: EngineHostOptions) {
    this.options = { pingTimeoutMs: 4000, pingEveryMs: 2000, maxRestartsPerMinute: 3, fetchDirect, ...options };
    this.current = this.launch();
    this.engine = new Proxy({} as Comlink.Remote<EngineApi>, {
      get: (_, name: string) => (...args: unknown[]) => this.call(name as keyof EngineApi, args),
    });
    this.schedulePing();
  }

  get status(): EngineHostState {
    return this.state;
  }

  /** Terminates the worker for good and stops watching it; tile requests still open end as aborted. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    clearTimeout(this.pingTimer);
    this.markDead();
    this.current.worker.terminate();
    for (const controller of this.direct.values()) controller.abort();
  }

  // For chaos suites: the worker dies as if it had crashed.
  terminate(): void {
    this.current.worker.terminate();
    this.onDeath('the engine worker was terminated');
  }

  private launch(): StartedWorker {
    const generation = ++this.generation;
    this.died = new Promise((resolve) => (this.markDead = resolve));
    const started = this.options.start();
    started.worker.addEventListener('error', (event) => {
      if (generation === this.generation) this.onDeath(`the engine worker failed: ${event.message || 'script error'}`);
    });
    return started;
  }

  private call(method: keyof EngineApi, args: unknown[]): unknown {
    if (REPLAYED.has(method)) {
      if (LATEST_ONLY.has(method)) this.forget(method);
      this.replay.push({ method, args });
    }
    if (method === 'request') return this.request(args[0] as TileRequest);
    if (method === 'cancel') {
      this.direct.get(args[0] as string)?.abort();
      if (this.state !== 'running') return undefined;
    }
    if (this.state !== 'running') {
      if (method === 'stats') return Promise.reject(new Error(`the engine is ${this.state}`));
      if (REPLAYED.has(method)) return Promise.resolve(undefined);
    }
    const fn = this.current.engine[method] as unknown as (...a: unknown[]) => unknown;
    return fn(...args);
  }

  private async request(req: TileRequest): Promise<TileResult> {
    if (this.disposed) return DISPOSED;
    if (this.state === 'running') {
      const died = this.died.then(() => 'died' as const);
      const answer = await Promise.race([this.current.engine.request(req), died]);
      if (answer !== 'died') return answer;
      // dispose() also ends the worker: a request it cut short ends there, not as a direct fetch
      if (this.disposed) return DISPOSED;
    }
    const controller = new AbortController();
    this.direct.set(req.id, controller);
    try {
      const result = await this.options.fetchDirect(req.url, controller.signal, req);
      this.fallbackAnswers[!result.ok ? 'failed' : result.response.status === 'ok' ? 'ok' : 'noTile']++;
      return result;
    } finally {
      this.direct.delete(req.id);
    }
  }

  private forget(method: keyof EngineApi): void {
    const at = this.replay.findIndex((entry) => entry.method === method);
    if (at >= 0) this.replay.splice(at, 1);
  }

  private schedulePing(): void {
    if (!this.disposed) this.pingTimer = setTimeout(() => void this.ping(), this.options.pingEveryMs);
  }

  private async ping(): Promise<void> {
    if (this.state === 'running') {
      const generation = this.generation;
      const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), this.options.pingTimeoutMs));
      const answer = await Promise.race([this.current.engine.stats().then(() => 'ok' as const, () => 'timeout' as const), timeout]);
      if (answer === 'timeout' && generation === this.generation) this.onDeath('the engine worker stopped answering');
    }
    this.schedulePing();
  }

  private onDeath(detail: string): void {
    if (this.state !== 'running' || this.disposed) return;
    this.markDead();
    this.current.worker.terminate();
    const now = Date.now();
    while (this.restarts.length && now - this.restarts[0] > 60_000) this.restarts.shift();
    if (this.restarts.length >= this.options.maxRestartsPerMinute) {
      this.setState('fallback', `${detail}; gave up restarting it, tiles load directly`);
      return;
    }
    this.restarts.push(now);
    this.setState('restarting', detail);
    this.current = this.launch();
    for (const { method, args } of this.replay) {
      const fn = this.current.engine[method] as unknown as (...a: unknown[]) => Promise<unknown>;
      void fn(...args);
    }
    // The new worker is in service once it answers.
    void this.current.engine.stats().then(() => this.setState('running', 'the engine worker was restarted'));
  }

  private setState(state: EngineHostState, detail: string): void {
    this.state = state;
    this.events.push({ at: Date.now(), state, detail });
    if (this.events.length > 100) this.events.shift();
    this.options.onState?.(state, detail);
  }
}

const DISPOSED: TileResult = { ok: false, failure: { reason: 'aborted', message: 'the Kestrel instance was disposed', attempts: 0 } };

// MapLibre's own way: one fetch, no cache, no retry. Used only while no engine worker is available.
async function fetchDirect(url: string, signal: AbortSignal, req?: TileRequest): Promise<TileResult> {
  try {
    // no retry here, but an end: a hung server must not leave the tile pending in MapLibre for ever
    const response = await fetch(url, { headers: req?.headers, credentials: req?.credentials, signal: AbortSignal.any([signal, AbortSignal.timeout(10_000)]) });
    if (response.status === 204 || response.status === 404) return { ok: true, response: { status: 'no-tile', data: null, tier: 'network', stale: false } };
    if (!response.ok) return { ok: false, failure: { reason: response.status >= 500 ? 'http-5xx' : 'http-4xx', message: `HTTP ${response.status}`, status: response.status, attempts: 1 } };
    return { ok: true, response: { status: 'ok', data: await response.arrayBuffer(), tier: 'network', stale: false } };
  } catch (error) {
    const aborted = (error as { name?: string }).name === 'AbortError';
    return { ok: false, failure: { reason: aborted ? 'aborted' : 'network', message: String((error as Error).message ?? error), attempts: 1 } };
  }
}
