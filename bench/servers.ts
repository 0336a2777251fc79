import { existsSync, statSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

export interface BenchServers {
  appUrl: string;
  endpoint(origin: TileOrigin): TileEndpoint;
  // when the served build was made (dist/index.html's mtime)
  appBuiltAt: string;
  close(): Promise<void>;
}

export interface StartOptions {
  root: string;
  // Build the app even when dist/ exists.
  rebuild: boolean;
  origins: TileOrigin[];
  log: (line: string) => void;
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

export async function startBenchServers({ root, rebuild, origins, log }: StartOptions): Promise<BenchServers> {
  if (rebuild || !existsSync(join(root, 'dist', 'index.html'))) {
    log('building the app (vite build)…');
    await build({ root, logLevel: 'warn' });
  }
  // Served from a private copy: every run of one invocation then sees the same build, even if someone runs
  // `vite build` (which empties dist/) meanwhile.
  const appBuiltAt = statSync(join(root, 'dist', 'index.html')).mtime.toISOString();
  const snapshot = await mkdtemp(join(tmpdir(), 'kestrel-bench-app-'));
  await cp(join(root, 'dist'), snapshot, { recursive: true });

  const tileServers = new Map<TileOrigin, TileServer>();
  for (const origin of new Set(origins)) {
    const cacheControl = origin === 'no-cache' ? 'no-cache' : undefined;
    tileServers.set(origin, await startTileServer({ port: 0, cacheControl, log: (line) => log(`tile server (${origin}): ${line}`) }));
  }
  const app = await preview({
    root,
    logLevel: 'silent',
    plugins: [styleCopy(tileServers)],
    build: { outDir: snapshot },
    preview: { host: '127.0.0.1', port: 0, strictPort: true, headers: { 'Cache-Control': SHELL_CACHE_CONTROL } },
  });
  const port = (app.httpServer.address() as AddressInfo).port;
  const appUrl = `http://127.0.0.1:${port}`;
  return {
    appUrl,
    endpoint(origin) {
      const tiles = tileServers.get(origin);
      if (!tiles) throw new Error(`no '${origin}' tile server was started`);
      return { tiles, styleUrl: `${appUrl}${stylePath(origin)}` };
    },
    appBuiltAt,
    async close() {
      await app.close();
      await Promise.all([...tileServers.values()].map((t) => t.close()));
      await rm(snapshot, { recursive: true, force: true });
    },
  };
}
