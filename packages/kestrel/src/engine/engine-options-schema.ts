import * as v from 'valibot';
import type { EngineOptions } from '../contract/engine-api.ts';

// One schema for the whole options document (valibot: small, typed, well kept). `configure` and `?engineOptions=`
// both check the complete document, after merging a patch over the current options, and either apply all of it
// or nothing, with a message that names the field. Bounds are what the engine can honour, not taste: a budget of
// 1e12 bytes is no budget, and a NaN slips past every `<` comparison the scheduler makes.

const TiB = 2 ** 40;
const HOUR_MS = 3_600_000;

const int = (min: number, max: number) => v.pipe(v.number(), v.integer('an integer'), v.minValue(min), v.maxValue(max));
const ms = (min: number, max: number) => v.pipe(v.number(), v.finite(), v.minValue(min), v.maxValue(max));
const fraction = v.pipe(v.number(), v.finite(), v.minValue(0), v.maxValue(1));
const bytes = (min: number) => int(min, TiB);
// Query parameter names. Each list replaces its defaults, and may not be empty: an empty list would persist the
// tokens the defaults keep out of storage. Each name is a plain token (no `=`, `&`, `?` or `#`).
const paramNames = v.pipe(
  v.array(v.pipe(v.string(), v.regex(/^[^=&?#\s]{1,64}$/, 'a query parameter name'))),
  v.minLength(1, 'at least one name'),
  v.maxLength(64),
);

export const EngineOptionsSchema = v.strictObject({
  maxInFlight: int(1, 256),
  maxInFlightPerHost: int(1, 256),
  retry: v.strictObject({
    baseMs: ms(0, HOUR_MS),
    capMs: ms(0, HOUR_MS),
    maxAttempts: int(1, 100),
    attemptTimeoutMs: ms(1, HOUR_MS),
    deadlineMs: ms(1, 24 * HOUR_MS),
    budgetRatio: fraction,
    budgetFloor: int(0, 1_000_000),
    budgetWindowMs: ms(1, 24 * HOUR_MS),
    tailFactor: v.pipe(v.number(), v.finite(), v.minValue(0), v.maxValue(1000)),
    tailFloorMs: ms(0, HOUR_MS),
    tailMinSamples: int(1, 100_000),
  }),
  breaker: v.strictObject({ failureThreshold: int(1, 10_000), coolDownMs: ms(0, 24 * HOUR_MS) }),
  aimd: v.strictObject({ decreaseFactor: fraction, increaseStep: v.pipe(v.number(), v.finite(), v.minValue(0), v.maxValue(256)), latencyTargetMs: ms(1, HOUR_MS) }),
  maxTileBytes: bytes(1),
  memoryCacheBytes: bytes(0),
  idbCacheBytes: bytes(0),
  warmStart: v.boolean(),
  credentialParams: paramNames,
  secretParams: paramNames,
  prefetch: v.strictObject({ enabled: v.boolean(), maxShare: fraction, bytesPerMinute: bytes(0), horizonMs: ms(0, 60_000), maxWasteShare: fraction }),
  audit: v.optional(v.boolean()),
});

/** Options that do not satisfy the schema: the message names the first field and what was wrong with it. */
export class EngineOptionsError extends RangeError {
  constructor(readonly field: string, detail: string) {
    super(`${field}: ${detail}`);
    this.name = 'EngineOptionsError';
  }
}

/** The complete options document, checked; throws EngineOptionsError naming the first bad field. */
export function checkEngineOptions(options: unknown): EngineOptions {
  const result = v.safeParse(EngineOptionsSchema, options);
  if (result.success) return result.output as EngineOptions;
  const [issue] = result.issues;
  const field = v.getDotPath(issue) ?? '(options)';
  if (issue.expected === 'never') throw new EngineOptionsError(field, 'not an engine option');
  const expected = ['integer', 'regex', 'min_length'].includes(issue.type) ? issue.message : (issue.expected ?? 'a valid value');
  throw new EngineOptionsError(field, `expected ${expected}, got ${issue.received}`);
}
