import bridgeUrl from '../maplibre/maplibre-bridge.ts?worker&url';

// Where the two worker scripts come from when Kestrel is built from source by the app's own Vite (this
// repository's viewer): Vite bundles each one. The published package swaps this module for worker-urls.dist.ts
// (scripts/build.mjs), whose plain `new URL('./….mjs', import.meta.url)` any bundler, or none, understands.

/** Starts the engine worker (a same-origin module worker: `worker-src 'self'` is enough under a CSP). */
export function startDefaultEngineWorker(name: string): Worker {
  return new Worker(new URL('../worker/engine.worker.ts', import.meta.url), { type: 'module', name });
}

/** Starts (or connects to) the engine as a SharedWorker: the same script, one instance per name for the origin. */
export function startDefaultSharedEngine(name: string): SharedWorker {
  return new SharedWorker(new URL('../worker/engine.worker.ts', import.meta.url), { type: 'module', name });
}

/** The script MapLibre's workers import to reach the engine directly (`importScriptInWorkers`). */
export function defaultBridgeUrl(): string {
  return new URL(bridgeUrl, location.href).href;
}
