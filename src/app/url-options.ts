// The URL contract (README): external suites and the benchmark select modes with these.
export interface UrlOptions {
  // ?engine=off: MapLibre's own tile loading, the baseline for side-by-side runs
  engine: boolean;
  // ?prefetch=off
  prefetch: boolean;
  // ?perf=1 opens the overlay
  perf: boolean;
  // ?maxInFlight=N overrides the engine's global bound (suites and the concurrency benchmark)
  maxInFlight?: number;
}

export function readUrlOptions(search: string): UrlOptions {
  const params = new URLSearchParams(search);
  const off = (name: string) => ['off', '0', 'false'].includes((params.get(name) ?? '').toLowerCase());
  const limit = Number(params.get('maxInFlight'));
  return {
    engine: !off('engine'),
    prefetch: !off('prefetch'),
    perf: ['1', 'on', 'true'].includes((params.get('perf') ?? '').toLowerCase()),
    maxInFlight: Number.isInteger(limit) && limit > 0 ? limit : undefined,
  };
}
