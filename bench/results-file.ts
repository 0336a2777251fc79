import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunResult } from './run-scenario.ts';
import type { ScenarioSummary } from './summarise.ts';

export interface BenchEnvironment {
  chromium: string;
  webgl: string;
  viewport: string;
  cores: number;
  node: string;
  platform: string;
  // mtime of the dist/index.html the runs were served from
  appBuiltAt: string;
  // --app: the build directory served instead of dist/ (absent otherwise)
  appDir?: string;
  // --baseline: the other build, run as the variant engine-baseline (absent otherwise)
  baseline?: { dir: string; builtAt: string };
  runs: number;
  warmup: number;
  // which tile timeline was read: the app's window.kestrel.tiles() or the benchmark's stand-in
  timeline: string[];
  // did the engine variants actually run the engine
  engineLive: boolean;
  // wall-clock seconds per scenario (warm-up included) and for all of them; absent from older files
  wallS?: Record<string, number>;
}

export interface ScenarioInfo {
  id: string;
  title: string;
  viewport: string;
  hash: string;
  load: string;
  journey?: string;
  faults: unknown;
  setupFaults?: unknown;
  idleTimeoutMs: number;
  tileCacheControl: string;
}

export interface BenchReport {
  version: 1;
  createdAt: string;
  environment: BenchEnvironment;
  scenarios: ScenarioInfo[];
  summaries: ScenarioSummary[];
  runs: RunResult[];
}

// bench/results/<ISO date>.json and bench/results/latest.json; returns the dated path.
export async function writeResults(dir: string, report: BenchReport): Promise<string> {
  await mkdir(dir, { recursive: true });
  const body = `${JSON.stringify(report, null, 2)}\n`;
  const dated = join(dir, `${report.createdAt.replace(/:/g, '-')}.json`);
  await writeFile(dated, body);
  await writeFile(join(dir, 'latest.json'), body);
  return dated;
}

export async function readResults(path: string): Promise<BenchReport> {
  const parsed = JSON.parse(await readFile(path, 'utf8')) as BenchReport;
  if (parsed.version !== 1 || !Array.isArray(parsed.summaries)) throw new Error(`${path} is not a benchmark results file (version 1)`);
  return parsed;
}
