import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, resetServer, test, tileUrl } from '../fixtures.ts';
import { colourShares, waterColour } from '../map-pixels.ts';
import { startStaticServer, type StaticServer } from '../static-server.ts';
import { ensureFreshLibraryBuild, expectTilesThroughEngine, resourceTimelines } from './witness.ts';

// examples/plain: MapLibre and kestrel-maps as plain ES modules behind an import map, no bundler. Served as a
// site would serve it: `/` is the example, `/node_modules/maplibre-gl/dist/` and `/node_modules/kestrel-maps/dist/`
// are the real files (MapLibre's ESM build and the library's `npm run build:lib` output).

const root = process.cwd();
let site: string;
let server: StaticServer;

test.describe('examples/plain (no bundler)', () => {
  test.beforeAll(async () => {
    await ensureFreshLibraryBuild(root);
    site = mkdtempSync(join(tmpdir(), 'kestrel-example-plain-'));
    for (const file of ['index.html', 'main.js']) symlinkSync(join(root, 'examples/plain', file), join(site, file));
    for (const pkg of ['maplibre-gl', 'kestrel-maps']) {
      mkdirSync(join(site, 'node_modules', pkg), { recursive: true });
      symlinkSync(join(root, 'node_modules', pkg, 'dist'), join(site, 'node_modules', pkg, 'dist'));
    }
    server = await startStaticServer({ root: site });
    await resetServer();
  });

  test.afterAll(async () => {
    await server?.close();
    if (site) rmSync(site, { recursive: true, force: true });
  });

  test('the map renders, and every tile was fetched by the engine worker (Resource Timing in each context)', async ({ page, pageErrors }) => {
    const consoleErrors: string[] = [];
    // (the browser's own request for /favicon.ico is a 404 here: not the example's)
    page.on('console', (message) => {
      if (message.type() === 'error' && !message.location().url.endsWith('/favicon.ico')) consoleErrors.push(`${message.text()} (${message.location().url})`);
    });
    await page.goto(`${server.url}/?${new URLSearchParams({ style: `${tileUrl}/style.json` })}`);
    await page.waitForFunction(() => window.kestrel !== undefined);
    await page.evaluate(() => window.kestrel.ready);
    await page.evaluate(() => window.kestrel.idle());

    expect(await page.evaluate(() => window.kestrel.mode)).toBe('engine');
    const stats = await page.evaluate(() => window.kestrel.stats());
    expect(stats).not.toBeNull();
    expect(stats!.requests.total).toBeGreaterThan(0);

    // drawn: water (the style's background) and land, not a blank or black canvas
    const water = await waterColour(page);
    const shares = await colourShares(page, [water]);
    expect(shares.colours[0].share, 'water on screen').toBeGreaterThan(0.05);
    expect(shares.other, 'land on screen').toBeGreaterThan(0.05);

    const timelines = await resourceTimelines(page);
    // MapLibre's worker is the one beside its ESM build, as the example serves it
    expect(timelines.maplibre.map((w) => new URL(w.context).pathname)).toEqual(['/node_modules/maplibre-gl/dist/maplibre-gl-worker.mjs']);
    expect(new URL(timelines.engine.context).pathname).toBe('/node_modules/kestrel-maps/dist/engine.worker.mjs');
    expectTilesThroughEngine(timelines, `${tileUrl}/tiles/`);
    // the style came through the engine too (kestrel-style://)
    expect(timelines.engine.names).toContain(`${tileUrl}/style.json`);
    expect(timelines.page.names).not.toContain(`${tileUrl}/style.json`);

    expect(pageErrors).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });
});
