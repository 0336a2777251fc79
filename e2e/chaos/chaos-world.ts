import { createServer } from 'node:net';
import { startTileServer, type TileServer, type TileServerStats } from '../../tile-server/tile-server.ts';
import { createTiler, type Tiler } from '../../tile-server/tiler.ts';
import { snapshotDist, startStaticServer, type StaticServer } from '../static-server.ts';

// Ports inside the range this project's suites may use (4900–4999): the chaos tile server must come back on the
// same port after it is killed, so it cannot take a random one. KESTREL_CHAOS_PORT overrides.
export const CHAOS_TILE_PORT = Number(process.env.KESTREL_CHAOS_PORT ?? 4917);

// Server-side figures summed over every instance of the tile server (it is killed and restarted).
export interface ServerTotals {
  requests: number;
  faultsInjected: Record<string, number>;
  byStatus: Record<string, number>;
  bytesSent: number;
}

// The world a chaos run acts on: our own tile server (restartable on a fixed port, faults set in-process), the
// built app served from a private copy of dist/, and a port where nothing listens.
export class ChaosWorld {
  app!: StaticServer;
  private current?: TileServer;
  refusedPort = 0;
  readonly totals: ServerTotals = { requests: 0, faultsInjected: {}, byStatus: {}, bytesSent: 0 };
  private tiler!: Tiler;
  private removeSnapshot?: () => Promise<void>;
  distDir = '';

  async start(): Promise<void> {
    // One tiler for every instance: a restart then costs no data loading, only the socket.
    this.tiler = createTiler();
    this.tiler.preload();
    this.current = await this.startTiles();
    const snapshot = await snapshotDist(process.env.KESTREL_DIST);
    this.distDir = snapshot.dir;
    this.removeSnapshot = snapshot.remove;
    this.app = await startStaticServer({ root: snapshot.dir, routes: { '/__blank': ['text/html; charset=utf-8', '<!doctype html><title>another tab</title>'] } });
    this.refusedPort = await closedPort();
  }

  get tileUrl(): string {
    return `http://127.0.0.1:${CHAOS_TILE_PORT}`;
  }

  get up(): boolean {
    return this.current !== undefined;
  }

  // The running instance (throws while the server is killed).
  get tiles(): TileServer {
    if (!this.current) throw new Error('the chaos tile server is down');
    return this.current;
  }

  setFaults(doc: Record<string, unknown>): void {
    this.current?.setFaults(doc);
  }

  // Folds the current instance's counters into the totals and zeroes them; returns what it folded.
  takeStats(): TileServerStats | undefined {
    if (!this.current) return undefined;
    const stats = this.current.stats();
    this.current.resetStats();
    this.totals.requests += stats.requests;
    this.totals.bytesSent += stats.bytesSent;
    for (const [k, n] of Object.entries(stats.faultsInjected)) this.totals.faultsInjected[k] = (this.totals.faultsInjected[k] ?? 0) + n;
    for (const [k, n] of Object.entries(stats.byStatus)) this.totals.byStatus[k] = (this.totals.byStatus[k] ?? 0) + n;
    return stats;
  }

  // Kills the tile server (every open connection dropped); the port refuses connections until `revive`.
  async kill(): Promise<TileServerStats | undefined> {
    const stats = this.takeStats();
    const tiles = this.current;
    this.current = undefined;
    await tiles?.close();
    return stats;
  }

  async revive(): Promise<void> {
    this.current ??= await this.startTiles();
  }

  async close(): Promise<void> {
    if (this.current) {
      this.takeStats();
      await this.current.close();
      this.current = undefined;
    }
    await this.app?.close();
    await this.removeSnapshot?.();
  }

  // The hash a fault-free request for the tile would have.
  async tileHash(z: number, x: number, y: number): Promise<{ status: number; sha256: string | null; bytes: number }> {
    const response = await fetch(`${this.tileUrl}/__tilehash/${z}/${x}/${y}`);
    return (await response.json()) as { status: number; sha256: string | null; bytes: number };
  }

  private async startTiles(): Promise<TileServer> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await startTileServer({ port: CHAOS_TILE_PORT, tiler: this.tiler, log: () => {} });
      } catch (error) {
        // the old socket may linger for a moment after close()
        if ((error as { code?: string }).code !== 'EADDRINUSE' || attempt >= 20) throw new Error(`chaos tile server: port ${CHAOS_TILE_PORT} is busy (${(error as Error).message}); set KESTREL_CHAOS_PORT`);
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  }
}

// A port in 4900–4999 that nothing listens on (bound once, then released), so connections to it are refused.
async function closedPort(): Promise<number> {
  for (let port = 4990; port < 5000; port++) {
    if (port === CHAOS_TILE_PORT) continue;
    const free = await new Promise<boolean>((resolve) => {
      const probe = createServer();
      probe.once('error', () => resolve(false));
      probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error('no free port in 4990–4999 to play the refusing host');
}
