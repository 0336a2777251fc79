import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, cp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page, Worker } from '@playwright/test';
import { startStaticServer, type StaticServer } from '../static-server.ts';

const repo = process.cwd();

// A page that loads the library as plain files (the harness here, or examples/plain), served with MapLibre's ESM
// build and the package's built dist/ under /node_modules/ (run `npm run build:lib` first; `npm run test:e2e` does).
export async function serveLibraryHarness(pageDir = 'e2e/library/harness'): Promise<StaticServer & { dir: string }> {
  const built = join(repo, 'packages/kestrel/dist/index.mjs');
  if (!existsSync(built)) throw new Error('packages/kestrel/dist is missing: run `npm run build:lib` first');
  const dir = await mkdtemp(join(tmpdir(), 'kestrel-harness-'));
  await cp(join(repo, pageDir), dir, { recursive: true });
  await mkdir(join(dir, 'node_modules'));
  await symlink(join(repo, 'node_modules/maplibre-gl'), join(dir, 'node_modules/maplibre-gl'));
  await symlink(join(repo, 'packages/kestrel'), join(dir, 'node_modules/kestrel-maps'));
  const server = await startStaticServer({ root: dir });
  return {
    ...server,
    dir,
    close: async () => {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The URLs a context fetched, from the browser's own Resource Timing (an independent witness of who fetched what). */
export function fetchedIn(context: Page | Worker): Promise<string[]> {
  const read = () => performance.getEntriesByType('resource').map((entry) => entry.name);
  return 'workers' in context ? context.evaluate(read) : context.evaluate(read);
}

/** The page's Kestrel engine workers (module workers whose script is engine.worker.mjs). */
export function engineWorkers(page: Page): Worker[] {
  return page.workers().filter((worker) => worker.url().includes('engine.worker'));
}
