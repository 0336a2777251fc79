import { EngineOptionsError, validateEngineOptions, type DeepPartial, type EngineOptions, type SharingChoice } from 'kestrel-maps';

// The URL contract (README): external suites and the benchmark select modes with these.
export interface UrlOptions {
  // ?engine=off: MapLibre's own tile loading, the baseline for side-by-side runs
  engine: boolean;
  // ?prefetch=off
  prefetch: boolean;
  // ?perf=1 opens the overlay
  perf: boolean;
  // ?bridge=main: vector tiles take the main-thread hop to the engine instead of the worker-to-worker channel
  workerBridge: boolean;
  // ?maxInFlight=N overrides the engine's global bound (suites and the concurrency benchmark)
  maxInFlight?: number;
  // ?engineOptions=<JSON>: any engine option (suites shorten timeouts, the benchmark sets limits)
  engineOptions?: DeepPartial<EngineOptions>;
  // ?tabs=shared|leader|auto|off: one engine for every tab (a SharedWorker, the Web Locks fallback, the first the
  // browser has) or one per tab; suites force each path, the tabs benchmark compares them
  sharing: SharingChoice;
  // set when ?engineOptions= could not be read, to be shown to the user
  problem?: string;
}

export function readUrlOptions(search: string): UrlOptions {
  const params = new URLSearchParams(search);
  const off = (name: string) => ['off', '0', 'false'].includes((params.get(name) ?? '').toLowerCase());
  const limit = Number(params.get('maxInFlight'));
  let engineOptions: DeepPartial<EngineOptions> | undefined;
  let problem: string | undefined;
  const json = params.get('engineOptions');
  if (json) {
    try {
      const parsed: unknown = JSON.parse(json);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
      // The whole document is checked here, so a bad field is named before anything is applied.
      engineOptions = validateEngineOptions(parsed);
    } catch (error) {
      const message = (error as Error).message;
      problem =
        error instanceof EngineOptionsError
          ? `?engineOptions= rejected (${message}); using the defaults.`
          : `?engineOptions= is not a JSON object (${message}); using the defaults.`;
    }
  }
  return {
    engine: !off('engine'),
    prefetch: !off('prefetch'),
    perf: ['1', 'on', 'true'].includes((params.get('perf') ?? '').toLowerCase()),
    workerBridge: (params.get('bridge') ?? '').toLowerCase() !== 'main',
    sharing: SHARING[(params.get('tabs') ?? '').toLowerCase()] ?? 'off',
    maxInFlight: Number.isInteger(limit) && limit > 0 ? limit : undefined,
    ...(engineOptions ? { engineOptions } : {}),
    ...(problem ? { problem } : {}),
  };
}

const SHARING: Record<string, SharingChoice> = { shared: 'shared-worker', 'shared-worker': 'shared-worker', leader: 'leader', auto: 'auto', off: 'off' };
