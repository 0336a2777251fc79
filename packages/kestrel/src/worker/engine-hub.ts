import type { CameraSnapshot, EngineStats, SourceDescriptor, TileRequest, TileResult, WorkerConfig } from '../contract/engine-api.ts';
import type { HubCall, HubReply, SharingMode, TabStats } from '../contract/engine-hub.ts';
import type { AskOrigin } from '../engine/tile-priority.ts';
import { countResult as count, emptyTabStats, type TabEngine, tabEngine } from './tab-stats.ts';
import type { ServerChannel } from './tile-channel-server.ts';
import type { WorkerParts } from './worker-engine.ts';

/** Sends one reply to the tab that made the call; `transfer` lists buffers that may move rather than be copied. */
export type ReplyTo = (reply: HubReply, transfer: Transferable[]) => void;

/** What the hub needs from the world: the engine, built once, and the MapLibre-worker channels. */
export interface EngineHubDeps {
  build: (config: { dbName: string }) => Pick<WorkerParts, 'api' | 'engine' | 'requestFrom'>;
  serveChannel: (engine: TabEngine, name: string) => () => void;
  mode: SharingMode;
  id?: string;
}

export type { TabEngine };

interface Tab {
  id: string;
  reply: ReplyTo;
  origin: AskOrigin;
  sources: SourceDescriptor[];
  stats: TabStats;
  stopChannel?: () => void;
}

// One engine for every tab of an origin (SharedWorker, or the elected leader's worker). Each tab's calls arrive
// tagged with the tab; the hub keeps what is the tab's own (camera, visibility, sources, MapLibre-worker channel,
// its share of the figures) and hands the rest to the one engine, so the bounds, memory tier, IndexedDB catalogue
// (budget, pins, eviction) and coalescing hold for the whole origin.
export class EngineHub {
  readonly id: string;
  private parts: Pick<WorkerParts, 'api' | 'engine' | 'requestFrom'> | undefined;
  private readonly tabs = new Map<string, Tab>();

  constructor(private readonly deps: EngineHubDeps) {
    this.id = deps.id ?? Math.random().toString(36).slice(2, 10);
  }

  /** Tabs served now. */
  get tabCount(): number {
    return this.tabs.size;
  }

  receive(call: HubCall, reply: ReplyTo): void {
    if (call.type === 'who' || call.type === 'crash') return;
    if (call.type === 'bye') return this.forget(call.tab);
    const tab = this.tabFor(call.tab, reply);
    const answer = (result: Promise<unknown>) => {
      if (call.seq < 0) return void result.catch(() => undefined);
      result.then(
        (value) => reply({ type: 'reply', tab: tab.id, seq: call.seq, ok: true, value }, transferables(value)),
        (error: Error) => reply({ type: 'reply', tab: tab.id, seq: call.seq, ok: false, error: { name: error?.name ?? 'Error', message: String(error?.message ?? error) } }, []),
      );
    };
    try {
      answer(Promise.resolve(this.call(tab, call.method, call.args)));
    } catch (error) {
      answer(Promise.reject(error));
    }
  }

  private call(tab: Tab, method: string, args: unknown[]): unknown {
    if (method === 'init') return this.init(tab, args[0] as WorkerConfig);
    const parts = this.parts;
    // Every tab sends `init` first (and again to a new leader); a call before it has no database to work on.
    if (!parts) throw new Error('the engine hub was called before init');
    switch (method) {
      case 'request':
        return this.request(tab, args[0] as TileRequest);
      case 'setCamera':
        return this.setCamera(tab, args[0] as CameraSnapshot);
      case 'setVisibility':
        return this.setVisibility(tab, args[0] as boolean);
      case 'setSources':
        tab.sources = args[0] as SourceDescriptor[];
        return this.sendSources();
      case 'stats':
        return this.stats(tab);
      case 'resetStats':
        tab.stats = emptyTabStats(tab.id, !tab.origin.background);
        return parts.api.resetStats();
      default: {
        const fn = parts.api[method as keyof typeof parts.api] as ((...a: unknown[]) => unknown) | undefined;
        if (typeof fn !== 'function') throw new Error(`unknown engine method ${method}`);
        return fn(...args);
      }
    }
  }

  private init(tab: Tab, config: WorkerConfig): void {
    this.parts ??= this.deps.build({ dbName: config.dbName });
    const engine = this.parts.engine;
    tab.stopChannel?.();
    // The tab's MapLibre workers reach the engine on the tab's own channel; their asks count as the tab's.
    tab.stopChannel = this.deps.serveChannel(
      tabEngine(engine, () => tab.stats, tab.origin),
      config.tileChannel,
    );
  }

  private async request(tab: Tab, req: TileRequest): Promise<TileResult> {
    const result = await this.parts!.requestFrom(req, tab.origin);
    count(tab.stats, result, req.kind === 'resource');
    return result;
  }

  // The front tabs' cameras drive prefetch (the one that moved last, as with two maps on one page); a background
  // tab's camera only ranks its own visible asks, so it gets no prefetch.
  private setCamera(tab: Tab, camera: CameraSnapshot): void {
    tab.origin.camera = camera;
    if (tab.origin.background) this.parts!.engine.reprioritize();
    else this.parts!.engine.setCamera(camera);
  }

  private setVisibility(tab: Tab, visible: boolean): void {
    tab.origin.background = !visible;
    tab.stats.visible = visible;
    if (visible && tab.origin.camera) this.parts!.engine.setCamera(tab.origin.camera);
    else this.parts!.engine.reprioritize();
    this.sendInFront();
  }

  // Prefetch runs while any tab is in front; with every tab hidden, what is queued is dropped.
  private sendInFront(): void {
    this.parts?.engine.setInFront([...this.tabs.values()].some((tab) => !tab.origin.background));
  }

  // The sources every tab shows: what the prefetcher and saved areas may build URLs for.
  private sendSources(): void {
    const seen = new Map<string, SourceDescriptor>();
    for (const tab of this.tabs.values()) for (const source of tab.sources) seen.set(JSON.stringify(source), source);
    this.parts?.api.setSources([...seen.values()]);
  }

  private async stats(tab: Tab): Promise<EngineStats> {
    const stats = await this.parts!.api.stats();
    stats.sharing = { mode: this.deps.mode, tabs: this.tabs.size, hub: this.id, tab: structuredClone(tab.stats) };
    return stats;
  }

  private tabFor(id: string, reply: ReplyTo): Tab {
    let tab = this.tabs.get(id);
    if (!tab) {
      tab = { id, reply, origin: { background: false }, sources: [], stats: emptyTabStats(id, true) };
      this.tabs.set(id, tab);
    }
    tab.reply = reply;
    return tab;
  }

  private forget(id: string): void {
    const tab = this.tabs.get(id);
    if (!tab) return;
    tab.stopChannel?.();
    this.tabs.delete(id);
    this.sendSources();
    this.sendInFront();
  }
}

// A tile's bytes move to the tab instead of being copied (MessagePort); each answer owns its buffer.
function transferables(value: unknown): Transferable[] {
  const data = (value as TileResult | undefined)?.ok ? (value as Extract<TileResult, { ok: true }>).response.data : null;
  return data instanceof ArrayBuffer ? [data] : [];
}

/** Opens a tab's MapLibre-worker channel as a BroadcastChannel (the worker's real adapter). */
export function broadcastChannel(name: string): ServerChannel {
  return new BroadcastChannel(name) as unknown as ServerChannel;
}
