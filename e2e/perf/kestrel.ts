import type { TestInfo } from '@playwright/test';
import type { KestrelFixture, KestrelMap, OpenOptions as PackageOpenOptions } from 'kestrel-maps/playwright';
import type { DeepPartial, EngineOptions } from 'kestrel-maps';
import type { FaultDocument } from '../../tile-server/faults.ts';
import { startTileServer, type TileServerOptions, type TileServerStats } from '../../tile-server/tile-server.ts';
import { createTiler, type Tiler } from '../../tile-server/tiler.ts';

// This repository's layer over kestrel-maps/playwright's `kestrel` fixture: its tile server, and the viewer's URL
// contract (README, "URL contract") as options of `open`.

export type { Journey, JourneyName, KestrelMap, TileSummary } from 'kestrel-maps/playwright';
export type { FaultDocument, TileServerStats };

/** Options of {@link Kestrel.startTileServer}. */
export type StartTileServerOptions = Pick<TileServerOptions, 'cacheControl' | 'warm'> & {
  /** Faults from the first request on: the fault document of tile-server/README.md (latency, 5xx, hangs, …). */
  faults?: FaultDocument;
};

/** A tile server the fixture started in the test's process, on a free port of 127.0.0.1; closed at teardown. */
export interface KestrelTiles {
  /** Its origin, e.g. `http://127.0.0.1:41873`; its style is `${url}/style.json`. */
  url: string;
  /** Replaces the whole fault document (`{}` clears it); throws on an invalid one. Request numbering restarts,
   * so a seeded document replays the same decisions. */
  setFaults(doc: FaultDocument): Promise<void>;
  /** What `GET /__stats` answers: requests (by tile, by status), in flight now and at most, bytes sent, faults. */
  stats(): Promise<TileServerStats>;
  /** Zeroes the counters; `maxInFlight` restarts at the requests still open. */
  resetStats(): Promise<void>;
}

/** Options of {@link Kestrel.open}: the package's (`url`, `hash`, `params`, `viewport`, `idleTimeoutMs`) and the viewer's URL contract. */
export interface OpenOptions extends PackageOpenOptions {
  /** The tile server whose `/style.json` the map loads: a {@link KestrelTiles} or any `{ url }`. */
  tiles?: { url: string };
  /** Any other style URL (wins over `tiles`). With neither, the app's default: a tile server on :8787. */
  style?: string;
  /** `false`: `?engine=off`, MapLibre's own tile loading, the baseline to compare with. */
  engine?: boolean;
  /** `false`: `?prefetch=off`. */
  prefetch?: boolean;
  /** `true`: `?perf=1`, the overlay open. */
  perf?: boolean;
  /** `?engineOptions=`: any engine option (README, "Engine options"). */
  engineOptions?: DeepPartial<EngineOptions>;
}

/** The `kestrel` fixture of this repository: the package's, plus a tile server and the viewer's URL options. */
export interface Kestrel extends KestrelFixture {
  startTileServer(options?: StartTileServerOptions): Promise<KestrelTiles>;
  /** Opens the viewer at the project's `baseURL`; resolves once its style has loaded and the map is idle. */
  open(options?: OpenOptions): Promise<KestrelMap>;
}

// One tiler per test worker, shared by every tile server the fixture starts: loading and indexing the Natural
// Earth data takes seconds, and the tiles it cuts are the same for every server.
let sharedTiler: Tiler | undefined;

/** The viewer's URL parameters for `open`'s viewer options; `params` wins over them. */
export function viewerParams(o: OpenOptions): Record<string, string | undefined> {
  return {
    style: o.style ?? (o.tiles ? `${o.tiles.url}/style.json` : undefined),
    engine: o.engine === false ? 'off' : undefined,
    prefetch: o.prefetch === false ? 'off' : undefined,
    perf: o.perf ? '1' : undefined,
    engineOptions: o.engineOptions ? JSON.stringify(o.engineOptions) : undefined,
    ...o.params,
  };
}

/** Builds this repository's `kestrel` on the package's; `dispose` closes every page and tile server it started. */
export function extendKestrel(base: KestrelFixture, testInfo: TestInfo): { kestrel: Kestrel; dispose(): Promise<void> } {
  const maps: KestrelMap[] = [];
  const servers: { close(): Promise<void>; log: string[] }[] = [];

  const kestrel: Kestrel = {
    ...base,
    async startTileServer(options = {}) {
      const log: string[] = [];
      const server = await startTileServer({ ...options, port: 0, tiler: (sharedTiler ??= createTiler()), log: (line) => log.push(line) });
      servers.push({ close: () => server.close(), log });
      return {
        url: server.url,
        setFaults: async (doc) => void server.setFaults(doc),
        stats: async () => server.stats(),
        resetStats: async () => server.resetStats(),
      };
    },
    async open(options = {}) {
      const { tiles, style, engine, prefetch, perf, engineOptions, ...rest } = options;
      const map = await base.open({ ...rest, params: viewerParams(options) });
      maps.push(map);
      return map;
    },
  };

  async function dispose(): Promise<void> {
    // pages first (the package's fixture closes them again, harmlessly), so no page is still loading from a server
    await Promise.allSettled(maps.map((m) => m.close()));
    await Promise.allSettled(servers.map((s) => s.close()));
    const failed = testInfo.status !== testInfo.expectedStatus;
    for (const [i, { log }] of servers.entries()) {
      if (failed && log.length) await testInfo.attach(`tile-server-${i + 1}.log`, { body: log.join('\n'), contentType: 'text/plain' });
    }
  }

  return { kestrel, dispose };
}
