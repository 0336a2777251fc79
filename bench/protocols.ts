// `npm run bench:protocols`: HTTP/1.1 against HTTP/2, as CDNs serve tiles. One static export of our pyramid is
// served by Debian's nginx twice, over HTTP/1.1 (TLS) and over HTTP/2 (TLS), each behind a TCP proxy that delays
// every chunk by --latency ms each way (a round trip of twice that). For each protocol, the engine and MapLibre's
// own loading (`?engine=off`) do a cold load of a 1280×960 view and then the scripted pan, --runs times; the
// medians and the ratios (HTTP/2 ÷ HTTP/1.1) go to bench/results/protocols-latest.json.
// WebGL is software-rendered here (SwiftShader) and the machine has 2 cores: read ratios, not absolute times.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir, availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Browser, Page } from '@playwright/test';
import { startNginx, type NginxHost } from '../e2e/nginx/nginx-host.ts';
import { exportStatic, fillBase } from '../tile-server/export-static.ts';
import { launchBrowser } from './browser.ts';
import { JOURNEYS, playJourney } from './journeys.ts';
import { startBenchServers } from './servers.ts';
import { delayingProxy, type DelayingProxy } from './delaying-proxy.ts';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    latency: { type: 'string', default: '40' },
    out: { type: 'string', default: 'bench/results/protocols-latest.json' },
  },
});
const RUNS = Number(args.runs);
const LATENCY_MS = Number(args.latency);
const VIEWPORT = { width: 1280, height: 960 };
const HASH = '4/48/8';
const log = (line: string) => process.stderr.write(`${line}\n`);

interface RunFigures {
  coldWholeMs: number;
  coldTiles: number;
  coldHoleMsPerTile: number;
  panHoleMsPerTile: number;
  panTiles: number;
  panWholeAfterMs: number;
  requests: number;
  protocols: string[];
}

async function whole(page: Page, timeoutMs = 60_000): Promise<void> {
  await page.waitForFunction(() => {
    const t = window.kestrel.tiles();
    return t.inView.loaded > 0 && t.inView.errored === 0 && t.inView.loading === 0 && t.pending === 0;
  }, undefined, { timeout: timeoutMs, polling: 100 });
}

async function oneRun(browser: Browser, appUrl: string, host: NginxHost, proxy: DelayingProxy, engine: boolean): Promise<RunFigures> {
  const context = await browser.newContext({ viewport: VIEWPORT, serviceWorkers: 'block', ignoreHTTPSErrors: true });
  try {
    const page = await context.newPage();
    host.clearLog();
    const params = new URLSearchParams({ style: `${proxy.url}/style.json`, ...(engine ? {} : { engine: 'off' }) });
    const started = Date.now();
    await page.goto(`${appUrl}/?${params}#${HASH}`);
    await page.waitForFunction(() => window.kestrel !== undefined);
    await page.evaluate(() => window.kestrel.ready);
    await whole(page);
    const coldWholeMs = Date.now() - started;
    const cold = await page.evaluate(() => window.kestrel.tiles());
    await page.evaluate(() => window.kestrel.resetStats());
    const { endedAt } = await playJourney(page, JOURNEYS.pan);
    await whole(page);
    const panWholeAfterMs = (await page.evaluate(() => performance.now())) - endedAt;
    const pan = await page.evaluate(() => window.kestrel.tiles());
    const log = host.log().filter((e) => e.uri.startsWith('/tiles/'));
    return {
      coldWholeMs,
      coldTiles: cold.delivered,
      coldHoleMsPerTile: cold.delivered ? cold.holeTimeMs / cold.delivered : 0,
      panHoleMsPerTile: pan.delivered ? pan.holeTimeMs / pan.delivered : 0,
      panTiles: pan.delivered,
      panWholeAfterMs: Math.max(0, panWholeAfterMs),
      requests: log.length,
      protocols: [...new Set(log.map((e) => e.protocol))],
    };
  } finally {
    await context.close();
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function summarise(runs: RunFigures[]) {
  const keys = ['coldWholeMs', 'coldHoleMsPerTile', 'panHoleMsPerTile', 'panWholeAfterMs', 'requests', 'coldTiles', 'panTiles'] as const;
  return Object.fromEntries(keys.map((k) => [k, Math.round(median(runs.map((r) => r[k])) * 10) / 10])) as Record<(typeof keys)[number], number>;
}

async function main(): Promise<void> {
  const root = resolve('.');
  const exported = mkdtempSync(join(tmpdir(), 'kestrel-protocols-'));
  log('exporting z0–6…');
  exportStatic({ outDir: exported, minZoom: 0, maxZoom: 6 });
  const servers = await startBenchServers({ root, rebuild: false, origins: [], log });
  const browser = await launchBrowser();
  const results: Record<string, unknown> = {};
  const cleanups: (() => Promise<void>)[] = [];
  try {
    for (const [name, http2] of [['http/1.1', false], ['h2', true]] as const) {
      const dir = mkdtempSync(join(tmpdir(), 'kestrel-protocols-root-'));
      cpSync(exported, dir, { recursive: true });
      // TLS both ways, so the only difference is the protocol (HTTP/1.1 over TLS still pays its 6-connection cap)
      const host = await startNginx({ root: dir, http2, tls: true, cacheControl: 'max-age=60' });
      const proxy = await delayingProxy(new URL(host.url), LATENCY_MS);
      fillBase(dir, proxy.url);
      cleanups.push(async () => {
        await proxy.close();
        await host.stop();
        rmSync(dir, { recursive: true, force: true });
      });
      const byMode: Record<string, unknown> = {};
      for (const engine of [true, false]) {
        const runs: RunFigures[] = [];
        await oneRun(browser, servers.appUrl, host, proxy, engine); // warm-up (JIT, disk)
        for (let i = 0; i < RUNS; i++) {
          const r = await oneRun(browser, servers.appUrl, host, proxy, engine);
          log(`${name} ${engine ? 'engine' : 'maplibre'} run ${i + 1}: cold whole ${r.coldWholeMs} ms, pan hole ${r.panHoleMsPerTile.toFixed(0)} ms/tile, ${r.requests} req over ${r.protocols.join('/')}`);
          runs.push(r);
        }
        byMode[engine ? 'engine' : 'maplibre'] = { median: summarise(runs), runs };
      }
      results[name] = byMode;
    }
    const ratio = (mode: 'engine' | 'maplibre', key: 'coldWholeMs' | 'coldHoleMsPerTile' | 'panHoleMsPerTile') => {
      const h1 = (results['http/1.1'] as Record<string, { median: Record<string, number> }>)[mode].median[key];
      const h2 = (results.h2 as Record<string, { median: Record<string, number> }>)[mode].median[key];
      return h1 > 0 ? Math.round((h2 / h1) * 100) / 100 : null;
    };
    const report = {
      createdAt: new Date().toISOString(),
      environment: {
        note: 'software WebGL (SwiftShader), 2 cores: compare ratios, not absolute times',
        cores: availableParallelism(),
        latencyMsEachWay: LATENCY_MS,
        viewport: `${VIEWPORT.width}×${VIEWPORT.height}`,
        view: HASH,
        journey: 'pan (10 × 300 px)',
        runs: RUNS,
      },
      ratiosH2OverH1: {
        engine: { coldWhole: ratio('engine', 'coldWholeMs'), coldHolePerTile: ratio('engine', 'coldHoleMsPerTile'), panHolePerTile: ratio('engine', 'panHoleMsPerTile') },
        maplibre: { coldWhole: ratio('maplibre', 'coldWholeMs'), coldHolePerTile: ratio('maplibre', 'coldHoleMsPerTile'), panHolePerTile: ratio('maplibre', 'panHoleMsPerTile') },
      },
      results,
    };
    mkdirSync(join(root, 'bench', 'results'), { recursive: true });
    writeFileSync(resolve(args.out!), `${JSON.stringify(report, null, 2)}\n`);
    log(`written to ${args.out}`);
    log(JSON.stringify(report.ratiosH2OverH1));
  } finally {
    await browser.close();
    for (const cleanup of cleanups) await cleanup();
    await servers.close();
    rmSync(exported, { recursive: true, force: true });
  }
}

await main();
