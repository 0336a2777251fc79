import type { DeepPartial, EngineOptions } from '../contract/engine-api.ts';
import { DEFAULT_CREDENTIAL_PARAMS, DEFAULT_SECRET_PARAMS } from './credential-params.ts';
import { EngineOptionsError, checkEngineOptions } from './engine-options-schema.ts';

const MiB = 1024 * 1024;

export const defaultEngineOptions: EngineOptions = deepFreeze({
  // Browsers allow 6 connections per host over HTTP/1.1; 8 across hosts keeps the worker's own queue (with our
  // priorities) in charge instead of the browser's, which knows nothing about the camera.
  maxInFlight: 8,
  maxInFlightPerHost: 6,
  retry: {
    baseMs: 200,
    capMs: 5000,
    maxAttempts: 4,
    attemptTimeoutMs: 10_000,
    deadlineMs: 30_000,
    budgetRatio: 0.2,
    budgetFloor: 10,
    budgetWindowMs: 10_000,
    // 4 × p95: a healthy host's slowest 5 % are rarely cut (a normal tail is well under 4× its p95), while a hang
    // costs about half a second against a local or CDN host instead of 10 s. The 500 ms floor keeps a very fast
    // host (p95 20 ms) from having its merely-slow answers cut. 10 answers before the p95 is trusted: from so few
    // it is close to their maximum, which × 4 is still a safe cut, and a first view's tiles are enough to arm it.
    tailFactor: 4,
    tailFloorMs: 500,
    tailMinSamples: 10,
  },
  breaker: { failureThreshold: 5, coolDownMs: 5000 },
  // 1 s: a tile slower than that is late enough to see on screen; 2× that (see concurrency-controller) is queueing.
  aimd: { decreaseFactor: 0.7, increaseStep: 1, latencyTargetMs: 1000 },
  // Real tiles are tens to hundreds of KiB; 4 MiB is a generous ceiling that still stops a runaway body.
  maxTileBytes: 4 * MiB,
  memoryCacheBytes: 64 * MiB,
  idbCacheBytes: 256 * MiB,
  warmStart: true,
  // Mapbox/OAuth, Stadia and Thunderforest credentials; MapTiler `key` and generic `token` (see credential-params.ts).
  credentialParams: [...DEFAULT_CREDENTIAL_PARAMS],
  secretParams: [...DEFAULT_SECRET_PARAMS],
  // Prefetch gets at most half the slots, and none while visible tiles wait (scheduler). `horizonMs` is both how
  // far ahead the motion model may predict (prefetcher) and how long a prefetch may sit in the queue before it is
  // dropped (tile-priority): a guess still waiting after the furthest time it was meant for is out of date.
  prefetch: { enabled: true, maxShare: 0.5, bytesPerMinute: 8 * MiB, horizonMs: 2000, maxWasteShare: 0.2 },
});

// Deep-merges a partial over complete options (arrays replace) and checks the whole result against the schema
// (engine-options-schema.ts): a bad `configure` fails loudly, naming the field, and changes nothing.
export function resolveEngineOptions(base: EngineOptions, patch: DeepPartial<EngineOptions> = {}): EngineOptions {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) throw new EngineOptionsError('(options)', 'expected an object');
  return checkEngineOptions(merge(base, patch));
}

function merge(base: unknown, patch: unknown): unknown {
  if (patch === undefined) return structuredClone(base);
  if (!isPlainObject(base) || !isPlainObject(patch)) return structuredClone(patch);
  const out: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(base), ...Object.keys(patch)])) out[key] = merge(base[key], patch[key]);
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/**
 * Checks an options document as `configure` would take it (over the defaults) without applying it: returns it
 * typed, or throws an {@link EngineOptionsError} naming the first wrong field.
 */
export function validateEngineOptions(patch: unknown): DeepPartial<EngineOptions> {
  resolveEngineOptions(defaultEngineOptions, patch as DeepPartial<EngineOptions>);
  return patch as DeepPartial<EngineOptions>;
}
