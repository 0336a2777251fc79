import type { Comparison } from './compare.ts';
import { MEASURES, type MeasureKey } from './measures.ts';
import type { BenchReport, ScenarioInfo } from './results-file.ts';
import { BASELINE_COMPARED, BASELINE_VARIANT } from './scenarios.ts';
import type { ScenarioSummary, Stat, VariantSummary } from './summarise.ts';

export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs >= 100) return Math.round(value).toString();
  if (abs >= 10) return value.toFixed(1).replace(/\.0$/, '');
  return value.toFixed(2).replace(/\.?0+$/, '') || '0';
}

function formatStat(s: Stat | undefined): string {
  if (!s) return '—';
  if (s.min === s.max) return formatNumber(s.median);
  return `${formatNumber(s.median)} (${formatNumber(s.min)}–${formatNumber(s.max)})`;
}

export function describeFaults(doc: unknown): string {
  const f = (doc ?? {}) as Record<string, any>;
  const parts: string[] = [];
  const l = f.latencyMs;
  if (l && 'median' in l) parts.push(`latency lognormal median ${l.median} ms, p99 ${l.p99} ms`);
  else if (l) parts.push(`latency ${l.base}${l.jitter ? `±${l.jitter}` : ''} ms`);
  for (const [code, rate] of Object.entries(f.status ?? {})) parts.push(`${code} ${Math.round(Number(rate) * 1000) / 10} %`);
  for (const key of ['hangRate', 'garbageRate', 'htmlRate', 'truncateRate']) {
    if (f[key]) parts.push(`${key.replace('Rate', '')} ${Math.round(f[key] * 1000) / 10} %`);
  }
  if (f.rateLimit) parts.push(`429 ${Math.round(f.rateLimit.rate * 1000) / 10} %`);
  if (f.maxConnections) parts.push(`maxConnections ${f.maxConnections}`);
  if (f.down) parts.push('down');
  if (f.seed !== undefined) parts.push(`seed ${f.seed}`);
  return parts.length ? parts.join(', ') : 'none (instant)';
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i]?.length ?? 0)));
  return rows.map((r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ').trimEnd()).join('\n');
}

function measureKeys(variants: VariantSummary[]): MeasureKey[] {
  return (Object.keys(MEASURES) as MeasureKey[]).filter((k) => variants.some((v) => v.measures[k]));
}

function label(key: MeasureKey): string {
  const m = MEASURES[key];
  return m.unit && m.unit !== '×' ? `${m.label} (${m.unit})` : m.label;
}

function warnings(s: ScenarioSummary): string[] {
  const out: string[] = [];
  for (const v of s.variants) {
    if (v.mode === 'engine' && v.pageModes.includes('maplibre')) out.push(`!! ${v.variant}: ENGINE NOT LIVE (the page reported mode 'maplibre')`);
    if (v.timeouts > 0) out.push(`!! ${v.variant}: ${v.timeouts}/${v.runs} runs did not settle before the idle timeout (their figures are lower bounds)`);
    for (const e of new Set(v.errors)) out.push(`!! ${v.variant}: run failed: ${e}`);
  }
  return out;
}

// Two variants (off, engine): one row per measure, the ratio last. More (the concurrency sweep): one row per variant.
export function formatScenario(info: ScenarioInfo | undefined, s: ScenarioSummary): string {
  const head = info
    ? `${s.scenario} — ${info.title}  [${info.viewport}, ${info.load}${info.journey ? ` + ${info.journey} journey` : ''}; faults: ${describeFaults(info.faults)}` +
      `${info.setupFaults ? `; setup visit: ${describeFaults(info.setupFaults)}` : ''}]`
    : s.scenario;
  const keys = measureKeys(s.variants);
  let body: string;
  const ratioCell = (r: number | null | undefined) => (typeof r === 'number' ? formatNumber(r) : '—');
  if (s.baselineRatios) {
    // --baseline: one row per measure, every variant a column, then engine/off and engine/engine-baseline
    const rows = [['measure', ...s.variants.map((v) => `${v.variant} median (min–max), n=${v.runs}`), `${BASELINE_COMPARED}/off`, `${BASELINE_COMPARED}/${BASELINE_VARIANT.id}`]];
    for (const k of keys) {
      rows.push([label(k), ...s.variants.map((v) => formatStat(v.measures[k])), ratioCell(s.ratios[BASELINE_COMPARED]?.[k]), ratioCell(s.baselineRatios[BASELINE_COMPARED]?.[k])]);
    }
    body = table(rows);
  } else if (s.variants.length <= 2) {
    const engine = s.variants.find((v) => v.mode === 'engine');
    const rows = [['measure', ...s.variants.map((v) => `${v.variant} median (min–max), n=${v.runs}`), 'engine/off']];
    for (const k of keys) {
      const r = engine ? s.ratios[engine.variant]?.[k] : undefined;
      rows.push([label(k), ...s.variants.map((v) => formatStat(v.measures[k])), typeof r === 'number' ? formatNumber(r) : '—']);
    }
    body = table(rows);
  } else {
    const wanted: MeasureKey[] = ['settleMs', 'tilesDelivered', 'tilePhaseMs', 'littleBoundMs', 'littleRatio', 'littleRatioCapped', 'serverMaxInFlight', 'holeMsPerTile', 'mainMsPerTile'];
    const cols = wanted.filter((k) => keys.includes(k));
    const rows = [['variant', ...cols.map(label)]];
    for (const v of s.variants) rows.push([`${v.variant} (n=${v.runs})`, ...cols.map((k) => formatStat(v.measures[k]))]);
    body = table(rows);
  }
  return [head, body, ...warnings(s)].join('\n');
}

export function formatReport(report: BenchReport): string {
  const e = report.environment;
  const env =
    `Chromium ${e.chromium}, WebGL: ${e.webgl}, viewport ${e.viewport}, ${e.cores} cores, Node ${e.node}, ` +
    `${e.runs} runs per variant (+${e.warmup} warm-up per scenario), app built ${e.appBuiltAt}${e.appDir ? ` (${e.appDir})` : ''}, ` +
    `${e.baseline ? `baseline build ${e.baseline.builtAt} (${e.baseline.dir}), ` : ''}tile timeline from ${e.timeline.join('/') || '?'}` +
    (e.engineLive ? '' : '\n!! THE ENGINE WAS NOT LIVE: engine variants ran MapLibre alone');
  const sections = report.summaries.map((s) => formatScenario(report.scenarios.find((i) => i.id === s.scenario), s));
  return [env, ...sections].join('\n\n');
}

// `against`: what the figures were compared with (an earlier results file, or the baseline build of this run).
export function formatComparison(c: Comparison, tolerance: number, against: string): string {
  const line = (x: Comparison['regressions'][number]) =>
    `  ${x.scenario}/${x.variant} ${x.kind === 'ratio' ? 'engine/off ' : ''}${MEASURES[x.measure].label}: ` +
    `${formatNumber(x.baseline)} → ${formatNumber(x.current)} (${Number.isFinite(x.worseBy) ? `${Math.round(Math.abs(x.worseBy) * 100)} % ${x.worseBy > 0 ? 'worse' : 'better'}` : 'was 0'})`;
  const head = `compared with ${against}: ${c.compared} figures, tolerance ${Math.round(tolerance * 100)} %`;
  return [
    head,
    c.regressions.length ? `REGRESSIONS (${c.regressions.length}):\n${c.regressions.map(line).join('\n')}` : 'no regressions',
    ...(c.improvements.length ? [`improvements (${c.improvements.length}):\n${c.improvements.map(line).join('\n')}`] : []),
  ].join('\n');
}
