// The asking half of the bridge between MapLibre's workers and the engine worker (the answering half is
// tile-channel-server.ts). Kept free of MapLibre and of globals so tests can drive every race with fake timers and
// a fake channel; maplibre-bridge.ts only wires it into MapLibre's worker.
//
// Its promise: every tile MapLibre hands over ends exactly once — bytes, an error or an abort — whatever happens
// to the engine worker meanwhile. An acknowledged ask is not taken on trust: while asks are open the bridge asks
// the engine which of them it still holds, and re-sends those it has lost (a worker that was restarted, a message
// that never arrived). An engine that stops answering is treated as gone: its asks wait for the next engine, then
// fall back to a direct fetch.
import { parseBridgedTileUrl, pageTileChannel, type BridgeCounts, type TileChannelMessage } from '../contract/tile-channel.ts';
import type { TileRequest, TileResult } from '../contract/engine-api.ts';
import { CacheKey } from '../engine/cache-key.ts';
import { DeliveryAudit } from '../engine/delivery-audit.ts';
import { sha256Hex } from '../worker/sha256.ts';

/** The part of BroadcastChannel the bridge uses. */
export interface ChannelLike {
  postMessage(message: TileChannelMessage): void;
  onmessage: ((event: MessageEvent<TileChannelMessage>) => void) | null;
}

export interface TileBridgeOptions {
  openChannel?: (name: string) => ChannelLike;
  fetch?: (url: string, init: RequestInit & { signal: AbortSignal }) => Promise<Response>;
  // With no acknowledgement in this time the engine worker is gone (crashed, restarting): fetch directly instead.
  ackTimeoutMs?: number;
  // How long an ask waits for an engine to announce itself (at start-up, or after one stopped answering) before it
  // is fetched directly.
  readyTimeoutMs?: number;
  // How often the bridge asks the engine which open asks it still holds.
  checkEveryMs?: number;
  // An engine that does not answer that question in this time is taken for gone.
  checkTimeoutMs?: number;
  // Re-sends of one ask after the engine lost it, before the ask ends as an error (MapLibre then marks the tile
  // errored, and the page's errored-tile loop asks again later).
  maxResends?: number;
  // A direct fetch (no engine) still ends: a hung server must not leave the tile pending in MapLibre for ever.
  directTimeoutMs?: number;
  id?: string;
}

export type TileLoad = { data: ArrayBuffer };

type Shaped = Pick<TileRequest, 'headers' | 'credentials'>;

interface PageState {
  channel: ChannelLike;
  ready: boolean;
  // the engine instance that last said 'ready' on this page's channel
  engine: string | undefined;
  held: Ask[];
  checkTimer: ReturnType<typeof setTimeout> | undefined;
  checkDeadline: ReturnType<typeof setTimeout> | undefined;
}

interface Ask {
  id: string;
  url: string;
  // the app's headers and credentials for this tile (transformRequest): sent on, never kept beyond the ask
  shaped: Shaped;
  page: PageState;
  // the engine that acknowledged the last send; undefined while unacknowledged
  ackedBy: string | undefined;
  sends: number;
  timer: ReturnType<typeof setTimeout> | undefined;
  end: (outcome: AskOutcome) => void;
}

type AskOutcome = { kind: 'result'; result: TileResult; audit?: boolean } | { kind: 'direct' } | { kind: 'lost' };

const DEFAULTS = {
  ackTimeoutMs: 2000,
  readyTimeoutMs: 5000,
  checkEveryMs: 2000,
  checkTimeoutMs: 3000,
  maxResends: 3,
  directTimeoutMs: 10_000,
};

/** Hands MapLibre's tile asks to the page's engine worker and guarantees each one ends. */
export class TileBridge {
  private readonly options: typeof DEFAULTS;
  private readonly openChannel: (name: string) => ChannelLike;
  private readonly fetchDirect: (url: string, init: RequestInit & { signal: AbortSignal }) => Promise<Response>;
  private readonly me: string;
  private next = 0;
  private readonly pages = new Map<string, PageState>();
  private readonly open = new Map<string, Ask>();
  private readonly counts: BridgeCounts = { requests: 0, answered: 0, errored: 0, aborted: 0, direct: 0, resent: 0, open: 0 };
  // filled only while the engine audits (its answers say so); keyed by URL without credentials (default rules)
  private readonly audit = new DeliveryAudit(sha256Hex);
  private readonly urlKeys = new CacheKey();

  constructor(options: TileBridgeOptions = {}) {
    this.options = { ...DEFAULTS, ...definedOnly(options) };
    this.openChannel = options.openChannel ?? ((name) => new BroadcastChannel(name) as unknown as ChannelLike);
    this.fetchDirect = options.fetch ?? ((url, init) => fetch(url, init));
    this.me = options.id ?? Math.random().toString(36).slice(2, 8);
  }

  /** Every ask so far, by how it ended; `open` = requests − answered − errored − aborted. */
  census(): BridgeCounts {
    return { ...this.counts, open: this.open.size };
  }

  /** MapLibre's protocol handler: `bridged` is `<scheme>://<page id>/<upstream url>`; `shaped`: what the app's
   * `transformRequest` added (headers, credentials). */
  load(bridged: string, signal: AbortSignal, shaped: Shaped = {}): Promise<TileLoad> {
    const { pageId, url } = parseBridgedTileUrl(bridged);
    const page = this.page(pageId);
    const id = `${this.me}:${++this.next}`;
    this.counts.requests++;
    return new Promise<AskOutcome | 'aborted'>((resolve) => {
      const ask: Ask = { id, url, shaped, page, ackedBy: undefined, sends: 0, timer: undefined, end: () => undefined };
      ask.end = (outcome) => {
        if (!this.open.has(id)) return;
        this.open.delete(id);
        clearTimeout(ask.timer);
        resolve(outcome);
      };
      this.open.set(id, ask);
      if (signal.aborted) return this.abort(ask, resolve);
      signal.addEventListener('abort', () => this.abort(ask, resolve), { once: true });
      if (page.ready) this.send(ask);
      else this.hold(ask);
    }).then((outcome) => this.finish(outcome, url, signal, shaped));
  }

  private abort(ask: Ask, resolve: (value: 'aborted') => void): void {
    if (!this.open.has(ask.id)) return;
    this.open.delete(ask.id);
    clearTimeout(ask.timer);
    if (ask.sends > 0) ask.page.channel.postMessage({ type: 'cancel', id: ask.id });
    resolve('aborted');
  }

  private async finish(outcome: AskOutcome | 'aborted', url: string, signal: AbortSignal, shaped: Shaped): Promise<TileLoad> {
    if (outcome === 'aborted' || signal.aborted) {
      this.counts.aborted++;
      throw new DOMException('The tile left the view', 'AbortError');
    }
    try {
      const load = await this.settle(outcome, url, signal, shaped);
      this.counts.answered++;
      return load;
    } catch (error) {
      if (signal.aborted) this.counts.aborted++;
      else this.counts.errored++;
      throw error;
    }
  }

  private async settle(outcome: AskOutcome, url: string, signal: AbortSignal, shaped: Shaped): Promise<TileLoad> {
    if (outcome.kind === 'lost') throw new Error('Tile failed (lost): the engine lost this request repeatedly');
    if (outcome.kind === 'direct') {
      this.counts.direct++;
      return this.direct(url, signal, shaped);
    }
    const { result } = outcome;
    if (!result.ok) throw new Error(`Tile failed (${result.failure.reason}): ${result.failure.message}`);
    // What MapLibre is about to get, hashed here (an independent witness of the engine's own audit): the answer of
    // another ask, or bytes changed in transit, would show as a second hash for the URL.
    if (outcome.audit) this.audit.record(this.urlKeys.normaliseUrl(url), result.response);
    return { data: result.response.data ?? new ArrayBuffer(0) };
  }

  private async direct(url: string, signal: AbortSignal, shaped: Shaped): Promise<TileLoad> {
    const response = await this.fetchDirect(url, { ...shaped, signal: AbortSignal.any([signal, AbortSignal.timeout(this.options.directTimeoutMs)]) });
    if (response.status === 204 || response.status === 404) return { data: new ArrayBuffer(0) };
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return { data: await response.arrayBuffer() };
  }

  private page(pageId: string): PageState {
    const known = this.pages.get(pageId);
    if (known) return known;
    const page: PageState = { channel: this.openChannel(pageTileChannel(pageId)), ready: false, engine: undefined, held: [], checkTimer: undefined, checkDeadline: undefined };
    page.channel.onmessage = (event) => this.onMessage(page, event.data);
    page.channel.postMessage({ type: 'hello' });
    this.pages.set(pageId, page);
    return page;
  }

  private onMessage(page: PageState, message: TileChannelMessage): void {
    switch (message.type) {
      case 'ready':
        return this.onReady(page, message.engine);
      case 'ack': {
        const ask = this.open.get(message.id);
        if (!ask || ask.page !== page) return;
        clearTimeout(ask.timer);
        ask.timer = undefined;
        ask.ackedBy = message.engine ?? page.engine ?? '';
        this.scheduleCheck(page);
        return;
      }
      case 'result':
        this.open.get(message.id)?.end({ kind: 'result', result: message.result, audit: message.audit });
        return;
      case 'held':
        if (message.asker === this.me) this.onHeld(page, message.asked, message.ids);
        return;
      case 'census':
        if (!message.deliveries) return page.channel.postMessage({ type: 'census-report', asker: this.me, counts: this.census() });
        void this.audit.report().then(({ tiles }) => page.channel.postMessage({ type: 'census-report', asker: this.me, counts: this.census(), deliveries: tiles }));
        return;
      default:
        return;
    }
  }

  // An engine announced itself: held asks go to it, and asks another engine acknowledged (one that was restarted
  // since) are asked again: the new engine has never heard of them.
  private onReady(page: PageState, engine: string | undefined): void {
    page.ready = true;
    page.engine = engine;
    for (const ask of page.held.splice(0)) if (this.open.has(ask.id)) this.send(ask);
    for (const ask of this.open.values()) {
      if (ask.page === page && ask.ackedBy !== undefined && engine !== undefined && ask.ackedBy !== engine) this.resend(ask);
    }
  }

  private send(ask: Ask): void {
    ask.sends++;
    ask.ackedBy = undefined;
    clearTimeout(ask.timer);
    ask.timer = setTimeout(() => ask.end({ kind: 'direct' }), this.options.ackTimeoutMs);
    ask.page.channel.postMessage({ type: 'request', id: ask.id, req: { id: ask.id, url: ask.url, kind: 'vector', purpose: 'visible', ...ask.shaped } });
  }

  private resend(ask: Ask): void {
    if (ask.sends > this.options.maxResends) return ask.end({ kind: 'lost' });
    this.counts.resent++;
    this.send(ask);
  }

  private hold(ask: Ask, waitMs = this.options.readyTimeoutMs): void {
    ask.ackedBy = undefined;
    clearTimeout(ask.timer);
    ask.timer = setTimeout(() => ask.end({ kind: 'direct' }), waitMs);
    ask.page.held.push(ask);
  }

  private acked(page: PageState): Ask[] {
    return [...this.open.values()].filter((ask) => ask.page === page && ask.ackedBy !== undefined);
  }

  private scheduleCheck(page: PageState): void {
    if (page.checkTimer !== undefined || page.checkDeadline !== undefined) return;
    page.checkTimer = setTimeout(() => {
      page.checkTimer = undefined;
      const asked = this.acked(page).map((ask) => ask.id);
      if (asked.length === 0) return;
      page.channel.postMessage({ type: 'status', asker: this.me, ids: asked });
      page.checkDeadline = setTimeout(() => this.onSilent(page), this.options.checkTimeoutMs);
    }, this.options.checkEveryMs);
  }

  // The engine answered which asks it holds. The channel keeps each sender's order, so an ask answered before the
  // engine read the question has had its result delivered by now: any asked id still open and not held is lost.
  private onHeld(page: PageState, asked: string[], held: string[]): void {
    clearTimeout(page.checkDeadline);
    page.checkDeadline = undefined;
    const holds = new Set(held);
    for (const id of asked) {
      const ask = this.open.get(id);
      if (ask && ask.page === page && ask.ackedBy !== undefined && !holds.has(id)) this.resend(ask);
    }
    if (this.acked(page).length > 0) this.scheduleCheck(page);
  }

  // No answer about held asks: the engine is gone (killed, or its worker hung). Its asks wait as long as an ask
  // waits for an acknowledgement for the next engine, then are fetched directly: all told an ask ends within
  // check + check timeout + ack timeout (7 s by default), inside the engine's 10 s attempt timeout.
  private onSilent(page: PageState): void {
    page.checkDeadline = undefined;
    page.ready = false;
    for (const ask of this.acked(page)) this.hold(ask, this.options.ackTimeoutMs);
    page.channel.postMessage({ type: 'hello' });
  }
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
