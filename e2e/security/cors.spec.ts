import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dumpIndexedDb } from '../chaos/page-probes.ts';
import { expect, resetServer, test, tileUrl } from '../fixtures.ts';

// A cross-origin tile server that answers with real tiles but no Access-Control-* headers at all.
let noCors: Server;
let noCorsUrl = '';

test.beforeAll(async () => {
  noCors = createServer((req, res) => {
    fetch(`${tileUrl}${req.url}`)
      .then(async (upstream) => {
        res.writeHead(upstream.status, { 'Content-Type': upstream.headers.get('content-type') ?? 'application/octet-stream', 'Cache-Control': 'public, max-age=3600' });
        res.end(Buffer.from(await upstream.arrayBuffer()));
      })
      .catch(() => {
        res.writeHead(502);
        res.end();
      });
  });
  await new Promise<void>((resolve) => noCors.listen(0, '127.0.0.1', resolve));
  noCorsUrl = `http://127.0.0.1:${(noCors.address() as AddressInfo).port}`;
});
test.afterAll(() => new Promise<void>((resolve) => (noCors ? noCors.close(() => resolve()) : resolve())));

test.describe('a cross-origin tile server without CORS', () => {
  test.beforeEach(resetServer);

  test('gives a clear error on the page and caches nothing from it', async ({ page }) => {
    const style = (await (await fetch(`${tileUrl}/style.json`)).json()) as { sources: Record<string, { tiles?: string[] }> };
    for (const source of Object.values(style.sources)) source.tiles = [`${noCorsUrl}/tiles/{z}/{x}/{y}.pbf`];
    await page.route('http://nocors-style.test/**', (route) =>
      route.fulfill({ status: 200, body: JSON.stringify(style), headers: { 'content-type': 'application/json', 'access-control-allow-origin': '*' } }),
    );
    await page.goto(`/?${new URLSearchParams({ style: 'http://nocors-style.test/style.json' })}#4/45/5`);
    await page.evaluate(() => window.kestrel.ready);
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { __tileErrors: string[] }).__tileErrors = seen;
      window.kestrel.map.on('error', (e) => seen.push(String((e as unknown as { error?: Error }).error?.message)));
      // tiles asked before the listener existed are asked again
      window.kestrel.map.jumpTo({ center: [-95, 40], zoom: 5 });
    });

    const notice = page.getByTestId('notice-cors');
    await expect(notice).toBeVisible({ timeout: 20_000 });
    await expect(notice).toContainText('Access-Control-Allow-Origin');
    await expect(page.getByTestId('notice-network'), 'not mistaken for an outage').toBeHidden();
    await expect.poll(() => page.evaluate(() => (window as unknown as { __tileErrors: string[] }).__tileErrors.join('\n'))).toMatch(/cors/i);

    const stats = (await page.evaluate(() => window.kestrel.stats()))!;
    expect(stats.failures.cors ?? 0).toBeGreaterThan(0);
    expect(stats.failures.opaque ?? 0).toBe(0);
    expect(stats.cache.hits.network, 'no tile came through').toBe(0);
    expect(Object.values(stats.breakers).every((b) => b.state === 'closed'), 'a CORS refusal is no outage: breakers stay closed').toBe(true);
    await page.waitForTimeout(300);
    const dump = await dumpIndexedDb(page);
    expect(dump.tileBytes.filter((r) => r.key.includes(new URL(noCorsUrl).host)), 'records from the no-CORS server').toEqual([]);
  });
});
