import type { Page } from '@playwright/test';
import { expect, test } from '../fixtures.ts';

// `?style=` is untrusted input. Each bad style gets a clear notice on the page (and `ready` rejects), never a
// blank map without a word, a hung page, or script run from the document.
const giant = JSON.stringify({
  version: 8,
  sources: {},
  layers: Array.from({ length: 80_000 }, (_, i) => ({ id: `layer-${i}`, type: 'background', paint: { 'background-color': '#abcdef' } })),
});
const STYLES: Record<string, string> = {
  malformed: '{"version": 8, "sources": {',
  'not-json': 'hello, this is not a style',
  'wrong-types': JSON.stringify({ version: 8, sources: 'nope', layers: 5 }),
  giant,
  'javascript-urls': JSON.stringify({
    version: 8,
    sprite: 'javascript:alert(1)',
    sources: { s: { type: 'vector', tiles: ['javascript:alert(2)//{z}/{x}/{y}'] } },
    layers: [{ id: 'bg', type: 'background', paint: { 'background-color': '#fff' } }, { id: 'l', type: 'line', source: 's', 'source-layer': 'x' }],
  }),
};

async function open(page: Page, style: string): Promise<{ ready: string; notices: string; dialogs: string[] }> {
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await page.route('http://style.test/**', (route) =>
    route.fulfill({ status: 200, body: STYLES[new URL(route.request().url()).pathname.slice(1)], headers: { 'content-type': 'application/json', 'access-control-allow-origin': '*' } }),
  );
  await page.goto(`/?${new URLSearchParams({ style })}`);
  await page.waitForFunction(() => window.kestrel !== undefined);
  const ready = await page.evaluate(() =>
    Promise.race([window.kestrel.ready.then(() => 'loaded', (error: Error) => `rejected: ${error.message}`), new Promise<string>((r) => setTimeout(() => r('still waiting'), 15_000))]),
  );
  return { ready, notices: await page.locator('.kestrel-notices').innerText(), dialogs };
}

test.describe('untrusted ?style= input', () => {
  for (const [name, expected] of [
    ['malformed', /not valid JSON|malformed JSON/i],
    ['not-json', /malformed JSON|not valid JSON/i],
    ['wrong-types', /sources: object expected, string found/],
    ['giant', /too large/],
  ] as const) {
    test(`${name} style document: a clear error notice, and ready rejects`, async ({ page, pageErrors }) => {
      const started = Date.now();
      const { ready, notices, dialogs } = await open(page, `http://style.test/${name}`);
      expect(ready).toMatch(/^rejected: Could not load the map style/);
      expect(notices).toMatch(expected);
      expect(notices).toContain('Could not load the map style from http://style.test/');
      expect(Date.now() - started, 'answered promptly, the page not hung').toBeLessThan(15_000);
      expect(dialogs).toEqual([]);
      expect(pageErrors).toEqual([]);
    });
  }

  for (const style of ['javascript:alert(document.domain)', 'data:application/json,{"version":8,"sources":{},"layers":[]}']) {
    test(`a ${style.split(':')[0]}: ?style= address is refused with a clear notice`, async ({ page }) => {
      const { ready, notices, dialogs } = await open(page, style);
      expect(ready).toMatch(/must be http\(s\)/);
      expect(notices).toContain(`the ?style= address must be http(s), not ${style.split(':')[0]}:`);
      expect(dialogs).toEqual([]);
      // refused means never handed to MapLibre: it has no style at all (before the fix, the data: style loaded)
      await page.waitForTimeout(1000);
      expect(await page.evaluate(() => ({ style: window.kestrel.map.style !== undefined, loaded: window.kestrel.map.loaded() }))).toEqual({ style: false, loaded: false });
    });
  }

  // Relative and protocol-relative addresses used to go to MapLibre's own loader, past the engine and its size cap.
  for (const [form, style] of [['relative', '/giant-style.json'], ['protocol-relative', '//style.test/giant']] as const) {
    test(`a ${form} ?style= address goes through the engine: its size cap refuses a giant style`, async ({ page, baseURL }) => {
      await page.route(`${baseURL}/giant-style.json`, (route) => route.fulfill({ status: 200, body: giant, headers: { 'content-type': 'application/json' } }));
      const { ready, notices } = await open(page, style);
      expect(ready).toMatch(/^rejected: Could not load the map style/);
      expect(notices).toMatch(/too large/);
    });
  }

  test('javascript: addresses inside a style are not run, and the page says part of the style failed', async ({ page, pageErrors }) => {
    const { ready, notices, dialogs } = await open(page, 'http://style.test/javascript-urls');
    expect(ready).toBe('loaded');
    expect(notices).toContain('Part of the map style could not be loaded');
    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
