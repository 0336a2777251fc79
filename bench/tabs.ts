import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { BrowserContext, Page } from '@playwright/test';
import type { EngineStats } from '../packages/kestrel/src/contract/engine-api.ts';
import { launchBrowser } from './browser.ts';
import { startBenchServers } from './servers.ts';

// `npm run bench:tabs [-- --runs 1] [--out DIR]`
//
// Three tabs of one browser panning at once, before and after one engine for every tab (issue 17), in the same
// run: `off` (an engine per tab, the way before), `shared` (one SharedWorker) and `leader` (the Web Locks fallback).
// Each variant gets a fresh browser context (empty IndexedDB) against the same tile server, with 100 ms latency,
// maxInFlight 4 and a 512 KiB IndexedDB budget. The tabs start near each other (a planner and a viewer of one region)
// and pan the same way, so what one tab fetched another may want. Measured per variant: the tile server's own max
// in flight and tile requests, the share of the tabs' tile asks answered by a memory tier (each tab's own asks, from
// `stats().sharing.tab`; never the engine's prefetches), and the bytes of tiles in the origin's IndexedDB (read by
// the page, from the database itself) against the budget. Writes bench/results/tabs-<time>.json and tabs-latest.json
// and prints a table.

const log = (line: string) => process.stderr.write(`${line}\n`);
const arg = (name: string) => {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : undefined;
};

const RUNS = Number(arg('runs') ?? 1);
const OUT = resolve(arg('out') ?? 'bench/results');
const VARIANTS = ['off', 'shared', 'leader'] as const;
const MAX_IN_FLIGHT = 4;
// small enough that the pans pass it: eviction has to hold the budget for the whole origin
const BUDGET = 512 * 1024;
const VIEWS = ['6/47/5', '6/46/8', '6/45/6'];
const PAN_STEPS = 10;

interface Row {
  variant: (typeof VARIANTS)[number];
  run: number;
  serverMaxInFlight: number;
  serverTileRequests: number;
  memoryHitShare: number;
  tabAnswers: { memory: number; idb: number; network: number };
  idbBytes: number;
  idbBudget: number;
  engines: number;
  wallMs: number;
}

async function openTab(context: BrowserContext, appUrl: string, styleUrl: string, hash: string, tabs: string): Promise<Page> {
  const page = await context.newPage();
  const params = new URLSearchParams({ style: styleUrl, tabs, maxInFlight: String(MAX_IN_FLIGHT), engineOptions: JSON.stringify({ idbCacheBytes: BUDGET }) });
  await page.goto(`${appUrl}/?${params}#${hash}`);
  await page.waitForFunction(() => window.kestrel !== undefined);
  await page.evaluate(() => window.kestrel.ready);
  await page.evaluate(() => window.kestrel.idle());
  return page;
}

async function pan(page: Page): Promise<void> {
  await page.evaluate(async (steps) => {
    for (let i = 0; i < steps; i++) {
      window.kestrel.map.panBy([700, 260], { duration: 250 });
      await new Promise((resolve) => setTimeout(resolve, 320));
    }
  }, PAN_STEPS);
  await page.evaluate(() => window.kestrel.idle());
}

// The witness for the budget: every stored tile's bytes, read from the database by the page.
function storedBytes(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      new Promise<number>((done, fail) => {
        const open = indexedDB.open('kestrel');
        open.onerror = () => fail(open.error);
        open.onsuccess = () => {
          let sum = 0;
          const cursor = open.result.transaction('tileBytes').objectStore('tileBytes').openCursor();
          cursor.onerror = () => fail(cursor.error);
          cursor.onsuccess = () => {
            const at = cursor.result;
            if (!at) return done(sum), open.result.close();
            sum += (at.value as ArrayBuffer | null)?.byteLength ?? 0;
            at.continue();
          };
        };
      }),
  );
}

async function main(): Promise<void> {
  const servers = await startBenchServers({ root: process.cwd(), rebuild: false, origins: ['default'], log });
  const browser = await launchBrowser();
  const rows: Row[] = [];
  try {
    const { tiles, styleUrl } = servers.endpoint('default');
    for (let run = 1; run <= RUNS; run++) {
      for (const variant of VARIANTS) {
        const started = Date.now();
        const context = await browser.newContext({ viewport: { width: 800, height: 600 }, serviceWorkers: 'block' });
        tiles.setFaults({ latencyMs: { base: 100, jitter: 0 } });
        tiles.resetStats();
        const pages: Page[] = [];
        // one after the other, as a user opens tabs; then all three pan at once
        for (const view of VIEWS) pages.push(await openTab(context, servers.appUrl, styleUrl, view, variant));
        await Promise.all(pages.map(pan));
        await pages[0].waitForTimeout(500);
        const server = tiles.stats();
        const stats = (await Promise.all(pages.map((page) => page.evaluate(() => window.kestrel.stats())))) as EngineStats[];
        const answers = { memory: 0, idb: 0, network: 0 };
        for (const s of stats) for (const tier of ['memory', 'idb', 'network'] as const) answers[tier] += s.sharing?.tab?.hits[tier] ?? 0;
        const total = answers.memory + answers.idb + answers.network;
        rows.push({
          variant,
          run,
          serverMaxInFlight: server.maxInFlight,
          serverTileRequests: Object.values(server.byTile).reduce((sum, n) => sum + n, 0),
          memoryHitShare: total ? answers.memory / total : 0,
          tabAnswers: answers,
          idbBytes: await storedBytes(pages[0]),
          idbBudget: BUDGET,
          engines: new Set(stats.map((s) => s.sharing?.hub ?? Math.random())).size,
          wallMs: Date.now() - started,
        });
        log(`${variant} run ${run}: ${JSON.stringify(rows.at(-1))}`);
        await context.close();
      }
    }
  } finally {
    await browser.close();
    await servers.close();
  }
  const createdAt = new Date().toISOString();
  const report = { version: 1, createdAt, setup: { tabs: VIEWS.length, views: VIEWS, panSteps: PAN_STEPS, maxInFlight: MAX_IN_FLIGHT, latencyMs: 100, idbBudget: BUDGET, runs: RUNS }, rows };
  mkdirSync(OUT, { recursive: true });
  const body = `${JSON.stringify(report, null, 2)}\n`;
  writeFileSync(join(OUT, `tabs-${createdAt.replace(/:/g, '-')}.json`), body);
  writeFileSync(join(OUT, 'tabs-latest.json'), body);
  console.log(formatTable(rows));
}

function formatTable(rows: Row[]): string {
  const head = ['variant', 'run', 'engines', 'server max in flight', 'server tile requests', 'memory-tier share of tab asks', 'IndexedDB bytes / budget'];
  const lines = rows.map((r) => [
    r.variant === 'off' ? 'off (before)' : r.variant,
    String(r.run),
    String(r.engines),
    `${r.serverMaxInFlight} (bound ${MAX_IN_FLIGHT})`,
    String(r.serverTileRequests),
    `${(r.memoryHitShare * 100).toFixed(0)} % (${r.tabAnswers.memory}/${r.tabAnswers.memory + r.tabAnswers.idb + r.tabAnswers.network})`,
    `${(r.idbBytes / 1024).toFixed(0)} KiB / ${(r.idbBudget / 1024).toFixed(0)} KiB (${((r.idbBytes / r.idbBudget) * 100).toFixed(0)} %)`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [fmt(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...lines.map(fmt)].join('\n');
}

await main();
