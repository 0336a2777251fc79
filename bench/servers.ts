import { existsSync, statSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import { build, preview, type Plugin } from 'vite';
import { startTileServer, type TileServer } from '../tile-server/tile-server.ts';

// Which tile server a scenario talks to: `default` sends `public, max-age=3600` (the tile server's default);
// `no-cache` makes every browser-cache hit a revalidation, the case where only the engine's own cache helps.
export type TileOrigin = 'default' | 'no-cache';

export interface TileEndpoint {
  tiles: TileServer;
  // a copy of that tile server's style, served by the app's origin with a max-age (see styleCopy below)
  styleUrl: string;
}

// Which build a page is loaded from: the app under test, or the --baseline build (another `vite build` output).
export type AppBuild = 'app' | 'baseline';

// A second build served on its own port, exactly like the app (its own private copy and style copies).
export interface ServedBuild {
  url: string;
  // the directory it was copied from
  dir: string;
  // its index.html's mtime
  builtAt: string;
}

export interface BenchServers {
  appUrl: string;
  // `build` 'baseline': the style copy on the baseline's origin (only when a baseline is served)
  endpoint(origin: TileOrigin, build?: AppBuild): TileEndpoint;
  // when the served build was made (dist/index.html's mtime)
  appBuiltAt: string;
  // present only with StartOptions.baseline
  baseline?: ServedBuild;
  close(): Promise<void>;
}

export interface StartOptions {
  root: string;
  // Build the app even when dist/ exists (not with `app`).
  rebuild: boolean;
  origins: TileOrigin[];
  log: (line: string) => void;
  // A built app to serve instead of dist/ (never built here).
  app?: string;
  // Another build served side by side on its own port (`--baseline`).
  baseline?: string;
}

// The shell and the style are served cacheable (1 h) in both modes so that a warm reload and an offline revisit
// measure tiles, not whether index.html revalidates: with `no-cache` an offline revisit could not even start.
const SHELL_CACHE_CONTROL = 'public, max-age=3600';
const stylePath = (origin: TileOrigin) => `/__bench/style-${origin}.json`;

function styleCopy(tileServers: Map<TileOrigin, TileServer>): Plugin {
  return {
    name: 'kestrel-bench-style',
    configurePreviewServer(server) {
      for (const [origin, tiles] of tileServers) {
        server.middlewares.use(stylePath(origin), (_req, res) => {
          fetch(`${tiles.url}/style.json`)
            .then((r) => r.text())
            .then((body) => {
              res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': SHELL_CACHE_CONTROL });
              res.end(body);
            })
            .catch((error: Error) => {
              res.writeHead(502, { 'Content-Type': 'text/plain' });
              res.end(`style copy failed: ${error.message}`);
            });
        });
      }
    },
  };
}

function builtAt(dir: string, flag: string): string {
  const index = join(dir, 'index.html');
  if (!existsSync(index)) throw new Error(`${flag} ${dir} holds no index.html: give a \`vite build\` output directory`);
  return statSync(index).mtime.toISOString();
}

// Serves a private copy of `dir`: every run of one invocation then sees the same build, even if someone runs
// `vite build` (which empties dist/) meanwhile.
async function serveCopy(root: string, dir: string, tileServers: Map<TileOrigin, TileServer>) {
  const snapshot = await mkdtemp(join(tmpdir(), 'kestrel-bench-app-'));
  await cp(dir, snapshot, { recursive: true });
  const server = await preview({
    root,
    logLevel: 'silent',
    plugins: [styleCopy(tileServers)],
    build: { outDir: snapshot },
    preview: { host: '127.0.0.1', port: 0, strictPort: true, headers: { 'Cache-Control': SHELL_CACHE_CONTROL } },
  });
  const port = (server.httpServer.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      await server.close();
      await rm(snapshot, { recursive: true, force: true });
    },
  };
}

export async function startBenchServers({ root, rebuild, origins, log, app, baseline }: StartOptions): Promise<BenchServers> {
  const appDir = app ? resolve(app) : join(root, 'dist');
  if (!app && (rebuild || !existsSync(join(appDir, 'index.html')))) {
    log('building the app (vite build)…');
    await build({ root, logLevel: 'warn' });
  }
  const appBuiltAt = builtAt(appDir, app ? '--app' : 'dist/');
  const baselineDir = baseline ? resolve(baseline) : undefined;
  const baselineBuiltAt = baselineDir ? builtAt(baselineDir, '--baseline') : undefined;

  const tileServers = new Map<TileOrigin, TileServer>();
  for (const origin of new Set(origins)) {
    const cacheControl = origin === 'no-cache' ? 'no-cache' : undefined;
    tileServers.set(origin, await startTileServer({ port: 0, cacheControl, log: (line) => log(`tile server (${origin}): ${line}`) }));
  }
  const served = await serveCopy(root, appDir, tileServers);
  const servedBaseline = baselineDir ? await serveCopy(root, baselineDir, tileServers) : undefined;
  const appUrl = served.url;
  return {
    appUrl,
    endpoint(origin, build = 'app') {
      const tiles = tileServers.get(origin);
      if (!tiles) throw new Error(`no '${origin}' tile server was started`);
      if (build === 'baseline' && !servedBaseline) throw new Error('no baseline build is served (--baseline)');
      const url = build === 'baseline' ? servedBaseline!.url : appUrl;
      return { tiles, styleUrl: `${url}${stylePath(origin)}` };
    },
    appBuiltAt,
    ...(servedBaseline ? { baseline: { url: servedBaseline.url, dir: baselineDir!, builtAt: baselineBuiltAt! } } : {}),
    async close() {
      await Promise.all([served.close(), servedBaseline?.close()]);
      await Promise.all([...tileServers.values()].map((t) => t.close()));
    },
  };
}
