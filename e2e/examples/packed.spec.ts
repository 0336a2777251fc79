import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Page } from '@playwright/test';
import { expect, test } from '../fixtures.ts';
import { colourShares } from '../map-pixels.ts';
import { type NginxHost, nginxAvailable, startNginx } from '../nginx/nginx-host.ts';
import { solidPng } from '../solid-png.ts';
import { startStaticServer, type StaticServer } from '../static-server.ts';
import { ensureFreshLibraryBuild, expectTilesThroughEngine, resourceTimelines } from './witness.ts';

// The package as a user gets it, proving examples/overlay-control: `npm pack` of packages/kestrel, installed from
// the tarball into a copy of the example outside the repository (no workspace, no path alias, no source), built
// with `vite build`, served as static files. Its raster tiles are static PNGs served by nginx, a host we did not
// write. Then: the map shows the tiles, they went through the engine (the browser's Resource Timing: only the
// engine worker fetched them; nginx's access log saw exactly those), the overlay control works, and both worker
// scripts came from the app's own build. The same copy under `vite` (the dev server) also works: its
// vite.config.ts is what a user copies.

const root = process.cwd();
const execFileAsync = promisify(execFile);
const TILE_RGB: [number, number, number] = [214, 96, 58];
const PLACEHOLDER_HOST = 'http://127.0.0.1:8080';

let work: string;
let nginx: NginxHost | undefined;
let app: StaticServer | undefined;
let appDir: string;
let dev: ChildProcess | undefined;
const timings: Record<string, number> = {};

// npm run inside `npm test` inherits npm_* variables (npm_config_local_prefix …) that point at this repository:
// the example's own npm must not see them.
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));
}

async function run(step: string, command: string, args: string[], cwd: string): Promise<string> {
  const started = Date.now();
  try {
    const { stdout } = await execFileAsync(command, args, { cwd, env: cleanEnv(), maxBuffer: 32 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`${step} failed: ${command} ${args.join(' ')} (in ${cwd})\n${stdout ?? ''}\n${stderr ?? ''}`);
  } finally {
    timings[step] = Date.now() - started;
  }
}

test.describe('kestrel-maps from its packed tarball: examples/overlay-control built with Vite', () => {
  test.beforeAll(async () => {
    // npm install and vite build on 2 cores: about half a minute warm, more on a cold npm cache
    test.setTimeout(300_000);
    // A spec must fail, never skip, when what it measures is missing.
    if (!nginxAvailable()) throw new Error('nginx not found: apt-get install -y nginx-light (or set KESTREL_NGINX)');
    await ensureFreshLibraryBuild(root);
    work = mkdtempSync(join(tmpdir(), 'kestrel-packed-'));

    // a raster pyramid z0–3 of solid tiles, served by nginx
    const tilesRoot = join(work, 'tile-host');
    const png = solidPng(256, TILE_RGB);
    for (let z = 0; z <= 3; z++) {
      for (let x = 0; x < 2 ** z; x++) {
        mkdirSync(join(tilesRoot, 'tiles', String(z), String(x)), { recursive: true });
        for (let y = 0; y < 2 ** z; y++) writeFileSync(join(tilesRoot, 'tiles', String(z), String(x), `${y}.png`), png);
      }
    }
    nginx = await startNginx({ root: tilesRoot });

    const packed = JSON.parse(await run('npm pack', 'npm', ['pack', '--json', '--pack-destination', work], join(root, 'packages/kestrel'))) as { filename: string }[];
    const tarball = join(work, packed[0].filename);

    appDir = join(work, 'app');
    cpSync(join(root, 'examples/overlay-control'), appDir, { recursive: true, filter: (source) => !/[\\/](node_modules|dist)$/.test(source) });
    // what a user does: point the style's tiles at their raster host
    const stylePath = join(appDir, 'public/style.json');
    const style = readFileSync(stylePath, 'utf8');
    if (!style.includes(`${PLACEHOLDER_HOST}/tiles/`)) throw new Error(`examples/overlay-control/public/style.json no longer has ${PLACEHOLDER_HOST}/tiles/`);
    writeFileSync(stylePath, style.replaceAll(PLACEHOLDER_HOST, nginx.url));

    await run('npm install', 'npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball], appDir);
    await run('vite build', 'npx', ['vite', 'build'], appDir);
    app = await startStaticServer({ root: join(appDir, 'dist') });
  });

  test.afterAll(async () => {
    await stopDevServer();
    await app?.close();
    await nginx?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
    console.log(`examples/overlay-control, packed: ${Object.entries(timings).map(([step, ms]) => `${step} ${(ms / 1000).toFixed(1)} s`).join(', ')}`);
  });

  test('the installed package is the tarball of this build', () => {
    const installed = join(appDir, 'node_modules/kestrel-maps');
    expect(JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')).version).toBe(JSON.parse(readFileSync(join(root, 'packages/kestrel/package.json'), 'utf8')).version);
    for (const file of ['index.mjs', 'overlay.mjs', 'engine.worker.mjs', 'maplibre-bridge.mjs']) {
      expect(readFileSync(join(installed, 'dist', file)).equals(readFileSync(join(root, 'packages/kestrel/dist', file))), `dist/${file}`).toBe(true);
    }
  });

  test('the built app: raster tiles from nginx go through the engine, the overlay control opens, the workers come from the build', async ({ page, pageErrors }) => {
    const timelines = await expectExampleWorks(page, app!.url);
    // both worker scripts, and the bridge MapLibre's worker imports, are the app's own build output
    const assets = `${app!.url}/assets/`;
    expect(timelines.engine.context.startsWith(assets), `engine worker ${timelines.engine.context}`).toBe(true);
    for (const worker of timelines.maplibre) expect(worker.context.startsWith(assets), `MapLibre worker ${worker.context}`).toBe(true);
    const bridges = timelines.maplibre.flatMap((w) => w.names).filter((name) => /maplibre-bridge[^/]*\.mjs$/.test(name));
    expect(bridges.length, 'the bridge was imported into MapLibre’s worker').toBeGreaterThan(0);
    expect(bridges.every((name) => name.startsWith(assets)), bridges.join(', ')).toBe(true);
    expect(pageErrors).toEqual([]);
  });

  test('the dev server (`vite`) with the example’s vite.config.ts: the same map, engine and overlay', async ({ page, pageErrors }) => {
    const url = await startDevServer();
    const timelines = await expectExampleWorks(page, url);
    // served by Vite from the installed package, as published
    expect(timelines.engine.context.startsWith(`${url}/node_modules/kestrel-maps/dist/engine.worker.mjs`), timelines.engine.context).toBe(true);
    expect(timelines.maplibre.flatMap((w) => w.names)).toContain(`${url}/node_modules/kestrel-maps/dist/maplibre-bridge.mjs`);
    expect(pageErrors).toEqual([]);
  });

});

// Opens the example at `origin` and checks what both ways of serving it must show: the map drawn from the tiles,
// every tile fetched by the engine worker and by nothing else (nginx's log agrees), the overlay control working,
// nothing loaded from anywhere but the app and the tile host, and no console errors. Returns the timelines.
async function expectExampleWorks(page: Page, origin: string) {
  const consoleErrors: string[] = [];
  // (the browser's own request for /favicon.ico is a 404 here: not the example's)
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.location().url.endsWith('/favicon.ico')) consoleErrors.push(`${message.text()} (${message.location().url})`);
  });
  const scriptErrors: string[] = [];
  page.on('pageerror', (error) => scriptErrors.push(error.message));
  nginx!.clearLog();
  await page.goto(`${origin}/`);
  // a script that fails to load leaves no window.kestrel: say why at once rather than at the test's timeout
  await page.waitForFunction(() => window.kestrel !== undefined, undefined, { timeout: 20_000 }).catch((error: Error) => {
    throw new Error(`no window.kestrel at ${origin}/: ${[...scriptErrors, ...consoleErrors].join('; ') || error.message}`);
  });
  await page.evaluate(() => window.kestrel.ready);
  await page.evaluate(() => window.kestrel.idle());
  expect(await page.evaluate(() => window.kestrel.mode)).toBe('engine');
  expect(await page.evaluate(() => window.kestrel.stats())).not.toBeNull();

  // the canvas is the tiles' colour (the style has no background: without tiles it would be blank)
  const shares = await colourShares(page, [`rgb(${TILE_RGB.join(',')})`]);
  expect(shares.colours[0].share, 'share of the canvas in the tiles’ colour').toBeGreaterThan(0.9);

  const timelines = await resourceTimelines(page);
  const engineTiles = expectTilesThroughEngine(timelines, `${nginx!.url}/tiles/`);
  // nginx saw exactly the tiles the engine fetched, each once, all 200
  const served = nginx!.log().filter((entry) => entry.uri.startsWith('/tiles/'));
  expect(served.map((entry) => entry.uri).sort()).toEqual(engineTiles.map((url) => new URL(url).pathname).sort());
  expect(served.every((entry) => entry.status === 200 && entry.method === 'GET')).toBe(true);
  const everything = [timelines.page, timelines.engine, ...timelines.maplibre].flatMap((t) => t.names);
  expect(everything.filter((name) => !name.startsWith(`${origin}/`) && !name.startsWith(`${nginx!.url}/tiles/`)), 'nothing from elsewhere').toEqual([]);

  // the overlay control: a button in MapLibre's control corner, a panel with live figures
  const opener = page.getByTestId('overlay-open-button');
  await expect(opener).toBeVisible();
  await expect(page.locator('.maplibregl-ctrl-top-right .kestrel-overlay-control')).toHaveCount(1);
  await opener.click();
  await expect(page.getByTestId('overlay-root')).toBeVisible();
  await expect.poll(async () => Number(await page.getByTestId('overlay-network-requests').getAttribute('data-value'))).toBeGreaterThan(0);

  expect(consoleErrors).toEqual([]);
  return timelines;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

// `vite` in the example's copy, on a free port; resolves with its URL once it answers.
async function startDevServer(): Promise<string> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let output = '';
  dev = spawn(process.execPath, [join(appDir, 'node_modules/vite/bin/vite.js'), '--host', '127.0.0.1', '--port', String(port), '--strictPort'], {
    cwd: appDir,
    env: cleanEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [dev.stdout!, dev.stderr!]) stream.on('data', (chunk: Buffer) => void (output += chunk.toString()));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (dev.exitCode !== null) throw new Error(`vite exited (${dev.exitCode}):\n${output}`);
    if (await fetch(url).then((r) => r.ok, () => false)) return url;
    if (Date.now() > deadline) throw new Error(`vite did not answer on ${url} within 30 s:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function stopDevServer(): Promise<void> {
  const server = dev;
  dev = undefined;
  if (!server || server.exitCode !== null || server.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  server.kill('SIGTERM');
  const timer = setTimeout(() => server.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}
