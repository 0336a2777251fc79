export type LatencySpec = { base: number; jitter: number } | { median: number; p99: number };

export const RETRY_AFTER_FORMS = ['seconds', 'http-date', 'none'] as const;
export type RetryAfterForm = (typeof RETRY_AFTER_FORMS)[number];

export interface FaultDocument {
  seed?: number;
  latencyMs?: LatencySpec;
  status?: Record<string, number>;
  // retryAfterForm: how the 429 states its delay, as real hosts do: delta-seconds (default), an HTTP-date that
  // many seconds ahead, or no Retry-After at all (nginx's limit_req)
  rateLimit?: { rate: number; retryAfterS: number; retryAfterForm?: RetryAfterForm };
  hangRate?: number;
  garbageRate?: number;
  htmlRate?: number;
  truncateRate?: number;
  slowBody?: { rate: number; bytesPerSecond: number };
  // a 200 whose body runs past any sane tile size (OVERSIZE_BYTES, streamed without Content-Length)
  oversizeRate?: number;
  maxConnections?: number;
  down?: boolean;
}

export class FaultDocumentError extends Error {
  override name = 'FaultDocumentError';
}

const TOP_KEYS = [
  'seed',
  'latencyMs',
  'status',
  'rateLimit',
  'hangRate',
  'garbageRate',
  'htmlRate',
  'truncateRate',
  'slowBody',
  'oversizeRate',
  'maxConnections',
  'down',
] as const;

// A minute of injected latency is already far beyond any client timeout worth testing.
const MAX_LATENCY_MS = 60_000;

type Obj = Record<string, unknown>;

function fail(message: string): never {
  throw new FaultDocumentError(message);
}

function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  return value === undefined ? 'nothing' : JSON.stringify(value) ?? String(value);
}

function onlyKeys(value: Obj, path: string, allowed: readonly string[]): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) fail(`unknown key "${path}${key}" in fault document; allowed ${path ? `in ${path.slice(0, -1)}` : 'keys'}: ${allowed.join(', ')}`);
  }
}

function number(value: unknown, path: string, min: number, max: number, integer = false): number {
  const kind = integer ? 'an integer' : 'a number';
  if (typeof value !== 'number' || !Number.isFinite(value) || (integer && !Number.isInteger(value)) || value < min || value > max) {
    fail(`"${path}" must be ${kind} in [${min}, ${max}], got ${describe(value)}`);
  }
  return value;
}

function rate(value: unknown, path: string): number {
  return number(value, path, 0, 1);
}

function object(value: unknown, path: string, shape: string): Obj {
  if (!isObject(value)) fail(`"${path}" must be an object ${shape}, got ${describe(value)}`);
  return value;
}

function latency(value: unknown): LatencySpec {
  const shape = '{"base": ms, "jitter": ms} or {"median": ms, "p99": ms}';
  const v = object(value, 'latencyMs', shape);
  if ('median' in v || 'p99' in v) {
    onlyKeys(v, 'latencyMs.', ['median', 'p99']);
    const median = number(v.median, 'latencyMs.median', 0, MAX_LATENCY_MS);
    const p99 = number(v.p99, 'latencyMs.p99', 0, MAX_LATENCY_MS);
    if (median <= 0) fail(`"latencyMs.median" must be > 0 for a lognormal delay, got ${median}`);
    if (p99 < median) fail(`"latencyMs.p99" (${p99}) must be ≥ "latencyMs.median" (${median})`);
    return { median, p99 };
  }
  onlyKeys(v, 'latencyMs.', ['base', 'jitter']);
  if (!('base' in v)) fail(`"latencyMs" must be ${shape}`);
  const base = number(v.base, 'latencyMs.base', 0, MAX_LATENCY_MS);
  const jitter = v.jitter === undefined ? 0 : number(v.jitter, 'latencyMs.jitter', 0, MAX_LATENCY_MS);
  return { base, jitter };
}

function statusRates(value: unknown): Record<string, number> {
  const v = object(value, 'status', '{"<code>": rate}');
  const out: Record<string, number> = {};
  for (const [code, r] of Object.entries(v)) {
    if (!/^[45]\d\d$/.test(code)) fail(`"status" keys must be HTTP error codes 400–599, got "${code}"`);
    out[code] = rate(r, `status.${code}`);
  }
  return out;
}

// Every request gets at most one outcome, so outcome rates are probabilities of disjoint events.
function outcomeRateSum(doc: FaultDocument): number {
  const statuses = Object.values(doc.status ?? {}).reduce((a, b) => a + b, 0);
  return (
    statuses +
    (doc.rateLimit?.rate ?? 0) +
    (doc.hangRate ?? 0) +
    (doc.garbageRate ?? 0) +
    (doc.htmlRate ?? 0) +
    (doc.truncateRate ?? 0) +
    (doc.slowBody?.rate ?? 0) +
    (doc.oversizeRate ?? 0)
  );
}

// Validates and normalises a fault document (defaults filled in). Throws FaultDocumentError naming the
// offending key. An empty object means "no faults".
export function parseFaultDocument(input: unknown): FaultDocument {
  if (!isObject(input)) fail(`fault document must be a JSON object, got ${describe(input)}`);
  onlyKeys(input, '', TOP_KEYS);
  const doc: FaultDocument = {};
  if (input.seed !== undefined) doc.seed = number(input.seed, 'seed', 0, 0xffffffff, true);
  if (input.latencyMs !== undefined) doc.latencyMs = latency(input.latencyMs);
  if (input.status !== undefined) doc.status = statusRates(input.status);
  if (input.rateLimit !== undefined) {
    const v = object(input.rateLimit, 'rateLimit', '{"rate": 0–1, "retryAfterS": seconds, "retryAfterForm": "seconds" | "http-date" | "none"}');
    onlyKeys(v, 'rateLimit.', ['rate', 'retryAfterS', 'retryAfterForm']);
    doc.rateLimit = {
      rate: rate(v.rate, 'rateLimit.rate'),
      // Retry-After is whole seconds in HTTP.
      retryAfterS: v.retryAfterS === undefined ? 1 : number(v.retryAfterS, 'rateLimit.retryAfterS', 0, 3600, true),
    };
    if (v.retryAfterForm !== undefined) {
      if (!RETRY_AFTER_FORMS.includes(v.retryAfterForm as RetryAfterForm)) {
        throw new FaultDocumentError(`rateLimit.retryAfterForm must be one of ${RETRY_AFTER_FORMS.join(', ')}, got ${JSON.stringify(v.retryAfterForm)}`);
      }
      doc.rateLimit.retryAfterForm = v.retryAfterForm as RetryAfterForm;
    }
  }
  for (const key of ['hangRate', 'garbageRate', 'htmlRate', 'truncateRate', 'oversizeRate'] as const) {
    if (input[key] !== undefined) doc[key] = rate(input[key], key);
  }
  if (input.slowBody !== undefined) {
    const v = object(input.slowBody, 'slowBody', '{"rate": 0–1, "bytesPerSecond": n}');
    onlyKeys(v, 'slowBody.', ['rate', 'bytesPerSecond']);
    doc.slowBody = {
      rate: rate(v.rate, 'slowBody.rate'),
      bytesPerSecond: v.bytesPerSecond === undefined ? 2000 : number(v.bytesPerSecond, 'slowBody.bytesPerSecond', 1, 1e9),
    };
  }
  if (input.maxConnections !== undefined) doc.maxConnections = number(input.maxConnections, 'maxConnections', 0, 10_000, true);
  if (input.down !== undefined) {
    if (typeof input.down !== 'boolean') fail(`"down" must be true or false, got ${describe(input.down)}`);
    doc.down = input.down;
  }
  const sum = outcomeRateSum(doc);
  if (sum > 1 + 1e-9) {
    fail(`outcome rates (status, rateLimit.rate, hangRate, garbageRate, htmlRate, truncateRate, slowBody.rate, oversizeRate) add up to ${+sum.toFixed(6)}; each request gets at most one outcome, so they must add up to ≤ 1`);
  }
  return doc;
}
