// `npm run bench:pmtiles`: one PMTiles archive of our pyramid on a static host, read three ways in one run:
//   engine-pmtiles    Kestrel's engine reading the archive by byte ranges (`pmtiles://`), from nginx;
//   protocol-pmtiles  the same archive through the PMTiles MapLibre Protocol, no engine (`?engine=off`): what an app
//                     without Kestrel uses;
//   engine-zxy        z/x/y tiles from our Node tile server, through the engine.
//   engine-pmtiles-cdn  the same as engine-pmtiles, the archive on another host than the app (as on a CDN or object
//                     storage): it does not share HTTP/1.1's 6 connections per host with the app's own files.
// Every host sits behind a TCP proxy that delays each chunk by --latency ms each way. For each variant and run, in
// a fresh browser profile on disk: a cold load of a 1280×960 view, the scripted pan, then a warm reload.
// Measured: cold time to the whole view and hole time per tile, pan hole time per tile, the warm reload's requests
// and time, and bytes on the wire per tile delivered. Medians and ratios go to bench/results/pmtiles-latest.json.
// WebGL is software-rendered here (SwiftShader) and the machine has 2 cores: read ratios, not absolute times.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { BrowserContext, Page } from '@playwright/test';
import { startNginx } from '../e2e/nginx/nginx-host.ts';
import { archiveStyle, exportStatic } from '../tile-server/export-static.ts';
import { startTileServer } from '../tile-server/tile-server.ts';
import { ARCHIVE_PATH, buildStaticSite, STYLE_PATH, writeSiteStyle } from '../scripts/static-site.ts';
import { launchProfile } from './browser.ts';
import { delayingProxy } from './delaying-proxy.ts';
import { JOURNEYS, playJourney } from './journeys.ts';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    latency: { type: 'string', default: '40' },
    maxzoom: { type: 'string', default: '6' },
    out: { type: 'string', default: 'bench/results/pmtiles-latest.json' },
    variants: { type: 'string', default: 'engine-pmtiles,protocol-pmtiles,engine-zxy,engine-pmtiles-cdn' },
  },
});
const RUNS = Number(args.runs);
const LATENCY_MS = Number(args.latency);
const MAX_ZOOM = Number(args.maxzoom);
const VIEWPORT = { width: 1280, height: 960 };
const HASH = '4/48/8';
const log = (line: string) => process.stderr.write(`${line}\n`);

type Variant = 'engine-pmtiles' | 'protocol-pmtiles' | 'engine-zxy' | 'engine-pmtiles-cdn';
const VARIANTS = args.variants!.split(',') as Variant[];

interface RunFigures {
  coldWholeMs: number;
  coldHoleMsPerTile: number;
  panHoleMsPerTile: number;
  warmWholeMs: number;
  warmRequests: number;
  bytesPerTile: number;
  // requests for the archive's header, directories and metadata (pmtiles variants; engine: its own count)
  directoryRequests: number | null;
  tiles: number;
  // the engine's prefetch on the pan: share of prefetched tiles a visible ask used (null without the engine)
  prefetchHitRatio: number | null;
}

// What reached the tile host so far: requests and body bytes.
interface HostCounter {
  read(): Promise<{ requests: number; bytes: number }>;
}

async function whole(page: Page, timeoutMs = 90_000): Promise<void> {
  await page.waitForFunction(() => {
    const t = window.kestrel.tiles();
    return t.inView.loaded > 0 && t.inView.errored === 0 && t.inView.loading === 0 && t.pending === 0;
  }, undefined, { timeout: timeoutMs, polling: 100 });
}

async function opened(page: Page, url: string): Promise<number> {
  const started = Date.now();
  await page.goto(url);
  await page.waitForFunction(() => window.kestrel !== undefined);
  await page.evaluate(() => window.kestrel.ready);
  await whole(page);
  return Date.now() - started;
}

async function oneRun(url: string, counter: HostCounter, variant: Variant): Promise<RunFigures> {
  const profile = mkdtempSync(join(tmpdir(), 'kestrel-bench-pmtiles-'));
  let context: BrowserContext | undefined;
  try {
    context = await launchProfile(profile, VIEWPORT);
    const page = context.pages()[0] ?? (await context.newPage());
    const before = await counter.read();
    const coldWholeMs = await opened(page, url);
    const cold = await page.evaluate(() => window.kestrel.tiles());
    await page.evaluate(() => window.kestrel.resetStats());
    await playJourney(page, JOURNEYS.pan);
    await whole(page);
    const pan = await page.evaluate(() => window.kestrel.tiles());
    const engineStats = await page.evaluate(() => window.kestrel.stats());
    const archive = Object.values(engineStats?.archives ?? {})[0];
    const afterPan = await counter.read();
    // IndexedDB writes trail the tiles by a few tens of ms
    await page.waitForTimeout(800);
    const beforeWarm = await counter.read();
    const warmStarted = Date.now();
    await page.reload();
    await page.waitForFunction(() => window.kestrel !== undefined);
    await page.evaluate(() => window.kestrel.ready);
    await whole(page);
    const warmWholeMs = Date.now() - warmStarted;
    const afterWarm = await counter.read();
    const tiles = cold.delivered + pan.delivered;
    return {
      coldWholeMs,
      coldHoleMsPerTile: cold.delivered ? cold.holeTimeMs / cold.delivered : 0,
      panHoleMsPerTile: pan.delivered ? pan.holeTimeMs / pan.delivered : 0,
      warmWholeMs,
      warmRequests: afterWarm.requests - beforeWarm.requests,
      bytesPerTile: tiles ? (afterPan.bytes - before.bytes) / tiles : 0,
      directoryRequests: variant.startsWith('engine-pmtiles') && archive ? archive.rangeRequests.header + archive.rangeRequests.directory : null,
      tiles,
      prefetchHitRatio: engineStats ? engineStats.prefetch.hitRatio : null,
    };
  } finally {
    await context?.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function summarise(runs: RunFigures[]): Record<string, number | null> {
  const keys = ['coldWholeMs', 'coldHoleMsPerTile', 'panHoleMsPerTile', 'warmWholeMs', 'warmRequests', 'bytesPerTile', 'tiles'] as const;
  const out: Record<string, number | null> = Object.fromEntries(keys.map((k) => [k, Math.round(median(runs.map((r) => r[k])) * 10) / 10]));
  for (const key of ['directoryRequests', 'prefetchHitRatio'] as const) {
    const known = runs.map((r) => r[key]).filter((d): d is number => d !== null);
    out[key] = known.length ? Math.round(median(known) * 100) / 100 : null;
  }
  return out;
}

function directorySize(dir: string): { files: number; bytes: number } {
  const out = execFileSync('find', [dir, '-type', 'f', '-printf', '%s\n']).toString().trim().split('\n').filter(Boolean).map(Number);
  return { files: out.length, bytes: out.reduce((a, b) => a + b, 0) };
}

async function main(): Promise<void> {
  const root = resolve('.');
  if (!existsSync('dist/index.html')) execFileSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build'], { stdio: 'inherit' });
  const work = mkdtempSync(join(tmpdir(), 'kestrel-bench-pmtiles-site-'));
  const cleanups: (() => Promise<void>)[] = [];
  try {
    log(`exporting z0–${MAX_ZOOM} as one PMTiles archive…`);
    const site = buildStaticSite({ distDir: 'dist', siteDir: join(work, 'site'), maxZoom: MAX_ZOOM });
    log(`exporting z0–${MAX_ZOOM} as a z/x/y tree, for the size comparison…`);
    exportStatic({ outDir: join(work, 'tree'), minZoom: 0, maxZoom: MAX_ZOOM });
    const tree = directorySize(join(work, 'tree', 'tiles'));

    const nginx = await startNginx({ root: site.siteDir, archiveCacheControl: 'max-age=300' });
    const siteProxy = await delayingProxy(new URL(nginx.url), LATENCY_MS);
    cleanups.push(async () => {
      await siteProxy.close();
      await nginx.stop();
    });
    writeSiteStyle(site.siteDir, siteProxy.url);
    // the same nginx behind a second proxy: another origin (port) for the archive only
    const cdnProxy = await delayingProxy(new URL(nginx.url), LATENCY_MS);
    cleanups.push(() => cdnProxy.close());
    writeFileSync(join(site.siteDir, 'data', 'style-cdn.json'), JSON.stringify(archiveStyle(`${siteProxy.url}/data`, `${cdnProxy.url}${ARCHIVE_PATH}`)));
    const tiles = await startTileServer({ port: 0, cacheControl: 'public, max-age=3600', warm: { minZoom: 0, maxZoom: 5 }, log: () => undefined });
    const tileProxy = await delayingProxy(new URL(tiles.url), LATENCY_MS);
    cleanups.push(async () => {
      await tileProxy.close();
      await tiles.close();
    });

    const archiveCounter: HostCounter = {
      read: async () => {
        const entries = nginx.log().filter((e) => e.uri === ARCHIVE_PATH);
        return { requests: entries.length, bytes: entries.reduce((sum, e) => sum + e.bytes, 0) };
      },
    };
    const tileCounter: HostCounter = {
      read: async () => {
        const stats = (await (await fetch(`${tiles.url}/__stats`)).json()) as { requests: number; bytesSent: number };
        return { requests: stats.requests, bytes: stats.bytesSent };
      },
    };
    const urls: Record<Variant, { url: string; counter: HostCounter }> = {
      'engine-pmtiles': { url: `${siteProxy.url}/?style=${encodeURIComponent(STYLE_PATH)}#${HASH}`, counter: archiveCounter },
      'protocol-pmtiles': { url: `${siteProxy.url}/?engine=off&style=${encodeURIComponent(STYLE_PATH)}#${HASH}`, counter: archiveCounter },
      'engine-pmtiles-cdn': { url: `${siteProxy.url}/?style=${encodeURIComponent('/data/style-cdn.json')}#${HASH}`, counter: archiveCounter },
      'engine-zxy': { url: `${siteProxy.url}/?style=${encodeURIComponent(`${tileProxy.url}/style.json`)}#${HASH}`, counter: tileCounter },
    };

    const results: Record<string, { median: Record<string, number | null>; runs: RunFigures[] }> = {};
    for (const variant of VARIANTS) {
      const { url, counter } = urls[variant];
      await oneRun(url, counter, variant); // warm-up (JIT, disk, the tile server's own cache)
      const runs: RunFigures[] = [];
      for (let i = 0; i < RUNS; i++) {
        const r = await oneRun(url, counter, variant);
        log(`${variant} run ${i + 1}: cold ${r.coldWholeMs} ms, pan hole ${r.panHoleMsPerTile.toFixed(0)} ms/tile, warm ${r.warmWholeMs} ms with ${r.warmRequests} requests, ${r.bytesPerTile.toFixed(0)} B/tile`);
        runs.push(r);
      }
      results[variant] = { median: summarise(runs), runs };
    }
    const ratio = (a: Variant, b: Variant, key: string) => {
      if (!results[a] || !results[b]) return null;
      const x = results[a].median[key];
      const y = results[b].median[key];
      return x !== null && y !== null && y > 0 ? Math.round((x / y) * 100) / 100 : null;
    };
    const keys = ['coldWholeMs', 'coldHoleMsPerTile', 'panHoleMsPerTile', 'warmWholeMs', 'bytesPerTile'];
    const report = {
      createdAt: new Date().toISOString(),
      environment: {
        note: 'software WebGL (SwiftShader), 2 cores: compare ratios, not absolute times',
        cores: availableParallelism(),
        latencyMsEachWay: LATENCY_MS,
        viewport: `${VIEWPORT.width}×${VIEWPORT.height}`,
        view: HASH,
        journey: 'cold load, pan (10 × 300 px), warm reload; a fresh profile on disk per run',
        runs: RUNS,
      },
      archive: {
        zooms: `0–${MAX_ZOOM}`,
        bytes: statSync(site.archiveFile).size,
        zxyTree: tree,
      },
      ratios: {
        engineOverProtocol: Object.fromEntries(keys.map((k) => [k, ratio('engine-pmtiles', 'protocol-pmtiles', k)])),
        enginePmtilesOverZxy: Object.fromEntries(keys.map((k) => [k, ratio('engine-pmtiles', 'engine-zxy', k)])),
        cdnOverSameHost: Object.fromEntries(keys.map((k) => [k, ratio('engine-pmtiles-cdn', 'engine-pmtiles', k)])),
      },
      results,
    };
    mkdirSync(join(root, 'bench', 'results'), { recursive: true });
    writeFileSync(resolve(args.out!), `${JSON.stringify(report, null, 2)}\n`);
    log(`written to ${args.out}`);
    log(JSON.stringify({ archive: report.archive, ratios: report.ratios, medians: Object.fromEntries(Object.entries(results).map(([k, v]) => [k, v.median])) }, null, 1));
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
