import type * as Comlink from 'comlink';
import type { EngineApi, WorkerConfig } from '../contract/engine-api.ts';
import { type HubCall, type HubReply, hubNames, LEADER_WORKER_PREFIX, type SharingMode } from '../contract/engine-hub.ts';
import { startEngineWorker } from './engine-client.ts';
import { EngineHost, type EngineHostEvent, type EngineHostState } from './engine-host.ts';
import { type HubTransport, HubLink } from './hub-link.ts';
import { holdLeadership, type LockRequester } from './leader-election.ts';

/** How the page reaches its engine, whichever the {@link SharingMode}: what `createKestrel` holds. */
export interface EngineLink {
  readonly engine: Comlink.Remote<EngineApi>;
  readonly status: EngineHostState;
  readonly events: EngineHostEvent[];
  readonly fallbackAnswers: { ok: number; noTile: number; failed: number };
  readonly mode: SharingMode;
  // the tab's visibility: no prefetch while no page is in front, and fairness between tabs sharing an engine
  setVisibility(visible: boolean): void;
  terminate(): void;
  dispose(): void;
}

/** `auto`: a SharedWorker where the browser has one, else leader election where it has Web Locks, else `off`. */
export type SharingChoice = SharingMode | 'auto';

export interface EngineLinkOptions {
  sharing: SharingChoice;
  config: WorkerConfig;
  // tabs share an engine only under the same key (contract/engine-hub.ts, sharingKey)
  key: string;
  tab: string;
  startWorker: (name: string) => Worker;
  // absent when the page's worker comes from a function of the app's (a SharedWorker needs a URL)
  startShared?: (name: string) => SharedWorker;
  onState?: (state: EngineHostState, detail: string) => void;
}

/** Resolves `auto` against what this browser offers. */
export function resolveSharing(choice: SharingChoice, canShare: boolean): SharingMode {
  const g = globalThis as { SharedWorker?: unknown; navigator?: { locks?: unknown } };
  if (choice === 'shared-worker' && (!canShare || typeof g.SharedWorker !== 'function')) return resolveSharing('leader', false);
  if (choice === 'leader' && !g.navigator?.locks) return 'off';
  if (choice !== 'auto') return choice;
  return resolveSharing(canShare && typeof g.SharedWorker === 'function' ? 'shared-worker' : 'leader', canShare);
}

/** Starts the page's way to its engine. */
export function startEngineLink(options: EngineLinkOptions): EngineLink {
  const mode = resolveSharing(options.sharing, options.startShared !== undefined);
  if (mode === 'off') return dedicated(options);
  const names = hubNames(options.key);
  if (mode === 'shared-worker') {
    const link = new HubLink(portTransport(() => options.startShared!(names.sharedWorker).port), options.tab, options.config, options.onState);
    return linkOf(link, mode, () => link.crashHub(), () => undefined);
  }
  let crash: () => void = () => undefined;
  const stopLeading = holdLeadership((navigator as unknown as { locks: LockRequester }).locks, names.lock, () => {
    const leader = leadEngine(() => options.startWorker(`${LEADER_WORKER_PREFIX}${options.key}`));
    crash = leader.crash;
    return leader.stop;
  });
  const link = new HubLink(busTransport(names, options.tab), options.tab, options.config, options.onState);
  return linkOf(link, mode, () => crash(), stopLeading);
}

function dedicated(options: EngineLinkOptions): EngineLink {
  const host = new EngineHost({ start: () => startEngineWorker(options.startWorker, options.config), onState: options.onState });
  return {
    engine: host.engine,
    get status() {
      return host.status;
    },
    events: host.events,
    fallbackAnswers: host.fallbackAnswers,
    mode: 'off',
    setVisibility: (visible) => void host.engine.setVisibility(visible),
    terminate: () => host.terminate(),
    dispose: () => host.dispose(),
  };
}

function linkOf(link: HubLink, mode: SharingMode, crash: () => void, stop: () => void): EngineLink {
  // A tab that closes says so: the hub forgets its sources and channel (a page kept for back/forward stays).
  const onPageHide = (event: PageTransitionEvent) => {
    if (!event.persisted) result.dispose();
  };
  globalThis.addEventListener?.('pagehide', onPageHide);
  const result: EngineLink = {
    engine: link.engine,
    get status() {
      return link.status;
    },
    events: link.events,
    fallbackAnswers: link.fallbackAnswers,
    mode,
    setVisibility: (visible) => link.setVisibility(visible),
    terminate: crash,
    dispose() {
      globalThis.removeEventListener?.('pagehide', onPageHide);
      link.dispose();
      stop();
    },
  };
  return result;
}

// The leader tab runs the engine in its own dedicated worker. A worker that fails is started again (a new hub,
// which announces itself: every tab re-issues its open calls), up to 3 times a minute.
function leadEngine(start: () => Worker): { stop: () => void; crash: () => void } {
  let worker: Worker | undefined;
  const restarts: number[] = [];
  const launch = () => {
    worker = start();
    worker.addEventListener('error', () => restart());
  };
  const restart = () => {
    worker?.terminate();
    const now = Date.now();
    while (restarts.length && now - restarts[0] > 60_000) restarts.shift();
    if (restarts.length >= 3) return;
    restarts.push(now);
    launch();
  };
  launch();
  return { stop: () => worker?.terminate(), crash: restart };
}

// A SharedWorker's port; `connect` is called again to reconnect (the browser starts the worker anew if it died).
function portTransport(connect: () => MessagePort): HubTransport {
  let port = connect();
  let onReply: ((reply: HubReply) => void) | undefined;
  const open = () => {
    port.onmessage = (message: MessageEvent<HubReply>) => onReply?.(message.data);
    port.start();
  };
  return {
    direct: true,
    post: (call) => port.postMessage(call),
    listen(handler) {
      onReply = handler;
      open();
    },
    reconnect() {
      port.onmessage = null;
      port.close();
      port = connect();
      open();
    },
    close: () => port.close(),
  };
}

// Calls go out on the origin's bus; replies come back on the tab's own channel, announcements on the bus.
function busTransport(names: ReturnType<typeof hubNames>, tab: string): HubTransport {
  const bus = new BroadcastChannel(names.bus);
  const replies = new BroadcastChannel(names.replies(tab));
  return {
    direct: false,
    post: (call: HubCall) => bus.postMessage(call),
    listen(onReply) {
      bus.onmessage = (message: MessageEvent<HubCall | HubReply>) => {
        if (message.data.type === 'leader') onReply(message.data);
      };
      replies.onmessage = (message: MessageEvent<HubReply>) => onReply(message.data);
    },
    close() {
      bus.close();
      replies.close();
    },
  };
}
