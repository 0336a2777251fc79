import { describe, expect, it } from 'vitest';
import { makeSnapshot } from './overlay-fixture.ts';
import { escapeLabelValue, formatValue, toPrometheus } from './prometheus.ts';

// A deliberately strict reader of the 0.0.4 text format, written from the spec rather than from prometheus.ts.
interface ParsedSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

interface Parsed {
  types: Map<string, string>;
  helps: Map<string, string>;
  samples: ParsedSample[];
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL_NAME = '[a-zA-Z_][a-zA-Z0-9_]*';
const LABEL_VALUE = '"(?:[^"\\\\\\n]|\\\\[\\\\"n])*"';
const LABEL_PAIR = `${LABEL_NAME}=${LABEL_VALUE}`;
const FLOAT = '(?:[+-]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][+-]?\\d+)?|NaN|[+-]Inf)';
const SAMPLE_LINE = new RegExp(`^(${NAME})(?:\\{((?:${LABEL_PAIR})(?:,${LABEL_PAIR})*,?)?\\})? (${FLOAT})(?: (-?\\d+))?$`);
const HELP_LINE = new RegExp(`^# HELP (${NAME}) ((?:[^\\\\\\n]|\\\\[\\\\n])*)$`);
const TYPE_LINE = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`);
const LABEL_PAIR_GLOBAL = new RegExp(`(${LABEL_NAME})=(${LABEL_VALUE})`, 'g');

function unescapeLabel(quoted: string): string {
  return quoted.slice(1, -1).replace(/\\([\\"n])/g, (_, c: string) => (c === 'n' ? '\n' : c));
}

function parseValue(text: string): number {
  if (text === '+Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  return Number(text);
}

function familyOf(sampleName: string, types: Map<string, string>): string {
  for (const suffix of ['_sum', '_count', '_bucket']) {
    const base = sampleName.slice(0, -suffix.length);
    if (sampleName.endsWith(suffix) && ['summary', 'histogram'].includes(types.get(base) ?? '')) return base;
  }
  return sampleName;
}

function parseExposition(text: string): Parsed {
  expect(text.endsWith('\n'), 'exposition ends with a line feed').toBe(true);
  const types = new Map<string, string>();
  const helps = new Map<string, string>();
  const samples: ParsedSample[] = [];
  const finished = new Set<string>();
  let current: string | null = null;
  for (const line of text.slice(0, -1).split('\n')) {
    const help = HELP_LINE.exec(line);
    const type = TYPE_LINE.exec(line);
    if (help) {
      expect(helps.has(help[1]), `one HELP for ${help[1]}`).toBe(false);
      helps.set(help[1], help[2]);
      continue;
    }
    if (type) {
      expect(types.has(type[1]), `one TYPE for ${type[1]}`).toBe(false);
      types.set(type[1], type[2]);
      continue;
    }
    expect(line.startsWith('#'), `unexpected comment: ${line}`).toBe(false);
    const match = SAMPLE_LINE.exec(line);
    expect(match, `sample line matches the grammar: ${JSON.stringify(line)}`).not.toBeNull();
    const [, name, labelText = '', valueText] = match!;
    const family = familyOf(name, types);
    expect(types.has(family), `TYPE of ${family} before its samples`).toBe(true);
    if (family !== current) {
      expect(finished.has(family), `samples of ${family} are contiguous`).toBe(false);
      if (current) finished.add(current);
      current = family;
    }
    const labels: Record<string, string> = {};
    for (const [, labelName, quoted] of labelText.matchAll(LABEL_PAIR_GLOBAL)) {
      expect(labels[labelName], `label ${labelName} appears once`).toBeUndefined();
      labels[labelName] = unescapeLabel(quoted);
    }
    samples.push({ name, labels, value: parseValue(valueText) });
  }
  return { types, helps, samples };
}

function sampleValue(parsed: Parsed, name: string, labels: Record<string, string> = {}): number | undefined {
  return parsed.samples.find(
    (s) => s.name === name && Object.keys(labels).length === Object.keys(s.labels).length && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  )?.value;
}

describe('toPrometheus', () => {
  const snapshot = makeSnapshot();
  const parsed = parseExposition(toPrometheus(snapshot));

  it('writes only lines the 0.0.4 grammar accepts, each family typed before its samples', () => {
    expect(parsed.samples.length).toBeGreaterThan(40);
  });

  it('gives every typed family a HELP line', () => {
    expect([...parsed.types.keys()].sort()).toEqual([...parsed.helps.keys()].sort());
  });

  it('never repeats a series', () => {
    const keys = parsed.samples.map((s) => `${s.name}${JSON.stringify(Object.entries(s.labels).sort())}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('names every counter with a _total suffix', () => {
    for (const [name, type] of parsed.types) if (type === 'counter') expect(name).toMatch(/_total$/);
  });

  it('round-trips request, cache, failure and prefetch counters', () => {
    const { stats } = snapshot;
    expect(sampleValue(parsed, 'kestrel_requests_total', { outcome: 'ok' })).toBe(stats.requests.ok);
    expect(sampleValue(parsed, 'kestrel_requests_total', { outcome: 'aborted' })).toBe(stats.requests.aborted);
    expect(sampleValue(parsed, 'kestrel_cache_hits_total', { tier: 'idb' })).toBe(stats.cache.hits.idb);
    expect(sampleValue(parsed, 'kestrel_failures_total', { reason: 'http-5xx' })).toBe(stats.failures['http-5xx']);
    expect(sampleValue(parsed, 'kestrel_retries_total')).toBe(stats.retries.total);
    expect(sampleValue(parsed, 'kestrel_bytes_received_total')).toBe(stats.bytes.network);
    expect(sampleValue(parsed, 'kestrel_prefetch_wasted_total')).toBe(stats.prefetch.wasted);
    expect(sampleValue(parsed, 'kestrel_prefetch_cancelled_total')).toBe(stats.prefetch.cancelled);
    expect(sampleValue(parsed, 'kestrel_prefetch_wasted_bytes_total')).toBe(stats.prefetch.wastedBytes);
    expect(sampleValue(parsed, 'kestrel_prefetch_unused_bytes')).toBe(stats.prefetch.unusedBytes);
    expect(parsed.types.get('kestrel_requests_total')).toBe('counter');
  });

  it('round-trips gauges, including the queue by purpose', () => {
    const { stats } = snapshot;
    expect(sampleValue(parsed, 'kestrel_in_flight')).toBe(stats.inFlight.now);
    expect(sampleValue(parsed, 'kestrel_in_flight_limit')).toBe(stats.inFlight.limit);
    expect(sampleValue(parsed, 'kestrel_queue_depth', { purpose: 'offline-save' })).toBe(0);
    expect(sampleValue(parsed, 'kestrel_cache_bytes', { tier: 'memory' })).toBe(stats.cache.memory.bytes);
    expect(sampleValue(parsed, 'kestrel_idb_status', { status: 'ok' })).toBe(1);
    expect(sampleValue(parsed, 'kestrel_idb_status', { status: 'degraded' })).toBe(0);
    expect(parsed.types.get('kestrel_in_flight')).toBe('gauge');
  });

  it('maps breaker states to 0, 1 and 2 with a host label', () => {
    expect(sampleValue(parsed, 'kestrel_breaker_state', { host: 'tiles.example.com' })).toBe(0);
    expect(sampleValue(parsed, 'kestrel_breaker_state', { host: 'fonts.example.com' })).toBe(1);
    expect(sampleValue(parsed, 'kestrel_breaker_state', { host: 'flaky.example.com' })).toBe(2);
  });

  it('exports latency as a summary in seconds with quantile labels per tier', () => {
    expect(parsed.types.get('kestrel_request_latency_seconds')).toBe('summary');
    const { latencyMs } = snapshot.stats;
    for (const tier of ['memory', 'idb', 'network', 'all'] as const) {
      expect(sampleValue(parsed, 'kestrel_request_latency_seconds', { tier, quantile: '0.5' })).toBe(latencyMs[tier].p50 / 1000);
      expect(sampleValue(parsed, 'kestrel_request_latency_seconds', { tier, quantile: '0.95' })).toBe(latencyMs[tier].p95 / 1000);
      expect(sampleValue(parsed, 'kestrel_request_latency_seconds', { tier, quantile: '0.99' })).toBe(latencyMs[tier].p99 / 1000);
    }
  });

  it('leaves out quantiles of a tier without samples rather than exporting zeros', () => {
    const empty = makeSnapshot();
    empty.stats.latencyMs.idb = { p50: 0, p95: 0, p99: 0, count: 0 };
    const reparsed = parseExposition(toPrometheus(empty));
    expect(reparsed.samples.some((s) => s.name === 'kestrel_request_latency_seconds' && s.labels.tier === 'idb')).toBe(false);
    expect(sampleValue(reparsed, 'kestrel_request_latency_window_samples', { tier: 'idb' })).toBe(0);
  });

  it('escapes label values so any host name survives the round trip', () => {
    const hostile = makeSnapshot();
    const host = 'we"ird\\host\nname';
    hostile.stats.breakers = { [host]: { state: 'open', consecutiveFailures: 9, answered: 0, failed: 9 } };
    const reparsed = parseExposition(toPrometheus(hostile));
    expect(sampleValue(reparsed, 'kestrel_breaker_state', { host })).toBe(2);
  });

  it('exports page health and web vitals in base units', () => {
    const { vitals, pageHealth } = snapshot;
    expect(sampleValue(parsed, 'kestrel_web_vital_seconds', { name: 'LCP', rating: 'good' })).toBe(vitals.LCP!.value / 1000);
    expect(sampleValue(parsed, 'kestrel_web_vital_cls')).toBe(vitals.CLS!.value);
    expect(sampleValue(parsed, 'kestrel_page_fps')).toBe(pageHealth.fps);
    expect(sampleValue(parsed, 'kestrel_long_tasks_total')).toBe(pageHealth.longTasks.count);
  });

  it('omits page-health samples the browser cannot measure', () => {
    const sparse = makeSnapshot();
    sparse.pageHealth = { fps: null, fpsWindowMs: 5000, longTasks: { supported: false, count: 0, totalMs: 0, maxMs: 0 }, heap: null };
    sparse.vitals = { LCP: null, INP: null, CLS: null, FCP: null, TTFB: null };
    const reparsed = parseExposition(toPrometheus(sparse));
    for (const name of ['kestrel_page_fps', 'kestrel_long_tasks_total', 'kestrel_js_heap_used_bytes', 'kestrel_web_vital_seconds']) {
      expect(reparsed.samples.some((s) => s.name === name), name).toBe(false);
      expect(reparsed.types.has(name), name).toBe(true);
    }
  });

  it('round-trips non-finite and extreme values', () => {
    const odd = makeSnapshot();
    odd.stats.latencyMs.network = { p50: Number.NaN, p95: Number.POSITIVE_INFINITY, p99: 1e25, count: 3 };
    const reparsed = parseExposition(toPrometheus(odd));
    expect(sampleValue(reparsed, 'kestrel_request_latency_seconds', { tier: 'network', quantile: '0.5' })).toBeNaN();
    expect(sampleValue(reparsed, 'kestrel_request_latency_seconds', { tier: 'network', quantile: '0.95' })).toBe(Number.POSITIVE_INFINITY);
    expect(sampleValue(reparsed, 'kestrel_request_latency_seconds', { tier: 'network', quantile: '0.99' })).toBe(1e22);
  });
});

describe('escapeLabelValue and formatValue', () => {
  it('escapes backslash, quote and line feed only', () => {
    expect(escapeLabelValue('a\\b"c\nd\te')).toBe('a\\\\b\\"c\\nd\te');
  });
  it('spells non-finite values the way Prometheus parses them', () => {
    expect(formatValue(Number.NaN)).toBe('NaN');
    expect(formatValue(Number.NEGATIVE_INFINITY)).toBe('-Inf');
    expect(formatValue(0.1 + 0.2)).toBe('0.30000000000000004');
  });
});

describe('the test reader itself', () => {
  it('rejects an unescaped quote in a label value', () => {
    expect(() => parseExposition('# HELP x h\n# TYPE x gauge\nx{host="a"b"} 1\n')).toThrow();
  });
  it('rejects a sample before its TYPE line', () => {
    expect(() => parseExposition('x 1\n# TYPE x gauge\n')).toThrow();
  });
  it('rejects interleaved families', () => {
    expect(() => parseExposition('# TYPE x gauge\n# TYPE y gauge\nx 1\ny 1\nx{a="b"} 2\n')).toThrow();
  });
  it('rejects a value Go cannot parse', () => {
    expect(() => parseExposition('# TYPE x gauge\nx Infinity\n')).toThrow();
  });
});
