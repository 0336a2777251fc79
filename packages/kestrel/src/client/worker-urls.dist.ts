// The published package's worker scripts, beside the entry that loads them (scripts/build.mjs puts this module in
// place of worker-urls.ts). A bundler that understands `new URL('…', import.meta.url)` (Vite, webpack 5, Parcel,
// esbuild with a plugin) copies both files; served without one, they are fetched from next to index.mjs.

/** Starts the engine worker (a same-origin module worker: `worker-src 'self'` is enough under a CSP). */
export function startDefaultEngineWorker(name: string): Worker {
  return new Worker(new URL(/* @vite-ignore */ './engine.worker.mjs', import.meta.url), { type: 'module', name });
}

/** Starts (or connects to) the engine as a SharedWorker: the same script, one instance per name for the origin. */
export function startDefaultSharedEngine(name: string): SharedWorker {
  return new SharedWorker(new URL(/* @vite-ignore */ './engine.worker.mjs', import.meta.url), { type: 'module', name });
}

/** The script MapLibre's workers import to reach the engine directly (`importScriptInWorkers`). It must end in
 * `.mjs`: MapLibre `import()`s such a URL as a module and evals anything else, which a strict CSP forbids. */
export function defaultBridgeUrl(): string {
  return new URL(/* @vite-ignore */ './maplibre-bridge.mjs', import.meta.url).href;
}
