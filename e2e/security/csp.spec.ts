import { snapshotDist, startStaticServer, type StaticServer } from '../static-server.ts';
import { expect, resetServer, test, tileUrl } from '../fixtures.ts';

// The built app from a private copy of dist/, every response (the page, the module workers, MapLibre's worker, the
// tile bridge, the service worker) under a strict policy: no 'unsafe-eval', no blob: workers, network only to
// ourselves and the tile origin. Violations are reported to /__csp (workers included) and as page events.
const POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "worker-src 'self'",
  `connect-src 'self' ${tileUrl}`,
  "img-src 'self' data: blob:",
  "style-src 'self' 'unsafe-inline'",
  'report-uri /__csp',
].join('; ');

let app: StaticServer;
let removeSnapshot: () => Promise<void>;
const reports: string[] = [];

test.beforeAll(async () => {
  const snapshot = await snapshotDist(process.env.KESTREL_DIST);
  removeSnapshot = snapshot.remove;
  app = await startStaticServer({ root: snapshot.dir, headers: { 'Content-Security-Policy': POLICY }, onPost: (path, body) => path === '/__csp' && reports.push(body) });
});
test.afterAll(async () => {
  await app?.close();
  await removeSnapshot?.();
});

test.describe('under a strict Content-Security-Policy', () => {
  test.beforeEach(resetServer);

  test('the built app renders its tiles through the engine with no violation', async ({ page, context, pageErrors }) => {
    const workerScripts: { url: string; csp: string | undefined }[] = [];
    context.on('response', (response) => {
      if (/\.(mjs)$|\/sw\.js$/.test(new URL(response.url()).pathname)) workerScripts.push({ url: response.url(), csp: response.headers()['content-security-policy'] });
    });
    const consoleCsp: string[] = [];
    context.on('console', (message) => /Content Security Policy/i.test(message.text()) && consoleCsp.push(message.text()));
    await page.addInitScript(() => {
      const seen: string[] = [];
      (window as unknown as { __csp: string[] }).__csp = seen;
      document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.violatedDirective} ${e.blockedURI} (${e.sourceFile}:${e.lineNumber})`));
    });

    await page.goto(`${app.url}/?${new URLSearchParams({ style: `${tileUrl}/style.json` })}#4/45/5`);
    await page.evaluate(() => window.kestrel.ready);
    await page.evaluate(() => window.kestrel.idle());
    await page.evaluate(() => void window.kestrel.map.jumpTo({ center: [-95, 40], zoom: 5 }));
    await page.evaluate(() => window.kestrel.idle());

    const tiles = await page.evaluate(() => window.kestrel.tiles());
    const stats = (await page.evaluate(() => window.kestrel.stats()))!;
    expect(tiles.delivered, 'tiles on screen').toBeGreaterThan(4);
    expect(tiles.inView).toMatchObject({ errored: 0, loading: 0 });
    expect(stats.requests.ok, 'tiles answered by the engine worker').toBeGreaterThan(4);
    // vector tiles went MapLibre worker → engine worker: the bridge module loaded under the policy too
    expect(tiles.viaMainThread, 'asks that took the main-thread hop').toBeLessThan(tiles.requested);

    expect(await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp)).toEqual([]);
    expect(reports, 'violation reports (workers included)').toEqual([]);
    expect(consoleCsp).toEqual([]);
    expect(pageErrors).toEqual([]);
    const workers = workerScripts.filter((w) => /engine\.worker|maplibre-gl-worker|maplibre-bridge/.test(w.url));
    expect(workers.length, 'engine worker, MapLibre worker and tile bridge scripts fetched').toBeGreaterThanOrEqual(3);
    for (const w of workerScripts) expect(w.csp, `${w.url} is served with the policy`).toBe(POLICY);
  });
});

test.describe('the policy the build ships', () => {
  test.beforeEach(resetServer);

  // Served with no header at all, as a bare static host would: the policy must come from the build itself.
  test('a static host that sends no headers still serves the app under a policy: inline script does not run, the map does', async ({ page, pageErrors }) => {
    const snapshot = await snapshotDist(process.env.KESTREL_DIST);
    const bare = await startStaticServer({ root: snapshot.dir });
    try {
      await page.goto(`${bare.url}/?${new URLSearchParams({ style: `${tileUrl}/style.json` })}#4/45/5`);
      await page.evaluate(() => window.kestrel.ready);
      await page.evaluate(() => window.kestrel.idle());
      // The browser is the witness: an injected inline script is refused and a violation is reported.
      const verdict = await page.evaluate(async () => {
        const violations: string[] = [];
        document.addEventListener('securitypolicyviolation', (e) => violations.push(e.violatedDirective));
        const script = document.createElement('script');
        script.textContent = 'window.__inlineRan = true';
        document.head.append(script);
        await new Promise((r) => setTimeout(r, 200));
        return { ran: (window as unknown as { __inlineRan?: boolean }).__inlineRan === true, violations };
      });
      expect(verdict.ran, 'an inline script ran: the built page carries no policy').toBe(false);
      expect(verdict.violations.some((d) => d.startsWith('script-src'))).toBe(true);
      const tiles = await page.evaluate(() => window.kestrel.tiles());
      expect(tiles.delivered, 'the map rendered under its own policy').toBeGreaterThan(4);
      expect(tiles.inView).toMatchObject({ errored: 0, loading: 0 });
      expect(pageErrors).toEqual([]);
    } finally {
      await bare.close();
      await snapshot.remove();
    }
  });
});
