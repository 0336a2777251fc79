import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import type { Browser } from '@playwright/test';
import { launchBrowser } from './browser.ts';
import { BenchArgsError, parseBenchArgs, USAGE, type BenchArgs } from './cli-args.ts';
import { compareSummaries, compareWithBaseline } from './compare.ts';
import { describeFaults, formatComparison, formatReport } from './report.ts';
import { readResults, writeResults, type BenchReport, type ScenarioInfo } from './results-file.ts';
import { runOnce, type RunEnv, type RunResult } from './run-scenario.ts';
import { SCENARIOS, selectScenarios, withBaseline, type Scenario, type Variant } from './scenarios.ts';
import { startBenchServers } from './servers.ts';
import { summariseRuns } from './summarise.ts';

const log = (line: string) => process.stderr.write(`${line}\n`);

function parse(): BenchArgs {
  try {
    return parseBenchArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof BenchArgsError)) throw error;
    log(`bench: ${error.message}\n\n${USAGE}`);
    process.exit(2);
  }
}

function scenarioInfo(s: Scenario): ScenarioInfo {
  return {
    id: s.id,
    title: s.title,
    viewport: `${s.viewport.width}×${s.viewport.height}`,
    hash: s.hash,
    load: s.load,
    journey: s.journey,
    faults: s.faults,
    setupFaults: s.setupFaults,
    idleTimeoutMs: s.idleTimeoutMs,
    tileCacheControl: s.tileOrigin === 'no-cache' ? 'no-cache' : 'public, max-age=3600',
  };
}

// The renderer string WebGL reports (SwiftShader here): the figures only compare within one renderer.
async function webglRenderer(browser: Browser): Promise<string> {
  const page = await browser.newPage();
  try {
    return await page.evaluate(() => {
      const gl = document.createElement('canvas').getContext('webgl2');
      if (!gl) return 'unavailable';
      const info = gl.getExtension('WEBGL_debug_renderer_info');
      const renderer = String(info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
      return /swiftshader/i.test(renderer) ? `software (SwiftShader): ${renderer}` : renderer;
    });
  } finally {
    await page.close();
  }
}

function progress(r: RunResult): string {
  const m = r.measures;
  const figures = [`settle ${m.settleMs ?? '—'} ms`, `delivered ${m.tilesDelivered ?? '—'}`, `missing ${m.tilesMissing ?? '—'}`, `server ${m.serverRequests ?? '—'} req`];
  const mode = r.mode === 'engine' && r.pageMode === 'maplibre' ? ' (ENGINE NOT LIVE)' : '';
  return `  ${r.scenario}/${r.variant}#${r.run}${mode}: ${r.outcome}${r.error ? ` — ${r.error}` : ''}; ${figures.join(', ')}`;
}

async function main(): Promise<number> {
  const args = parse();
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  if (args.list) {
    for (const s of SCENARIOS) {
      console.log(`${s.id.padEnd(16)} ${s.title}${s.extra ? ' (extra: --all or --scenario)' : ''}  [${s.viewport.width}×${s.viewport.height}; faults: ${describeFaults(s.faults)}; variants: ${s.variants.map((v) => v.id).join(', ')}]`);
    }
    return 0;
  }
  const selected = selectScenarios(args.scenarios, args.all);
  // --baseline adds the variant engine-baseline to every scenario with an `engine` variant
  const scenarios = args.baseline ? selected.map(withBaseline) : selected;
  const earlier = args.compare ? await readResults(args.compare) : undefined;

  const root = resolve(import.meta.dirname, '..');
  const servers = await startBenchServers({
    root,
    rebuild: args.build,
    origins: scenarios.map((s) => s.tileOrigin ?? 'default'),
    log,
    app: args.app,
    baseline: args.baseline,
  });
  let browser: Browser | undefined;
  const stop = () => {
    log('bench: interrupted, closing the browser and servers');
    void Promise.allSettled([browser?.close(), servers.close()]).then(() => process.exit(130));
  };
  process.once('SIGINT', stop);
  try {
    browser = await launchBrowser();
    // A baseline variant loads the baseline build, from its own origin (and that origin's style copy).
    const envFor = (s: Scenario, v: Variant): RunEnv => {
      const build = v.app === 'baseline' ? 'baseline' : 'app';
      const { tiles, styleUrl } = servers.endpoint(s.tileOrigin ?? 'default', build);
      const appUrl = build === 'baseline' ? servers.baseline!.url : servers.appUrl;
      return { browser: browser!, appUrl, styleUrl, tiles, persistentProfiles: true };
    };
    log(`bench: app ${servers.appUrl}, Chromium ${browser.version()}`);
    if (servers.baseline) {
      log(`bench: baseline ${servers.baseline.dir} at ${servers.baseline.url}`);
      const without = scenarios.filter((s) => !s.variants.some((v) => v.app === 'baseline')).map((s) => s.id);
      if (without.length > 0) log(`bench: no engine-baseline for ${without.join(', ')} (no \`engine\` variant to compare)`);
    }
    const runs: RunResult[] = [];
    const wallS: Record<string, number> = {};
    const benchStarted = Date.now();
    for (const scenario of scenarios) {
      log(`${scenario.id}: ${scenario.title}`);
      const started = Date.now();
      // The warm-up only has the tile server cut the scenario's tiles. It runs the last variant, an engine one
      // everywhere: MapLibre alone would wait for a hung tile until the idle timeout.
      const warmupVariant = scenario.variants[scenario.variants.length - 1];
      for (let i = 0; i < args.warmup; i++) {
        const w = await runOnce(envFor(scenario, warmupVariant), scenario, warmupVariant, -1 - i);
        log(`  (warm-up) ${progress(w).trim()}`);
      }
      // Variants alternate run by run (off, engine, off, engine…) so drift over time hits all of them.
      for (let run = 0; run < args.runs; run++) {
        for (const variant of scenario.variants) {
          const r = await runOnce(envFor(scenario, variant), scenario, variant, run);
          runs.push(r);
          log(progress(r));
        }
      }
      wallS[scenario.id] = Math.round((Date.now() - started) / 1000);
      log(`  ${scenario.id}: ${wallS[scenario.id]} s`);
    }
    const summaries = summariseRuns(runs);
    const viewports = [...new Set(scenarios.map((s) => `${s.viewport.width}×${s.viewport.height}`))];
    const report: BenchReport = {
      version: 1,
      createdAt: new Date().toISOString(),
      environment: {
        chromium: browser.version(),
        webgl: await webglRenderer(browser),
        viewport: viewports.join(', '),
        cores: availableParallelism(),
        node: process.version,
        platform: `${process.platform} ${process.arch}`,
        appBuiltAt: servers.appBuiltAt,
        ...(args.app ? { appDir: resolve(args.app) } : {}),
        ...(servers.baseline ? { baseline: { dir: servers.baseline.dir, builtAt: servers.baseline.builtAt } } : {}),
        runs: args.runs,
        warmup: args.warmup,
        timeline: [...new Set(runs.map((r) => r.timeline).filter((t): t is 'app' | 'bench' => t !== undefined))],
        engineLive: runs.some((r) => r.mode === 'engine' && r.pageMode === 'engine'),
        wallS: { total: Math.round((Date.now() - benchStarted) / 1000), ...wallS },
      },
      scenarios: scenarios.map(scenarioInfo),
      summaries,
      runs,
    };
    const path = await writeResults(resolve(root, args.out), report);
    console.log(formatReport(report));
    console.log(`\nresults: ${path} (and latest.json beside it)`);
    if (servers.baseline) {
      // Informational: the exit status stays --compare's.
      const vsBaseline = compareWithBaseline(summaries, args.tolerance);
      console.log(`\n${formatComparison(vsBaseline, args.tolerance, `the baseline build (engine-baseline, same run, ${servers.baseline.dir})`)}`);
    }
    if (earlier) {
      const comparison = compareSummaries(earlier.summaries, summaries, args.tolerance, args.ratiosOnly);
      console.log(`\n${formatComparison(comparison, args.tolerance, args.compare!)}`);
      if (comparison.regressions.length > 0) return 1;
    }
    return 0;
  } finally {
    process.off('SIGINT', stop);
    await browser?.close();
    await servers.close();
  }
}

process.exitCode = await main();
