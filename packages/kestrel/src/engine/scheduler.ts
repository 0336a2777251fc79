import type { RequestPurpose, TileCoord } from '../contract/engine-api.ts';
import { EngineError, Superseded } from './engine-error.ts';
import type { Clock } from './ports.ts';
import { PriorityQueue } from './priority-queue.ts';
import type { AskOrigin } from './tile-priority.ts';

export interface TaskSpec {
  // asks with the same key share one task (one fetch)
  key: string;
  // the per-host bound applies per value
  host: string;
  purpose: RequestPurpose;
  coord?: TileCoord;
  // the tab that asked, when one engine serves several (absent: the engine's own camera, a front asker)
  origin?: AskOrigin;
}

// What a priority function may look at.
export interface TaskView {
  readonly key: string;
  readonly host: string;
  readonly purpose: RequestPurpose;
  readonly coord?: TileCoord;
  // when the task first entered the queue; kept across retries, so a retried task keeps its age
  readonly enqueuedAt: number;
  readonly attempts: number;
  // the best-placed asker's tab: one in front if any asker is (or asked without a tab), else a background one
  readonly origin?: AskOrigin;
}

// One attempt's result: a value for every asker, or "try again after this delay". Throwing fails the task.
export type AttemptOutcome<T> = { value: T } | { retryInMs: number };
// Runs while holding a slot. `signal` aborts when every asker has gone; the slot is already free by then.
// `attempt` counts from 1; `task` shows the current (possibly promoted) purpose.
export type Attempt<T> = (signal: AbortSignal, attempt: number, task: TaskView) => Promise<AttemptOutcome<T>>;

export interface SchedulerLimits {
  maxInFlight: number;
  maxInFlightPerHost: number;
  // share of the effective limit bulk work (prefetch, offline-save) may hold
  bulkShare: number;
}

export interface SchedulerDeps {
  clock: Clock;
  // lower runs sooner; DROP removes the task (its askers reject with 'aborted')
  priority: (task: TaskView, now: number) => number;
  // the adaptive (AIMD) limit; the effective limit is min(maxInFlight, this)
  adaptiveLimit?: () => number;
  // the least time between two request starts to a host (HostPacer); 0 or absent: no spacing
  spacingMs?: (host: string) => number;
  // the in-flight bound for one host when it differs from maxInFlightPerHost (an HTTP/2 host); undefined: default
  hostLimit?: (host: string) => number | undefined;
}

export interface Ticket<T> {
  promise: Promise<T>;
  // true when this ask joined a task already under way
  coalesced: boolean;
}

export interface SchedulerSnapshot {
  inFlight: number;
  inFlightMax: number;
  inFlightPerHostMax: number;
  limit: number;
  queued: number;
  queuedMax: number;
  queuedByPurpose: Record<RequestPurpose, number>;
  waitingRetry: number;
}

// Best first; 'revalidate' and 'offline-save' share a class in tile-priority, listed here only to pick the
// purpose of a coalesced task deterministically.
const PURPOSE_ORDER: RequestPurpose[] = ['visible', 'prefetch', 'revalidate', 'offline-save'];
// Bulk work: speculative or batch downloads that must never crowd out what the user is looking at.
// Revalidations are not bulk: they are small conditional requests for tiles already on screen.
const BULK: ReadonlySet<RequestPurpose> = new Set(['prefetch', 'offline-save']);

interface Asker<T> {
  purpose: RequestPurpose;
  origin?: AskOrigin;
  settled: boolean;
  resolve(value: T): void;
  reject(error: unknown): void;
  detach(): void;
}

class Task<T> implements TaskView {
  attempts = 0;
  state: 'queued' | 'running' | 'waiting' | 'done' = 'queued';
  readonly askers = new Set<Asker<T>>();
  controller: AbortController | undefined;
  timer: unknown;
  // whether the slot it holds counts against the bulk share (fixed at dispatch, even if the purpose changes)
  bulkSlot = false;

  constructor(
    readonly key: string,
    readonly host: string,
    public purpose: RequestPurpose,
    readonly coord: TileCoord | undefined,
    readonly enqueuedAt: number,
    readonly attempt: Attempt<T>,
  ) {}

  get origin(): AskOrigin | undefined {
    let background: AskOrigin | undefined;
    for (const asker of this.askers) {
      if (!asker.origin) return undefined;
      if (!asker.origin.background) return asker.origin;
      background ??= asker.origin;
    }
    return background;
  }
}

// Runs tasks in priority order under hard bounds: at most min(maxInFlight, adaptive limit) in flight, at most
// maxInFlightPerHost per host, bulk work limited to its share and held back while visible work waits. A slot is
// held only while an attempt runs: it is freed synchronously when the attempt settles or is aborted (a hung
// fetch cannot keep it), and a retry waits for its backoff outside the queue and without a slot.
// Longer than most modules on purpose: every transition of a task (queued → running → waiting → done, or
// cancelled from any of them) also moves the slot and queue counters, and keeping them in one class is what
// makes "never over the bound" checkable by reading it.
export class Scheduler<T> {
  private readonly queue: PriorityQueue<Task<T>>;
  private readonly tasks = new Map<string, Task<T>>();
  private readonly hostInFlight = new Map<string, number>();
  private readonly queuedByPurpose: Record<RequestPurpose, number> = { visible: 0, prefetch: 0, revalidate: 0, 'offline-save': 0 };
  private running = 0;
  private bulkRunning = 0;
  private waitingRetry = 0;
  private inFlightMax = 0;
  private inFlightPerHostMax = 0;
  private queuedMax = 0;
  private pumping = false;
  private disposed = false;
  // hosts that asked us to wait (429 + Retry-After): no attempt to them starts before the time given
  private readonly hostPausedUntil = new Map<string, number>();
  private wakeTimer: unknown;
  private wakeAt = Number.POSITIVE_INFINITY;

  constructor(
    private readonly deps: SchedulerDeps,
    private limits: SchedulerLimits,
  ) {
    this.queue = new PriorityQueue((task) => deps.priority(task, deps.clock.now()));
  }

  schedule(spec: TaskSpec, attempt: Attempt<T>, signal?: AbortSignal): Ticket<T> {
    if (this.disposed || signal?.aborted) return { promise: Promise.reject(EngineError.aborted()), coalesced: false };
    const existing = this.tasks.get(spec.key);
    const task = existing ?? new Task(spec.key, spec.host, spec.purpose, spec.coord, this.deps.clock.now(), attempt);
    let asker!: Asker<T>;
    const promise = new Promise<T>((resolve, reject) => {
      asker = { purpose: spec.purpose, origin: spec.origin, settled: false, resolve, reject, detach: () => undefined };
    });
    task.askers.add(asker);
    if (signal) {
      const onAbort = () => this.leave(task, asker, signal.reason instanceof Superseded);
      signal.addEventListener('abort', onAbort, { once: true });
      asker.detach = () => signal.removeEventListener('abort', onAbort);
    }
    if (existing) {
      this.refreshPurpose(task);
      // a front tab joining a background tab's queued ask lifts it into the front band
      if (task.state === 'queued' && spec.origin?.background === false) this.requeue(task);
    } else {
      this.tasks.set(task.key, task);
      this.enqueue(task);
    }
    this.pump();
    return { promise, coalesced: existing !== undefined };
  }

  // Call when the inputs of the priority function change (the camera moved).
  reprioritize(): void {
    const dropped = this.queue.reprioritize();
    for (const task of dropped) {
      this.queuedByPurpose[task.purpose]--;
      this.finish(task, (a) => a.reject(EngineError.aborted(`dropped from the queue (${task.purpose})`)));
    }
    this.pump();
  }

  // A 429's Retry-After speaks for the server, not for one tile: every request to that host waits, or the other
  // queued tiles would each meet their own 429 and the storm would go on.
  pauseHost(host: string, until: number): void {
    if (until <= this.deps.clock.now()) return;
    this.hostPausedUntil.set(host, Math.max(until, this.hostPausedUntil.get(host) ?? 0));
    this.scheduleWake();
  }

  private scheduleWake(): void {
    if (this.hostPausedUntil.size === 0) return;
    const next = Math.min(...this.hostPausedUntil.values());
    // a wake already set for no later than that will do; a later one is replaced (spacing pauses are short)
    if (this.wakeTimer !== undefined && this.wakeAt <= next) return;
    if (this.wakeTimer !== undefined) this.deps.clock.clearTimeout(this.wakeTimer);
    this.wakeAt = next;
    this.wakeTimer = this.deps.clock.setTimeout(() => {
      this.wakeTimer = undefined;
      this.wakeAt = Number.POSITIVE_INFINITY;
      const now = this.deps.clock.now();
      for (const [host, until] of this.hostPausedUntil) if (until <= now) this.hostPausedUntil.delete(host);
      this.scheduleWake();
      this.pump();
    }, Math.max(0, next - this.deps.clock.now()));
  }

  configure(limits: SchedulerLimits): void {
    this.limits = limits;
    this.pump();
  }

  limit(): number {
    const adaptive = this.deps.adaptiveLimit?.() ?? Number.POSITIVE_INFINITY;
    return Math.max(1, Math.min(this.limits.maxInFlight, adaptive));
  }

  snapshot(): SchedulerSnapshot {
    return {
      inFlight: this.running,
      inFlightMax: this.inFlightMax,
      inFlightPerHostMax: this.inFlightPerHostMax,
      limit: this.limit(),
      queued: this.queue.size,
      queuedMax: this.queuedMax,
      queuedByPurpose: { ...this.queuedByPurpose },
      waitingRetry: this.waitingRetry,
    };
  }

  resetPeaks(): void {
    this.inFlightMax = this.running;
    this.inFlightPerHostMax = Math.max(0, ...this.hostInFlight.values());
    this.queuedMax = this.queue.size;
  }

  // Rejects every ask with 'aborted' and leaves nothing behind (no timers, no running attempts).
  dispose(): void {
    this.disposed = true;
    if (this.wakeTimer !== undefined) this.deps.clock.clearTimeout(this.wakeTimer);
    for (const task of [...this.tasks.values()]) this.cancelTask(task, 'engine disposed');
  }

  private enqueue(task: Task<T>): void {
    task.state = 'queued';
    if (!this.queue.push(task)) {
      this.finish(task, (a) => a.reject(EngineError.aborted(`dropped before it could run (${task.purpose})`)));
      return;
    }
    this.queuedByPurpose[task.purpose]++;
    this.queuedMax = Math.max(this.queuedMax, this.queue.size);
  }

  private dequeue(task: Task<T>): void {
    if (this.queue.remove(task)) this.queuedByPurpose[task.purpose]--;
  }

  private leave(task: Task<T>, asker: Asker<T>, superseded = false): void {
    if (asker.settled) return;
    task.askers.delete(asker);
    settle(asker, () => asker.reject(EngineError.aborted('request cancelled', task.attempts)));
    if (task.askers.size > 0) {
      this.refreshPurpose(task);
      return;
    }
    // Superseded bulk work already on the wire runs to its end with nobody waiting: its bytes still land in the
    // cache, while aborting would save at most the rest of a small body, close the HTTP/1.1 connection, and
    // leave the server working until it noticed. Prefetch replans that cancelled and reissued showed up at the
    // server as more requests in flight than the bound (6 with maxInFlight 4, e2e/perf/example.spec.ts). The slot
    // stays taken until it ends, and a visible ask may still join it. Queued work is dropped.
    if (superseded && task.state === 'running' && BULK.has(task.purpose)) return;
    this.cancelTask(task, 'every asker cancelled');
  }

  private requeue(task: Task<T>): void {
    if (this.queue.update(task)) return;
    this.queuedByPurpose[task.purpose]--;
    this.finish(task, (a) => a.reject(EngineError.aborted(`dropped from the queue (${task.purpose})`)));
  }

  // A task runs with the best purpose among its askers: a visible ask joining a prefetch promotes it, and the
  // visible asker leaving demotes it again.
  private refreshPurpose(task: Task<T>): void {
    let best = PURPOSE_ORDER.length - 1;
    for (const a of task.askers) best = Math.min(best, PURPOSE_ORDER.indexOf(a.purpose));
    const purpose = PURPOSE_ORDER[best];
    if (purpose === task.purpose) return;
    if (task.state !== 'queued') {
      task.purpose = purpose;
      return;
    }
    this.queuedByPurpose[task.purpose]--;
    task.purpose = purpose;
    if (this.queue.update(task)) {
      this.queuedByPurpose[purpose]++;
    } else {
      this.finish(task, (a) => a.reject(EngineError.aborted(`dropped from the queue (${purpose})`)));
    }
    this.pump();
  }

  private cancelTask(task: Task<T>, why: string): void {
    switch (task.state) {
      case 'queued':
        this.dequeue(task);
        break;
      case 'running':
        this.releaseSlot(task);
        task.controller?.abort(EngineError.aborted(why, task.attempts));
        break;
      case 'waiting':
        this.deps.clock.clearTimeout(task.timer);
        this.waitingRetry--;
        break;
      case 'done':
        return;
    }
    this.finish(task, (a) => a.reject(EngineError.aborted(why, task.attempts)));
    this.pump();
  }

  private pump(): void {
    if (this.pumping || this.disposed) return;
    this.pumping = true;
    try {
      while (this.running < this.limit()) {
        const task = this.queue.findFirst((t) => this.eligible(t));
        if (!task) break;
        this.dequeue(task);
        this.dispatch(task);
      }
    } finally {
      this.pumping = false;
    }
  }

  private eligible(task: Task<T>): boolean {
    const hostMax = this.deps.hostLimit?.(task.host) ?? this.limits.maxInFlightPerHost;
    if ((this.hostInFlight.get(task.host) ?? 0) >= hostMax) return false;
    const pausedUntil = this.hostPausedUntil.get(task.host);
    if (pausedUntil !== undefined && pausedUntil > this.deps.clock.now()) return false;
    if (!BULK.has(task.purpose)) return true;
    return this.queuedByPurpose.visible === 0 && this.bulkRunning < this.bulkLimit();
  }

  // At least one slot whenever the share is non-zero: with a small adaptive limit, floor() would otherwise
  // starve bulk work even when nothing visible is waiting.
  private bulkLimit(): number {
    if (this.limits.bulkShare <= 0) return 0;
    return Math.max(1, Math.floor(this.limits.bulkShare * this.limit()));
  }

  private dispatch(task: Task<T>): void {
    task.state = 'running';
    task.attempts++;
    task.bulkSlot = BULK.has(task.purpose);
    this.running++;
    if (task.bulkSlot) this.bulkRunning++;
    const onHost = (this.hostInFlight.get(task.host) ?? 0) + 1;
    this.hostInFlight.set(task.host, onHost);
    this.inFlightMax = Math.max(this.inFlightMax, this.running);
    this.inFlightPerHostMax = Math.max(this.inFlightPerHostMax, onHost);
    // A paced host (429s without Retry-After) gets its next start no sooner than its spacing from this one.
    const spacing = this.deps.spacingMs?.(task.host) ?? 0;
    if (spacing > 0) this.pauseHost(task.host, this.deps.clock.now() + spacing);
    const controller = new AbortController();
    task.controller = controller;
    let result: Promise<AttemptOutcome<T>>;
    try {
      result = task.attempt(controller.signal, task.attempts, task);
    } catch (error) {
      result = Promise.reject(error);
    }
    result.then(
      (outcome) => this.onSettled(task, controller, () => this.onOutcome(task, outcome)),
      (error: unknown) => this.onSettled(task, controller, () => this.finish(task, (a) => a.reject(error))),
    );
  }

  // Ignores attempts whose task was cancelled (their slot is already free) or that belong to an earlier run.
  private onSettled(task: Task<T>, controller: AbortController, then: () => void): void {
    if (task.state !== 'running' || task.controller !== controller) return;
    this.releaseSlot(task);
    then();
    this.pump();
  }

  private onOutcome(task: Task<T>, outcome: AttemptOutcome<T>): void {
    if (!('retryInMs' in outcome)) {
      this.finish(task, (a) => a.resolve(outcome.value));
      return;
    }
    // superseded work left to finish (see leave) is not worth a retry: nobody waits for it
    if (task.askers.size === 0) {
      this.finish(task, () => undefined);
      return;
    }
    task.state = 'waiting';
    this.waitingRetry++;
    task.timer = this.deps.clock.setTimeout(() => {
      if (task.state !== 'waiting') return;
      this.waitingRetry--;
      this.enqueue(task);
      this.pump();
    }, outcome.retryInMs);
  }

  private releaseSlot(task: Task<T>): void {
    this.running--;
    if (task.bulkSlot) this.bulkRunning--;
    const onHost = (this.hostInFlight.get(task.host) ?? 1) - 1;
    if (onHost === 0) this.hostInFlight.delete(task.host);
    else this.hostInFlight.set(task.host, onHost);
  }

  private finish(task: Task<T>, how: (asker: Asker<T>) => void): void {
    task.state = 'done';
    if (this.tasks.get(task.key) === task) this.tasks.delete(task.key);
    for (const asker of task.askers) settle(asker, () => how(asker));
    task.askers.clear();
  }
}

function settle<T>(asker: Asker<T>, how: () => void): void {
  if (asker.settled) return;
  asker.settled = true;
  asker.detach();
  how();
}
