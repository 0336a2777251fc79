import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { startTileServer, type TileServer } from '../tile-server/tile-server.ts';
import { expect, reassertOffline, test, tileUrl } from './fixtures.ts';
import { solidPng } from './solid-png.ts';
import { startStaticAppServer } from './static-app-server.ts';

// The built app (dist/, served by playwright.config.ts's `vite preview`) with its service worker, opened with the
// network off. 127.0.0.1 is a secure context, so the worker registers as it would on https.

function pathFor(tiles: string, hash: string, params: Record<string, string> = {}): string {
  return `/?${new URLSearchParams({ style: `${tiles}/style.json`, ...params })}#${hash}`;
}

async function mapSettled(page: Page): Promise<void> {
  await page.waitForFunction(() => window.kestrel !== undefined);
  await page.evaluate(() => window.kestrel.ready);
  await page.evaluate(() => window.kestrel.idle());
}

// The app registers its worker once the first view has settled; the page that registered it is not controlled
// by it (no clients.claim), so one reload — what a second visit does — puts it in charge.
async function underServiceWorker(page: Page): Promise<void> {
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  if (!(await page.evaluate(() => navigator.serviceWorker.controller !== null))) {
    await page.reload();
    await mapSettled(page);
  }
  expect(await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL)).toMatch(/\/sw\.js$/);
}

// Console errors and uncaught exceptions: offline must be quiet.
function consoleErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}

// Figures for the report: an annotation in the HTML report, and a line in the list reporter's output.
function report(type: string, description: string): void {
  test.info().annotations.push({ type, description });
  console.log(`${type}: ${description}`);
}

// IndexedDB writes are batched a few tens of ms behind the tiles.
const settleWrites = (page: Page) => page.waitForTimeout(500);

test.describe('offline first', () => {
  test.describe('after a visit', () => {
    // Its own tile server, whose tiles go stale after a second: the offline reload then serves stale tiles,
    // and coming back online must revalidate them (ETag → 304).
    let server: TileServer;
    test.beforeAll(async () => {
      server = await startTileServer({ port: 0, cacheControl: 'public, max-age=1', log: () => undefined });
    });
    test.afterAll(async () => {
      await server?.close();
    });

    test('a reload with no network opens the app and the same area from the caches; back online it revalidates', async ({ page, context }) => {
      const view = '5/46/8';
      await page.goto(pathFor(server.url, view));
      await mapSettled(page);
      await underServiceWorker(page);
      await settleWrites(page);
      const online = await page.evaluate(() => window.kestrel.tiles().inView);

      await context.setOffline(true);
      const errors = consoleErrors(page);
      const failedRequests: string[] = [];
      page.on('requestfailed', (request) => failedRequests.push(request.url()));
      await page.reload({ waitUntil: 'commit' });
      await reassertOffline(context);
      await mapSettled(page);
      const renderedMs = await page.evaluate(() => performance.now());
      const shown = await page.evaluate(() => window.kestrel.tiles());
      const stats = (await page.evaluate(() => window.kestrel.stats()))!;

      expect(shown.inView).toMatchObject({ errored: 0, loading: 0 });
      expect(shown.inView.loaded, 'the same view as online').toBe(online.loaded);
      expect(stats.cache.hits.network).toBe(0);
      expect(stats.cache.hits.staleServed, 'the tiles are past max-age: served stale').toBeGreaterThan(0);
      expect(stats.resources?.hits.staleServed, 'the style (no-cache) came from the engine cache').toBeGreaterThanOrEqual(1);
      expect(stats.resources?.requests.failed).toBe(0);
      const visibleFailures = stats.requests.failed - (stats.failures.offline ?? 0) + shown.errored;
      expect(visibleFailures, JSON.stringify(stats.failures)).toBe(0);
      await expect(page.getByTestId('notice-offline')).toContainText('Offline — showing the cached map');
      await expect(page.getByTestId('notice-network')).toHaveCount(0);
      expect(errors, 'console errors while offline').toEqual([]);
      report('offline reload',
          `all ${shown.inView.loaded} visible tiles rendered ${renderedMs.toFixed(0)} ms after navigation start; ` +
          `failed requests: ${visibleFailures} for the visited area, ${failedRequests.length} in all ` +
          `(engine: ${stats.failures.offline ?? 0} guesses outside the view failed as offline); ` +
          `tile hits ${JSON.stringify(stats.cache.hits)}, resource hits ${JSON.stringify(stats.resources?.hits)}`,
      );

      // somewhere never visited: holes, quietly (no console errors, no "server not answering", no retry loop)
      await page.evaluate(() => void window.kestrel.map.jumpTo({ center: [100, 35], zoom: 5 }));
      await page.evaluate(() => window.kestrel.idle());
      const far = await page.evaluate(() => window.kestrel.tiles().inView);
      expect(far.errored, 'tiles never cached cannot load offline').toBeGreaterThan(0);
      await page.waitForTimeout(4000);
      expect(errors, 'console errors for tiles missing offline').toEqual([]);
      await expect(page.getByTestId('notice-network')).toHaveCount(0);

      server.resetStats();
      await context.setOffline(false);
      await expect(page.getByTestId('notice-offline')).toHaveCount(0);
      // the engine looks once a second; the tiles it served stale are asked again. Cross-origin the engine sends no
      // validators (they would cost a preflight, see workers/fetch-adapter.ts): the first revalidation of a URL is a
      // plain GET (200), later ones the browser's own conditional request (304). Either way the server's ETag is
      // unchanged, so the engine keeps its copy as not modified.
      await expect
        .poll(() => (server.stats().byStatus['304'] ?? 0) + (server.stats().byStatus['200'] ?? 0), { timeout: 10_000 })
        .toBeGreaterThanOrEqual(online.loaded);
      await expect.poll(async () => (await page.evaluate(() => window.kestrel.stats()))!.revalidations.notModified, { timeout: 10_000 }).toBeGreaterThanOrEqual(online.loaded);
      expect(server.stats().byStatus['412'] ?? 0).toBe(0);
      // and the holes fill (retry-errored-tiles.ts asks again every few seconds once online)
      await expect.poll(() => page.evaluate(() => window.kestrel.tiles().inView), { timeout: 15_000 }).toMatchObject({ errored: 0, loading: 0 });
    });
  });

  test.describe('a ?style= with TileJSON, a sprite and glyphs', () => {
    // A style host with CORS: the style (no-cache), a one-icon sprite and one glyph range; tiles come through the
    // shared tile server's TileJSON.
    let assets: Server;
    let assetsUrl = '';
    const asked: Record<string, number> = {};
    test.beforeAll(async () => {
      const stack = 'Kestrel Sans';
      const glyphRange = glyphPbf(stack, '0-255');
      assets = createServer((req, res) => {
        const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
        asked[path] = (asked[path] ?? 0) + 1;
        const send = (type: string, body: string | Buffer, cache = 'max-age=300') => {
          res.writeHead(200, { 'Content-Type': type, 'Cache-Control': cache, 'Access-Control-Allow-Origin': '*' });
          res.end(body);
        };
        if (path === '/style.json') send('application/json', JSON.stringify(assetStyle(assetsUrl, stack)), 'no-cache');
        else if (path === '/sprite.json') send('application/json', JSON.stringify({ dot: { x: 0, y: 0, width: 8, height: 8, pixelRatio: 1 } }));
        else if (path === '/sprite.png') send('image/png', solidPng(8, [200, 30, 60]));
        else if (path.startsWith('/fonts/')) send('application/x-protobuf', glyphRange);
        else {
          res.writeHead(404, { 'Access-Control-Allow-Origin': '*' });
          res.end();
        }
      });
      await new Promise<void>((resolve) => assets.listen(0, '127.0.0.1', resolve));
      assetsUrl = `http://127.0.0.1:${(assets.address() as AddressInfo).port}`;
    });
    test.afterAll(() => new Promise<void>((resolve) => assets.close(() => resolve())));

    test('works offline after one visit: every resource comes from the engine cache', async ({ page, context }) => {
      await page.goto(pathFor(assetsUrl, '5/46/8'));
      await mapSettled(page);
      await underServiceWorker(page);
      await settleWrites(page);
      expect(Object.keys(asked).sort()).toEqual(expect.arrayContaining(['/sprite.json', '/sprite.png', '/style.json']));
      expect(Object.keys(asked).some((path) => path.startsWith('/fonts/')), 'a glyph range was asked for').toBe(true);

      await context.setOffline(true);
      const errors = consoleErrors(page);
      await page.reload({ waitUntil: 'commit' });
      await reassertOffline(context);
      await mapSettled(page);
      const shown = await page.evaluate(() => window.kestrel.tiles());
      const stats = (await page.evaluate(() => window.kestrel.stats()))!;
      expect(shown.inView).toMatchObject({ errored: 0, loading: 0 });
      expect(await page.evaluate(() => window.kestrel.map.hasImage('dot')), 'the sprite loaded offline').toBe(true);
      const resources = stats.resources!;
      expect(resources.requests.failed, JSON.stringify(resources.failures)).toBe(0);
      // style, TileJSON, sprite index, sprite image, at least one glyph range
      const fromCache = resources.hits.memory + resources.hits.idb + resources.hits.staleServed;
      expect(fromCache, JSON.stringify(resources.hits)).toBeGreaterThanOrEqual(5);
      expect(resources.hits.network).toBe(0);
      expect(errors, 'console errors while offline').toEqual([]);
      report('?style= offline', `${resources.requests.total} resources, all from the engine cache: ${JSON.stringify(resources.hits)}`);
      await context.setOffline(false);
    });
  });

  test('a saved area opens in a fresh page started with the network off', async ({ page, context }) => {
    await page.goto(pathFor(tileUrl, '5/45/-95', { prefetch: 'off' }));
    await mapSettled(page);
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    await page.getByTestId('offline-open-button').click();
    await page.getByTestId('offline-name').fill('Great Lakes');
    await page.getByTestId('offline-min-zoom').fill('5');
    await page.getByTestId('offline-max-zoom').fill('6');
    await expect(page.getByTestId('offline-estimate')).toHaveText(/tiles/);
    await page.getByTestId('offline-save').click();
    const row = page.getByTestId('offline-area');
    await expect(row.getByRole('progressbar')).toHaveAttribute('aria-valuenow', '100', { timeout: 30_000 });
    await expect(row).toHaveAttribute('data-status', 'done');
    await settleWrites(page);
    await page.close();

    await context.setOffline(true);
    const fresh = await context.newPage();
    const errors = consoleErrors(fresh);
    const started = Date.now();
    // z6 inside the saved box: this page never showed it; the saved area did download it
    await fresh.goto(pathFor(tileUrl, '6/46/-93', { prefetch: 'off' }), { waitUntil: 'commit' });
    await reassertOffline(context);
    await mapSettled(fresh);
    const seconds = (Date.now() - started) / 1000;
    const renderedMs = await fresh.evaluate(() => performance.now());
    const shown = await fresh.evaluate(() => window.kestrel.tiles());
    const stats = (await fresh.evaluate(() => window.kestrel.stats()))!;
    expect(shown.inView).toMatchObject({ errored: 0, loading: 0 });
    expect(shown.inView.loaded).toBeGreaterThan(0);
    expect(stats.cache.hits.network).toBe(0);
    expect(stats.requests.failed).toBe(0);
    await expect(fresh.getByTestId('notice-offline')).toContainText('1 saved area available (Great Lakes)');
    expect(errors, 'console errors while offline').toEqual([]);
    report('fresh page offline', `${shown.inView.loaded} tiles of a saved area rendered ${renderedMs.toFixed(0)} ms after navigation start (${seconds.toFixed(1)} s from goto)`);
    await context.setOffline(false);
    await expect(fresh.getByTestId('notice-offline')).toHaveCount(0);
  });

  test.describe('a new version deployed while a page is open', () => {
    const builds = join(tmpdir(), `kestrel-offline-e2e-${process.pid}`);
    const v1 = join(builds, 'v1');
    const v2 = join(builds, 'v2');
    test.beforeAll(() => {
      test.setTimeout(120_000);
      expect(existsSync('dist/sw.js'), 'dist/ is a build with the service worker (run `npx vite build`)').toBe(true);
      rmSync(builds, { recursive: true, force: true });
      mkdirSync(builds, { recursive: true });
      // a snapshot, so a rebuild of dist/ by someone else cannot change "the old version" mid-test
      cpSync('dist', v1, { recursive: true });
      execFileSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--outDir', v2, '--emptyOutDir', '--logLevel', 'error'], {
        env: { ...process.env, KESTREL_BUILD_ID: 'e2e-v2' },
        stdio: 'pipe',
      });
    });
    test.afterAll(() => rmSync(builds, { recursive: true, force: true }));

    test('offers a reload; accepting it loads the new version', async ({ page }) => {
      const host = await startStaticAppServer(v1);
      try {
        await page.goto(`${host.url}${pathFor(tileUrl, '4/40/-100')}`);
        await mapSettled(page);
        await underServiceWorker(page);
        const before = await page.evaluate(() => window.kestrel.version);
        expect(before).not.toBe('e2e-v2');

        host.deploy(v2);
        // what the app's hourly (and back-online) check does
        await page.evaluate(() => navigator.serviceWorker.getRegistration().then((registration) => registration?.update()));
        const notice = page.getByTestId('notice-update');
        await expect(notice).toContainText('New version available.');
        expect(await page.evaluate(() => window.kestrel.version), 'nothing changes until the user accepts').toBe(before);

        await notice.getByTestId('notice-update-action').click();
        await page.waitForFunction(() => window.kestrel?.version === 'e2e-v2');
        await mapSettled(page);
        await expect(page.getByTestId('notice-update')).toHaveCount(0);
        report('update', `${before} → e2e-v2 after one click`);
      } finally {
        await host.close();
      }
    });
  });
});

// A style whose every resource is a different MapLibre resource type: Style, Source (TileJSON), SpriteJSON,
// SpriteImage, Glyphs.
function assetStyle(assets: string, stack: string): object {
  return {
    version: 8,
    sources: { kestrel: { type: 'vector', url: `${tileUrl}/tiles.json` } },
    sprite: `${assets}/sprite`,
    glyphs: `${assets}/fonts/{fontstack}/{range}.pbf`,
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': '#a8d5ee' } },
      { id: 'land', type: 'fill', source: 'kestrel', 'source-layer': 'land', paint: { 'fill-color': '#f2efe6' } },
      {
        id: 'places',
        type: 'symbol',
        source: 'kestrel',
        'source-layer': 'places',
        layout: { 'icon-image': 'dot', 'text-field': ['get', 'name'], 'text-font': [stack], 'text-offset': [0, 1] },
      },
    ],
  };
}

// A glyph range with no glyphs: a valid `glyphs { stacks { name, range } }` protobuf (MapLibre draws no text, but
// asks for it, parses it and caches it like any other).
function glyphPbf(stack: string, range: string): Buffer {
  const field = (key: number, bytes: Buffer) => Buffer.concat([Buffer.from([key, bytes.length]), bytes]);
  return field(0x0a, Buffer.concat([field(0x0a, Buffer.from(stack)), field(0x12, Buffer.from(range))]));
}
