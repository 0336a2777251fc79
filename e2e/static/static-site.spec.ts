import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { exportPmtiles } from '../../tile-server/export-pmtiles.ts';
import { ARCHIVE_PATH, buildStaticSite, type StaticSite, viewerUrl, writeSiteStyle } from '../../scripts/static-site.ts';
import { reassertOffline, serverStats } from '../fixtures.ts';
import { type AccessLogEntry, nginxAvailable, startNginx } from '../nginx/nginx-host.ts';

// The whole app from nginx alone: the built app, one PMTiles archive and a `pmtiles://` style, as
// `npm run serve:static` and docs/DEPLOY.md deploy it. No Node process serves the page anything; nginx's own
// access log and the browser's request list are the witnesses.

const MAX_ZOOM = 4;
const WHOLE_WITHIN_MS = 45_000;

let site: StaticSite;
let work: string;

test.describe('the app and a PMTiles archive on a static host (nginx alone)', () => {
  test.describe.configure({ mode: 'serial' });

  test.beforeAll(() => {
    // A spec must fail, never skip, when what it measures is missing.
    if (!nginxAvailable()) throw new Error('nginx not found: apt-get install -y nginx-light (or set KESTREL_NGINX)');
    work = mkdtempSync(join(tmpdir(), 'kestrel-static-'));
    site = buildStaticSite({ distDir: process.env.KESTREL_DIST ?? 'dist', siteDir: join(work, 'site'), maxZoom: MAX_ZOOM });
  });

  test.afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test('cold load, pan, a warm reload with 0 range requests, and a reload offline', async ({ browser }) => {
    const host = await startNginx({ root: site.siteDir, archiveCacheControl: 'max-age=300' });
    const context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
    try {
      writeSiteStyle(site.siteDir, host.url);
      const nodeBefore = (await serverStats()).requests;
      // every request of the page and its workers (the engine's and MapLibre's), as the browser saw it
      const asked: string[] = [];
      context.on('request', (request) => asked.push(request.url()));
      const page = await context.newPage();

      // Prefetch off: the offline reload below toggles the emulation off and on (reassertOffline), and a ring at rest
      // planned in that instant reached nginx in one CI run. What is checked is the view, not the guesses.
      await page.goto(`${viewerUrl(host.url)}&prefetch=off#3/50/10`);
      await mapSettled(page);
      await expectWhole(page);
      const cold = archiveRequests(host.log());
      expect(cold.length).toBeGreaterThan(2);
      // every read of the archive a byte range, answered 206: nothing downloaded whole
      expect(cold.every((e) => e.status === 206 && /^bytes=\d+-\d+$/.test(e.range))).toBe(true);
      const stats = await archiveStats(page);
      expect(stats.rangeRequests.tile).toBeGreaterThan(0);
      expect(stats.rangeRequests.header).toBe(1);

      host.clearLog();
      await page.evaluate(() => void window.kestrel.map.jumpTo({ center: [-100, 40], zoom: 4 }));
      await page.evaluate(() => window.kestrel.idle());
      await expectWhole(page);
      const pan = archiveRequests(host.log());
      expect(pan.length).toBeGreaterThan(0);
      expect(pan.every((e) => e.status === 206)).toBe(true);

      // Warm: header, directories and tiles all come from the engine's IndexedDB tier.
      // IndexedDB writes are batched a few tens of ms behind the tiles
      await page.waitForTimeout(500);
      await underServiceWorker(page);
      host.clearLog();
      await page.reload();
      await mapSettled(page);
      await expectWhole(page);
      expect(archiveRequests(host.log())).toEqual([]);
      const warm = await page.evaluate(() => window.kestrel.stats());
      expect((warm?.cache.hits.idb ?? 0) + (warm?.cache.hits.memory ?? 0)).toBeGreaterThan(0);

      // Offline: the service worker has the app, the engine the map.
      host.clearLog();
      await context.setOffline(true);
      await page.reload({ waitUntil: 'commit' });
      await reassertOffline(context);
      await mapSettled(page);
      await expectWhole(page);
      expect(host.log()).toEqual([]);
      await context.setOffline(false);

      // nginx alone: no request went anywhere else, and our Node tile server (running for other specs) saw none
      const origin = new URL(host.url).origin;
      expect(asked.filter((url) => /^https?:/.test(url) && new URL(url).origin !== origin)).toEqual([]);
      expect((await serverStats()).requests).toBe(nodeBefore);
    } finally {
      await context.close();
      await host.stop();
    }
  });

  test('a host that ignores Range: the whole archive is never downloaded, and the page says why', async ({ browser }) => {
    const host = await startNginx({ root: site.siteDir, ranges: false });
    const context = await browser.newContext();
    try {
      writeSiteStyle(site.siteDir, host.url);
      const page = await context.newPage();
      await page.goto(`${viewerUrl(host.url)}#2/20/0`);
      const notice = page.getByTestId('notice-archive');
      await expect(notice).toBeVisible({ timeout: 20_000 });
      await expect(notice).toContainText('byte ranges');
      const reads = archiveRequests(host.log());
      // nginx answered 200 (the whole file); the engine refused each on its status line, without retrying
      expect(reads.length).toBeGreaterThan(0);
      expect(reads.every((e) => e.status === 200)).toBe(true);
      expect(reads.length).toBeLessThanOrEqual(2);
      const stats = await archiveStats(page);
      expect(stats.problem?.reason).toBe('range-ignored');
      expect(stats.rangeRequests.tile).toBe(0);
    } finally {
      await context.close();
      await host.stop();
    }
  });

  test('an archive replaced on the host mid-session: the old version is dropped, the map shows only the new one', async ({ browser }) => {
    const host = await startNginx({ root: site.siteDir });
    const context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
    const original = join(work, 'original.pmtiles');
    copyFileSync(site.archiveFile, original);
    try {
      writeSiteStyle(site.siteDir, host.url);
      const page = await context.newPage();
      await page.goto(`${viewerUrl(host.url)}#3/50/10`);
      await mapSettled(page);
      await expectWhole(page);
      const before = await archiveStats(page);

      // a new upload at the same URL: other zooms, so other offsets, and a new ETag
      exportPmtiles({ outFile: site.archiveFile, minZoom: 0, maxZoom: MAX_ZOOM - 1 });
      await page.evaluate(() => void window.kestrel.map.jumpTo({ center: [120, -25], zoom: 3 }));
      await expect.poll(async () => (await archiveStats(page)).replaced, { timeout: 20_000 }).toBe(1);
      const after = await archiveStats(page);
      expect(after.version).not.toBe(before.version);
      await expect(page.getByTestId('notice-archive-replaced')).toBeVisible({ timeout: 10_000 });
      await page.evaluate(() => window.kestrel.idle());
      await expectWhole(page);
      // every range after the replacement named the new version: nginx's log has no 416 or 200
      expect(archiveRequests(host.log()).filter((e) => e.status !== 206)).toEqual([]);
    } finally {
      copyFileSync(original, site.archiveFile);
      await context.close();
      await host.stop();
    }
  });
});

function archiveRequests(log: AccessLogEntry[]): AccessLogEntry[] {
  return log.filter((e) => e.uri === ARCHIVE_PATH);
}

async function archiveStats(page: Page) {
  const stats = await page.evaluate(() => window.kestrel.stats());
  const archives = Object.values(stats?.archives ?? {});
  expect(archives).toHaveLength(1);
  return archives[0];
}

async function mapSettled(page: Page): Promise<void> {
  await page.waitForFunction(() => window.kestrel !== undefined);
  await page.evaluate(() => window.kestrel.ready);
  await page.evaluate(() => window.kestrel.idle());
}

async function expectWhole(page: Page): Promise<void> {
  await expect
    .poll(
      async () =>
        page.evaluate(() => {
          const t = window.kestrel.tiles();
          return { errored: t.inView.errored, loading: t.inView.loading, pending: t.pending, some: t.inView.loaded > 0 };
        }),
      { timeout: WHOLE_WITHIN_MS, intervals: [250] },
    )
    .toEqual({ errored: 0, loading: 0, pending: 0, some: true });
}

// The app registers its service worker once the first view settled; one reload puts it in charge (as a second
// visit does), so the offline reload finds the app shell.
async function underServiceWorker(page: Page): Promise<void> {
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  if (!(await page.evaluate(() => navigator.serviceWorker.controller !== null))) {
    await page.reload();
    await mapSettled(page);
  }
}
