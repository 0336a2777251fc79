import { readFile } from 'node:fs/promises';
import { dumpIndexedDb } from '../chaos/page-probes.ts';
import { expect, resetServer, test, tileUrl } from '../fixtures.ts';

const SECRET = 'PLANTED-SECRET';
// A style host that exists only in this test (page.route), whose tile URLs carry an access token, and whose own
// URL carries one too.
// `key` is a secret parameter (a credential on MapTiler, content elsewhere): kept out of storage as well.
const STYLE_URL = `http://style.test/style.json?access_token=${SECRET}&key=${SECRET}-K`;

test.describe('credentials in URLs', () => {
  test.beforeEach(resetServer);

  test('a token in tile and style URLs never reaches IndexedDB, stats, logs or the overlay exports', async ({ page, context }) => {
    const style = (await (await fetch(`${tileUrl}/style.json`)).json()) as { sources: Record<string, { tiles?: string[] }> };
    // the style repeats the tokens in its tile URLs, as hosted styles do: its stored bytes must not carry them
    for (const source of Object.values(style.sources)) source.tiles = source.tiles?.map((t) => `${t}?access_token=${SECRET}&key=${SECRET}-K`);
    await page.route('http://style.test/**', (route) =>
      route.fulfill({ status: 200, body: JSON.stringify(style), headers: { 'content-type': 'application/json', 'access-control-allow-origin': '*', 'cache-control': 'max-age=60' } }),
    );
    const logs: string[] = [];
    context.on('console', (message) => logs.push(message.text()));
    let tokenSent = 0;
    context.on('request', (request) => {
      if (request.url().startsWith(tileUrl) && request.url().includes(SECRET)) tokenSent++;
    });

    await page.goto(`/?${new URLSearchParams({ style: STYLE_URL, perf: '1' })}#5/47/5`);
    await page.evaluate(() => window.kestrel.ready);
    await page.evaluate(() => window.kestrel.idle());
    for (const center of [[-95, 40], [100, 30]] as [number, number][]) {
      await page.evaluate((c) => void window.kestrel.map.jumpTo({ center: c, zoom: 5 }), center);
      await page.evaluate(() => window.kestrel.idle());
    }
    // the batched IndexedDB writes land a few tens of ms behind the tiles
    await page.waitForTimeout(500);
    expect(tokenSent, 'the token did go to the tile server').toBeGreaterThan(0);

    const dump = await dumpIndexedDb(page);
    expect(dump.stores.tiles, 'tiles were cached').toBeGreaterThan(0);
    expect(dump.text).toContain('/tiles/');
    expect(dump.text).not.toContain(SECRET);
    // no credential parameter with a value left in keys or metadata (the stored style names which ones it held)
    expect(dump.text).not.toMatch(/access_token=|key=(?!kd1-)/);
    // the style itself is stored (its bytes are there, placeholders where the tokens were) and carries no token
    expect(dump.bytesText, 'the style was stored in IndexedDB').toContain('"sources"');
    expect(dump.bytesText).not.toContain(SECRET);

    const stats = JSON.stringify(await page.evaluate(() => window.kestrel.stats()));
    expect(stats).not.toContain(SECRET);
    const audit = JSON.stringify(await page.evaluate(() => window.kestrel.audit()));
    expect(audit).not.toContain(SECRET);

    await expect(page.getByTestId('overlay-root')).toBeVisible();
    const [json] = await Promise.all([page.waitForEvent('download'), page.getByTestId('overlay-export-json').click()]);
    const [prom] = await Promise.all([page.waitForEvent('download'), page.getByTestId('overlay-export-prometheus').click()]);
    const exported = (await readFile((await json.path())!, 'utf8')) + (await readFile((await prom.path())!, 'utf8'));
    expect(exported.length).toBeGreaterThan(100);
    expect(exported).not.toContain(SECRET);

    expect(logs.filter((line) => line.includes(SECRET))).toEqual([]);
    // the notices (e.g. "not answering (host)") name hosts, never URLs with their queries
    expect(await page.locator('.kestrel-notices').innerText()).not.toContain(SECRET);
  });
});
