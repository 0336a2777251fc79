import type { BridgeCensus } from '../../packages/kestrel/src/maplibre/bridge-census.ts';
import type { Browser, BrowserContext, CDPSession, Page } from '@playwright/test';
import type { EngineStats } from '../../packages/kestrel/src/contract/engine-api.ts';
import { seededRandom } from '../../packages/kestrel/test/seeded-random.ts';
import { auditedCoord } from './audited-coord.ts';
import { PLACES, nextStep, type ChaosPlan, type JourneyStep, type Phase } from './chaos-plan.ts';
import type { ChaosWorld } from './chaos-world.ts';
import { dumpIndexedDb, harvest, installProbes, type IdbDump, type PageHarvest } from './page-probes.ts';

// Short attempt timeouts and breaker cool-down keep hangs and outages inside a phase of a few seconds; the
// behaviour is the same as with the defaults, only faster. `audit` makes the engine hash what it hands out.
// A small IndexedDB budget, so eviction runs throughout and the "≤ budget" check means something.
export const CHAOS_ENGINE_OPTIONS = { audit: true, retry: { attemptTimeoutMs: 2000, deadlineMs: 10_000 }, breaker: { coolDownMs: 3000 }, idbCacheBytes: 2 * 1024 * 1024 };
export const CHAOS_MAX_IN_FLIGHT = 6;
// A storage quota far below what a few minutes of browsing stores (the app shell's precache alone is ~4 MiB).
export const TINY_QUOTA_BYTES = 16 * 1024;
// After the faults of a phase stop, every visible tile must be on screen within this.
export const RECOVERY_BOUND_MS = 30_000;
const VIEWPORT = { width: 800, height: 600 };

export interface PhaseResult {
  kind: Phase['kind'];
  startedAt: number;
  endedAt: number;
  faults?: Record<string, unknown>;
  // repeats: requests beyond the first for the same tile (retries, re-asks, and two tabs fetching the same tile)
  server: { requests: number; maxInFlight: number; faultsInjected: Record<string, number>; tiles: number; repeats: number };
  // server-side in-flight bound for this phase: the engine's limit × engines running; null when the phase lets
  // tiles bypass the engine (the worker is dead and MapLibre fetches directly)
  inFlightLimit: number | null;
  expectNotice?: Phase['expectNotice'];
  recoveryMs: number | null;
  notes: string[];
}

export interface StatsSample {
  t: number;
  engineLife: string;
  memory: { bytes: number; budget: number };
  idb: { bytes: number; budget: number; status: string; quotaErrors: number };
  inFlight: { now: number; configuredMax: number };
  retries: number;
  requests: number;
  quota?: number;
}

export interface FinalState {
  // tile asks still open at the end (source:z/x/y:id), with the phase they began in
  openTiles: { key: string; phase: string; ageMs: number; state: string }[];
  recoveryMs: number | null;
  idle: boolean;
  pending: number;
  queue: number;
  inFlight: number;
  serverInFlight: number;
  inView: { loaded: number; errored: number; loading: number; total: number } | null;
  // the main page's bridges' own counts (packages/kestrel/src/maplibre/tile-bridge.ts), independent of MapLibre's events and the engine
  bridge: BridgeCensus | null;
  // the main page's engine worker deaths and restarts (window.kestrel.engineEvents())
  engineEvents: { at: number; state: string; detail: string; phase: string }[];
}

export interface ChaosRunData {
  plan: ChaosPlan;
  startedAt: number;
  durationMs: number;
  phases: PhaseResult[];
  harvests: (PageHarvest & { pageLoad: string; engineLife: string })[];
  // `where`: the first frame of the stack (an error in a worker is reported on its page), `at`: Date.now()
  pageErrors: { page: string; message: string; where: string; at: number }[];
  samples: StatsSample[];
  browserFaults: Record<string, number>;
  final: FinalState;
  idb: IdbDump;
  idbUnavailable: { status: string | null; notice: string | null; inView: FinalState['inView']; recoveryMs: number | null };
  hashes: Record<string, { status: number; sha256: string | null }>;
}

interface Tab {
  page: Page;
  name: string;
  pageLoad: number;
  engineLife: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class ChaosRun {
  private readonly random: () => number;
  private context!: BrowserContext;
  private main!: Tab;
  private cdp!: CDPSession;
  private quota?: number;
  private readonly data: Omit<ChaosRunData, 'final' | 'idb' | 'idbUnavailable' | 'hashes' | 'durationMs'>;
  private pageLoads = 0;

  constructor(
    private readonly world: ChaosWorld,
    private readonly browser: Browser,
    private readonly plan: ChaosPlan,
    private readonly log: (line: string) => void = () => {},
  ) {
    this.random = seededRandom(plan.seed * 7919 + 1);
    this.data = { plan, startedAt: Date.now(), phases: [], harvests: [], pageErrors: [], samples: [], browserFaults: {} };
  }

  async run(): Promise<ChaosRunData> {
    this.context = await this.browser.newContext({ viewport: VIEWPORT });
    await this.context.addInitScript(installProbes);
    try {
      this.main = await this.openTab(this.context, 'main', this.startHash());
      this.cdp = await this.context.newCDPSession(this.main.page);
      await this.journey(this.main, 3000);
      for (const phase of this.plan.phases) await this.runPhase(phase);
      const final = await this.finish();
      await this.collect(this.main, 'end');
      const idb = await dumpIndexedDb(this.main.page);
      const idbUnavailable = await this.idbUnavailableRun();
      const hashes = await this.serverHashes(idb, Object.keys(final.bridge?.deliveries ?? {}));
      return { ...this.data, durationMs: Date.now() - this.data.startedAt, final, idb, idbUnavailable, hashes };
    } finally {
      await this.context.close().catch(() => undefined);
    }
  }

  private url(hash: string): string {
    const params = new URLSearchParams({
      style: `${this.world.tileUrl}/style.json`,
      maxInFlight: String(CHAOS_MAX_IN_FLIGHT),
      engineOptions: JSON.stringify(CHAOS_ENGINE_OPTIONS),
    });
    return `${this.world.app.url}/?${params}#${hash}`;
  }

  private startHash(): string {
    const [lng, lat] = PLACES[Math.floor(this.random() * PLACES.length)];
    return `4/${lat}/${lng}`;
  }

  private async openTab(context: BrowserContext, name: string, hash: string): Promise<Tab> {
    const page = await context.newPage();
    page.on('pageerror', (error) => this.data.pageErrors.push({ page: name, message: error.message, where: firstFrame(error), at: Date.now() }));
    const tab: Tab = { page, name, pageLoad: ++this.pageLoads, engineLife: 1 };
    await page.goto(this.url(hash));
    await this.whenReady(page);
    return tab;
  }

  private async whenReady(page: Page): Promise<void> {
    await page.waitForFunction(() => window.kestrel !== undefined, undefined, { timeout: 20_000 });
    // Which tile asks are open, and since when: names what a "pending" figure at the end is made of.
    await page.evaluate(() => {
      // Tile uid → what MapLibre asked for (source:z/x/y:tileID), when, and the Tile itself: at the end its state
      // says how the ask really ended. Keyed by uid, not tileID: MapLibre re-keys tiles in view when the camera
      // crosses the antimeridian by a world (handleWrapJump), and an ask keyed by tileID then never closed.
      const open = new Map<string, { asked: string; since: number; tile: unknown }>();
      (window as unknown as { __chaosOpenTiles: typeof open }).__chaosOpenTiles = open;
      type EventTile = { uid: number; tileID: { key: string; canonical: { z: number; x: number; y: number } } };
      const key = (e: unknown) => {
        const event = e as { sourceId?: string; tile?: EventTile };
        return event.tile ? `${event.sourceId}:${event.tile.uid}` : undefined;
      };
      const asked = (e: unknown) => {
        const { sourceId, tile } = e as { sourceId?: string; tile: EventTile };
        const { z, x, y } = tile.tileID.canonical;
        return `${sourceId}:${z}/${x}/${y}:${tile.tileID.key}`;
      };
      const map = window.kestrel.map;
      map.on('dataloading', (e) => {
        const k = key(e);
        if (k && !open.has(k)) open.set(k, { asked: asked(e), since: Date.now(), tile: (e as { tile?: unknown }).tile });
      });
      for (const type of ['data', 'dataabort', 'error'] as const) {
        map.on(type as 'data', (e) => {
          const k = key(e);
          if (k) open.delete(k);
          // a removed source's tiles end without events reaching the map (see TileTimeline.onSourceGone)
          const sourceId = (e as { sourceId?: string }).sourceId;
          if (!k && sourceId !== undefined && !map.getSource(sourceId)) {
            for (const [openKey, entry] of open) if (entry.asked.startsWith(`${sourceId}:`)) open.delete(openKey);
          }
        });
      }
    });
    await page.evaluate(() => Promise.race([window.kestrel.ready, new Promise((r) => setTimeout(r, 15_000))]));
  }

  // Takes what the page's current engine and page load know, before they end.
  private async collect(tab: Tab, why: string): Promise<void> {
    const h = await harvest(tab.page, `${tab.name}:${why}`);
    this.data.harvests.push({ ...h, pageLoad: `${tab.name}#${tab.pageLoad}`, engineLife: `${tab.name}#${tab.pageLoad}.${tab.engineLife}` });
  }

  private async runPhase(phase: Phase): Promise<void> {
    const startedAt = Date.now();
    this.world.takeStats();
    const result: PhaseResult = {
      kind: phase.kind,
      startedAt,
      endedAt: startedAt,
      server: { requests: 0, maxInFlight: 0, faultsInjected: {}, tiles: 0, repeats: 0 },
      inFlightLimit: CHAOS_MAX_IN_FLIGHT,
      recoveryMs: null,
      notes: [],
    };
    if (phase.faults) result.faults = phase.faults;
    if (phase.expectNotice) result.expectNotice = phase.expectNotice;
    const serverPart = (stats: ReturnType<ChaosWorld['takeStats']>) => {
      if (!stats) return;
      result.server.requests += stats.requests;
      result.server.maxInFlight = Math.max(result.server.maxInFlight, stats.maxInFlight);
      const counts = Object.values(stats.byTile);
      result.server.tiles += counts.length;
      result.server.repeats += counts.reduce((n, c) => n + c - 1, 0);
      for (const [k, n] of Object.entries(stats.faultsInjected)) result.server.faultsInjected[k] = (result.server.faultsInjected[k] ?? 0) + n;
    };
    const browserFault = (name: string) => (this.data.browserFaults[name] = (this.data.browserFaults[name] ?? 0) + 1);
    const page = this.main.page;
    const origin = this.world.app.url;
    let second: Tab | undefined;
    let revived = false;

    switch (phase.kind) {
      case 'server-restart':
        serverPart(await this.world.kill());
        browserFault('server killed');
        break;
      case 'refused-port':
        await page.evaluate((port) => {
          const map = window.kestrel.map;
          map.addSource('chaos-refused', { type: 'vector', tiles: [`http://127.0.0.1:${port}/tiles/{z}/{x}/{y}.pbf`], maxzoom: 14 });
          map.addLayer({ id: 'chaos-refused', type: 'line', source: 'chaos-refused', 'source-layer': 'boundaries', paint: { 'line-color': '#f0f' } });
        }, this.world.refusedPort);
        browserFault('refused port');
        break;
      case 'offline':
        await this.context.setOffline(true);
        browserFault('offline');
        break;
      case 'tiny-quota':
        {
          // Far below what the origin already uses, so the very next writes are over it: a quota near the current
          // usage lets writes through (Chromium's usage accounting lags), and the phase could end with nothing
          // refused, testing nothing.
          const usage = await page.evaluate(async () => (await navigator.storage.estimate()).usage ?? 0);
          const quota = TINY_QUOTA_BYTES;
          await this.cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: quota });
          this.quota = quota;
          result.notes.push(`quota ${Math.round(quota / 1024)} KiB with ${Math.round(usage / 1024)} KiB in use`);
        }
        // Chromium enforces an override reliably only on connections opened after it (e2e/cache.spec.ts sets it
        // before the page loads): without this reload it let writes through in 2 of 3 seeds, testing nothing.
        await this.reload(this.main);
        await this.sample(this.main);
        // Somewhere not yet cached, twice, so the phase writes and the browser has something to refuse.
        for (let i = 0; i < 2; i++) {
          await page.evaluate((center) => void window.kestrel.map.jumpTo({ center, zoom: 6 }), [-150 + this.random() * 300, -40 + this.random() * 80] as [number, number]);
          await page.evaluate(() => Promise.race([window.kestrel.idle(), new Promise((r) => setTimeout(r, 3000))]));
        }
        browserFault('tiny quota');
        break;
      case 'clear-site-data':
        await this.cdp.send('Storage.clearDataForOrigin', { origin, storageTypes: 'all' });
        browserFault('site data cleared');
        break;
      case 'db-delete':
        result.notes.push(`deleteDatabase from another tab: ${await this.fromAnotherTab('delete')}`);
        browserFault('database deleted by another tab');
        break;
      case 'db-upgrade':
        result.notes.push(`upgrade from another tab: ${await this.fromAnotherTab('upgrade')}`);
        browserFault('database upgraded by another tab');
        break;
      case 'terminate-engine':
        await this.collect(this.main, 'before terminate');
        {
          // Killed mid-flight, not at rest: a jump to unseen tiles, then the kill once the engine has asks out. The
          // server answers slowly meanwhile: at its usual few milliseconds a view's tiles could come and go between
          // two reads of stats() (a fresh-clone CI run read 0 in flight at three places), and the kill would find
          // nothing on the wire to lose.
          this.world.setFaults({ latencyMs: { base: 400, jitter: 100 } });
          const inFlight = await page.evaluate(async (centers) => {
            const k = window.kestrel;
            let now = 0;
            // up to three places (one may be cached already, its tiles answered before any is in flight)
            for (const center of centers) {
              k.map.jumpTo({ center, zoom: 6 });
              for (let i = 0; i < 40 && now === 0; i++) {
                now = (await k.stats())?.inFlight.now ?? 0;
                if (now === 0) await new Promise((r) => setTimeout(r, 25));
              }
              if (now > 0) break;
            }
            k.terminateEngine();
            return now;
          }, [0, 1, 2].map(() => [-170 + this.random() * 340, -55 + this.random() * 110] as [number, number]));
          this.world.setFaults({});
          result.notes.push(`terminated with ${inFlight} tile request(s) in flight`);
        }
        this.main.engineLife++;
        result.inFlightLimit = null;
        browserFault('engine worker terminated');
        break;
      case 'duplicate-tab':
        second = await this.openTab(this.context, `tab${this.pageLoads + 1}`, currentHash(page.url()));
        result.inFlightLimit = CHAOS_MAX_IN_FLIGHT * 2;
        browserFault('duplicated tab');
        break;
      default:
        this.world.setFaults(phase.faults ?? {});
    }
    // Offline or with the server gone, send the camera somewhere new, so tiles must be fetched (and fail) rather
    // than come from the cache: the page then has something to say.
    if (phase.kind === 'offline' || phase.kind === 'server-restart') {
      const place: [number, number] = [Math.round(-170 + this.random() * 340), Math.round(-55 + this.random() * 120)];
      await this.step(this.main, { kind: 'jump', place, zoom: 7 });
    }

    const end = startedAt + phase.durationMs;
    // Not while offline (the app shell would not load), nor where the phase's set-up lives in the page.
    const allowReload = !['offline', 'server-restart', 'terminate-engine', 'db-upgrade', 'refused-port'].includes(phase.kind);
    while (Date.now() < end) {
      if (phase.kind === 'server-restart' && !revived && Date.now() > startedAt + phase.durationMs * 0.6) {
        await this.world.revive();
        revived = true;
      }
      const tab = second && this.random() < 0.5 ? second : this.main;
      const { step, pauseMs } = nextStep(this.random, allowReload);
      await this.step(tab, step);
      await this.sample(tab);
      await sleep(Math.min(pauseMs, Math.max(0, end - Date.now())));
    }

    // The faults stop.
    serverPart(this.world.takeStats());
    await this.world.revive();
    this.world.setFaults({});
    await this.context.setOffline(false);
    if (phase.kind === 'refused-port') {
      // Removing a source drops its loading tiles without an abort event, which MapLibre's timeline would count
      // as pending forever: let the refused tiles settle (fail) first; ones that never do are the finding.
      const settled = await page
        .waitForFunction(() => window.kestrel.map.isSourceLoaded('chaos-refused'), undefined, { timeout: 15_000, polling: 200 })
        .then(() => true, () => false);
      if (!settled) result.notes.push('tiles of the refused host still loading after 15 s');
      await page.evaluate(() => {
        const map = window.kestrel.map;
        if (map.getLayer('chaos-refused')) map.removeLayer('chaos-refused');
        if (map.getSource('chaos-refused')) map.removeSource('chaos-refused');
      });
    }
    if (phase.kind === 'tiny-quota') {
      const stats = await this.stats(this.main);
      if (stats) result.notes.push(`idb ${stats.cache.idb.status}: ${stats.cache.idb.bytes} bytes in the store at the end (quota ${TINY_QUOTA_BYTES}), ${stats.cache.idb.quotaErrors} quota errors`);
      await this.cdp.send('Storage.overrideQuotaForOrigin', { origin });
      this.quota = undefined;
    }
    if (second) {
      await this.collect(second, 'closed');
      await second.page.close();
    }
    if (phase.kind === 'db-upgrade') {
      // This version of the app cannot open the newer database: it stays memory-only (that is the check). Put the
      // profile back as it was for the phases that follow: delete the newer database and reload.
      result.notes.push(`cleanup: ${await this.fromAnotherTab('delete')}`);
      await this.reload(this.main);
    }
    result.endedAt = Date.now();
    result.recoveryMs = await this.recover(this.main.page);
    this.data.phases.push(result);
    this.log(
      `  ${phase.kind.padEnd(17)} ${String(result.server.requests).padStart(5)} req, max in flight ${result.server.maxInFlight}, recovered in ${result.recoveryMs === null ? 'NEVER' : `${result.recoveryMs} ms`}${result.notes.length ? ` (${result.notes.join('; ')})` : ''}`,
    );
  }

  private async step(tab: Tab, step: JourneyStep): Promise<void> {
    const page = tab.page;
    try {
      switch (step.kind) {
        case 'pan':
          await page.evaluate(([dx, dy]) => void window.kestrel.map.panBy([dx, dy], { duration: 400 }), [step.dx, step.dy]);
          return;
        case 'zoom':
          await page.evaluate((delta) => {
            const map = window.kestrel.map;
            map.zoomTo(Math.min(8, Math.max(2, Math.round(map.getZoom()) + delta)), { duration: 400 });
          }, step.delta);
          return;
        case 'fly':
          await page.evaluate(([center, zoom]) => void window.kestrel.map.flyTo({ center: center as [number, number], zoom: zoom as number, duration: 1200 }), [step.place, step.zoom] as const);
          return;
        case 'jump':
          await page.evaluate(([center, zoom]) => void window.kestrel.map.jumpTo({ center: center as [number, number], zoom: zoom as number }), [step.place, step.zoom] as const);
          return;
        case 'reload':
          await this.reload(tab);
          return;
      }
    } catch (error) {
      // a page between two documents (reload) cannot evaluate; the journey goes on
      if (!/context was destroyed|Target closed|navigat/i.test(String(error))) throw error;
    }
  }

  private async reload(tab: Tab): Promise<void> {
    await this.collect(tab, 'before reload');
    await tab.page.reload();
    tab.pageLoad = ++this.pageLoads;
    tab.engineLife = 1;
    await this.whenReady(tab.page);
  }

  private async stats(tab: Tab): Promise<EngineStats | null> {
    try {
      return await tab.page.evaluate(() => window.kestrel.stats());
    } catch {
      return null;
    }
  }

  private async sample(tab: Tab): Promise<void> {
    const s = await this.stats(tab);
    if (!s) return;
    const sample: StatsSample = {
      t: Date.now(),
      engineLife: `${tab.name}#${tab.pageLoad}.${tab.engineLife}`,
      memory: { bytes: s.cache.memory.bytes, budget: s.cache.memory.budget },
      idb: { bytes: s.cache.idb.bytes, budget: s.cache.idb.budget, status: s.cache.idb.status, quotaErrors: s.cache.idb.quotaErrors },
      inFlight: { now: s.inFlight.now, configuredMax: s.inFlight.configuredMax },
      retries: s.retries.total,
      requests: s.requests.total,
    };
    if (this.quota !== undefined) sample.quota = this.quota;
    this.data.samples.push(sample);
  }

  private async journey(tab: Tab, ms: number): Promise<void> {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      const { step, pauseMs } = nextStep(this.random, false);
      await this.step(tab, step);
      await this.sample(tab);
      await sleep(pauseMs);
    }
  }

  // Time from the faults stopping until every tile of the view is on screen; null past the bound.
  private async recover(page: Page): Promise<number | null> {
    const started = Date.now();
    while (Date.now() - started < RECOVERY_BOUND_MS) {
      const inView = await page.evaluate(() => window.kestrel.tiles().inView).catch(() => null);
      if (inView && inView.total > 0 && inView.errored === 0 && inView.loading === 0) return Date.now() - started;
      await sleep(150);
    }
    return null;
  }

  // Another tab of the same origin deletes the database or opens it with a higher version.
  private async fromAnotherTab(action: 'delete' | 'upgrade'): Promise<string> {
    const other = await this.context.newPage();
    other.on('pageerror', (error) => this.data.pageErrors.push({ page: 'other tab', message: error.message, where: firstFrame(error), at: Date.now() }));
    try {
      await other.goto(`${this.world.app.url}/__blank`);
      return await other.evaluate(async (what) => {
        const settle = (request: IDBOpenDBRequest | IDBRequest, blocked: string[]) =>
          new Promise<string>((resolve) => {
            const timer = setTimeout(() => resolve(`still waiting after 5 s${blocked.length ? ' (blocked)' : ''}`), 5000);
            request.onsuccess = () => {
              clearTimeout(timer);
              const result = request.result as IDBDatabase | undefined;
              const version = result && 'version' in result ? result.version : undefined;
              result?.close?.();
              resolve(`done${version ? ` (version ${version})` : ''}${blocked.length ? ' after blocked' : ''}`);
            };
            request.onerror = () => {
              clearTimeout(timer);
              resolve(`failed: ${request.error?.name}`);
            };
            if ('onblocked' in request) (request as IDBOpenDBRequest).onblocked = () => void blocked.push('blocked');
          });
        if (what === 'delete') return settle(indexedDB.deleteDatabase('kestrel'), []);
        const current = (await indexedDB.databases()).find((d) => d.name === 'kestrel')?.version ?? 0;
        const request = indexedDB.open('kestrel', current + 1);
        request.onupgradeneeded = () => void request.result.createObjectStore(`chaos-v${current + 1}`);
        return settle(request, []);
      }, action);
    } finally {
      await other.close();
    }
  }

  private async finish(): Promise<FinalState> {
    this.world.setFaults({});
    const page = this.main.page;
    // One last jump to tiles not seen yet, so the bridges' own counts and audit have asks to report even when the
    // last page load's first tiles took the main-thread hop (the bridge module loads a moment after MapLibre's
    // workers start, and a small view can be whole before it does).
    await page
      .evaluate((center) => void window.kestrel.map.jumpTo({ center, zoom: 5 }), [-150 + this.random() * 300, -50 + this.random() * 100] as [number, number])
      .catch(() => undefined);
    const recoveryMs = await this.recover(page);
    const idle = await page
      .evaluate(() => Promise.race([window.kestrel.idle().then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 20_000))]))
      .catch(() => false);
    // Prefetch and background revalidations may still run for a moment after the map is idle.
    let stats: EngineStats | null = null;
    for (let i = 0; i < 50; i++) {
      stats = await this.stats(this.main);
      const pending = await page.evaluate(() => window.kestrel.tiles().pending).catch(() => -1);
      const bridgeOpen = await page.evaluate(async () => (await window.kestrel.bridge())?.open ?? 0).catch(() => -1);
      if (stats && stats.queue.now === 0 && stats.inFlight.now === 0 && pending === 0 && bridgeOpen === 0) break;
      await sleep(200);
    }
    const tiles = await page.evaluate(() => window.kestrel.tiles()).catch(() => null);
    const bridge = await page.evaluate(() => window.kestrel.bridge({ deliveries: true })).catch(() => null);
    const engineEvents = await page.evaluate(() => window.kestrel.engineEvents()).catch(() => []);
    const phaseAt = (at: number) => this.data.phases.find((p) => at >= p.startedAt && at <= p.endedAt + (p.recoveryMs ?? 0))?.kind ?? 'between phases';
    const openTiles = await page
      .evaluate(() => {
        type T = { state?: string; aborted?: boolean; uid?: number; tileID?: { key: string } };
        const open = (window as unknown as { __chaosOpenTiles: Map<string, { asked: string; since: number; tile: T }> }).__chaosOpenTiles;
        const managers = Object.values(window.kestrel.map.style?.tileManagers ?? {}) as unknown as {
          _inViewTiles?: { getAllTiles(): T[] };
          _outOfViewCache?: { data: Record<string, { value: T }[]> };
        }[];
        const where = (tile: T) => {
          for (const m of managers) {
            if (m._inViewTiles?.getAllTiles().includes(tile)) return 'in view';
            if (Object.values(m._outOfViewCache?.data ?? {}).some((list) => list.some((entry) => entry.value === tile))) return 'out-of-view cache';
          }
          return 'gone';
        };
        return [...open].map(([, { asked: key, since, tile }]) => ({ key, since, state: `${tile.state}${tile.aborted ? ', aborted' : ''}; now keyed ${tile.tileID?.key}; ${where(tile)}` }));
      })
      .catch(() => []);
    return {
      openTiles: openTiles.map(({ key, since, state }) => ({ key, phase: phaseAt(since), ageMs: Date.now() - since, state })),
      recoveryMs,
      idle,
      pending: tiles?.pending ?? -1,
      queue: stats?.queue.now ?? -1,
      inFlight: stats?.inFlight.now ?? -1,
      serverInFlight: this.world.tiles.stats().inFlight,
      inView: tiles?.inView ?? null,
      bridge,
      engineEvents: engineEvents.map((e) => ({ ...e, phase: phaseAt(e.at) })),
    };
  }

  // A second context where IndexedDB cannot be opened at all (as in a private window that refuses storage):
  // the map must work memory-only, say so, and still deliver only correct tiles.
  private async idbUnavailableRun(): Promise<ChaosRunData['idbUnavailable']> {
    const context = await this.browser.newContext({ viewport: VIEWPORT });
    await context.addInitScript(installProbes);
    await context.addInitScript(() => {
      indexedDB.open = () => {
        throw new DOMException('The user denied permission to access the database.', 'SecurityError');
      };
    });
    try {
      const tab = await this.openTab(context, 'no-idb', this.startHash());
      this.world.takeStats();
      this.world.setFaults({ seed: this.plan.seed, ...{ status: { '503': 0.1 }, htmlRate: 0.1, garbageRate: 0.1, truncateRate: 0.1 } });
      await this.journey(tab, this.plan.idbUnavailableMs);
      this.world.setFaults({});
      const recoveryMs = await this.recover(tab.page);
      const stats = await this.stats(tab);
      const notice = await tab.page.getByTestId('notice-idb').textContent({ timeout: 5000 }).catch(() => null);
      // The view as it settles, within the 30 s every recovery gets: one look could land while MapLibre asks for a
      // tile or two more (seen in CI: 2 of 10 loading a moment after the recovery had found the view whole).
      let inView = await tab.page.evaluate(() => window.kestrel.tiles().inView).catch(() => null);
      for (const until = Date.now() + 30_000; inView && (inView.loading > 0 || inView.errored > 0) && Date.now() < until; ) {
        await tab.page.waitForTimeout(250);
        inView = await tab.page.evaluate(() => window.kestrel.tiles().inView).catch(() => null);
      }
      await this.collect(tab, 'end');
      return { status: stats?.cache.idb.status ?? null, notice, inView, recoveryMs };
    } finally {
      await context.close();
    }
  }

  // The fault-free hash of every tile address the run saw delivered or cached.
  private async serverHashes(idb: IdbDump, bridgeUrls: string[]): Promise<ChaosRunData['hashes']> {
    const host = new URL(this.world.tileUrl).host;
    const keys = new Set<string>();
    for (const url of bridgeUrls) {
      const coord = auditedCoord(url, host);
      if (coord) keys.add(coord);
    }
    for (const h of this.data.harvests) {
      for (const key of Object.keys(h.audit?.engine?.tiles ?? {})) {
        const coord = auditedCoord(key, host);
        if (coord) keys.add(coord);
      }
    }
    for (const record of idb.tileBytes) {
      const coord = /\|(\d+\/\d+\/\d+)\|/.exec(record.key)?.[1];
      if (coord && record.key.includes(host)) keys.add(coord);
    }
    const hashes: ChaosRunData['hashes'] = {};
    const list = [...keys];
    for (let i = 0; i < list.length; i += 16) {
      await Promise.all(
        list.slice(i, i + 16).map(async (key) => {
          const [z, x, y] = key.split('/').map(Number);
          const { status, sha256 } = await this.world.tileHash(z, x, y);
          hashes[key] = { status, sha256 };
        }),
      );
    }
    return hashes;
  }
}

function currentHash(url: string): string {
  return new URL(url).hash.slice(1) || '4/40/0';
}

// Where an uncaught error came from: Playwright reports a worker's uncaught errors on its page, so the message alone
// does not say which thread or module threw it.
function firstFrame(error: Error): string {
  return error.stack?.split('\n').find((line) => line.trim().startsWith('at '))?.trim() ?? 'no stack';
}
