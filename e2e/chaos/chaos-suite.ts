import type { Browser } from '@playwright/test';
import { chaosPlan, type ChaosMode } from './chaos-plan.ts';
import { ChaosRun } from './chaos-run.ts';
import { formatVerdict, judge, writeVerdict, type ChaosVerdict } from './chaos-verdict.ts';
import { ChaosWorld } from './chaos-world.ts';

// One seeded chaos run from start to verdict: our own tile server and app server, the journey and its faults,
// then the checks, printed as a table and written to e2e/chaos/results/.
export async function runChaos(browser: Browser, seed: number, mode: ChaosMode): Promise<ChaosVerdict> {
  const world = new ChaosWorld();
  await world.start();
  try {
    const plan = chaosPlan(seed, mode);
    console.log(`chaos ${mode}, seed ${seed}: ${plan.phases.map((p) => p.kind).join(' → ')} → IndexedDB blocked`);
    const run = await new ChaosRun(world, browser, plan, (line) => console.log(line)).run();
    world.takeStats();
    const verdict = judge(run, world.totals, world.distDir, new URL(world.tileUrl).host);
    const file = writeVerdict(verdict, run);
    console.log(`${formatVerdict(verdict)}\n(written to ${file})`);
    return verdict;
  } finally {
    await world.close();
  }
}

export function failedChecks(verdict: ChaosVerdict): string[] {
  return verdict.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.figure}`);
}
