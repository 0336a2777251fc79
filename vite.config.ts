import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { VitePWA, type VitePWAOptions } from 'vite-plugin-pwa';
import { APP_CONTENT_SECURITY_POLICY } from './src/app/content-security-policy.ts';
import { buildPlaceIndex } from './tile-server/place-index.ts';

// The app shell: a Workbox service worker that precaches the built app (HTML, JS, CSS, both workers, icons,
// manifest, the place search index) and nothing else. No runtime caching: tiles, the style, TileJSON, sprites and glyphs belong to the
// engine's cache (README, "How a tile travels"); storing them here too would double the bytes and bypass its
// freshness rules. Off in dev (`npm start`), so a dev server never meets a stale worker.
const appShell: Partial<VitePWAOptions> = {
  registerType: 'prompt',
  injectRegister: false,
  devOptions: { enabled: false },
  // the glob below already finds the icons; listing them twice would only duplicate precache entries
  includeManifestIcons: false,
  manifest: {
    name: 'Kestrel',
    short_name: 'Kestrel',
    description: 'A map viewer whose tile engine sees where you are heading.',
    start_url: '/',
    scope: '/',
    display: 'standalone',
    theme_color: '#1d3557',
    background_color: '#a9cbe0',
    icons: [
      { src: 'pwa-192.png', sizes: '192x192', type: 'image/png' },
      { src: 'pwa-512.png', sizes: '512x512', type: 'image/png' },
      { src: 'kestrel.svg', sizes: 'any', type: 'image/svg+xml' },
    ],
  },
  workbox: {
    // .mjs: the engine worker, MapLibre's worker and the tile bridge. Source maps stay on the network; the plugin
    // adds the manifest itself.
    // .tsv: the place search index (placeIndexAsset below), so search works offline from the first visit on.
    globPatterns: ['**/*.{html,js,mjs,css,svg,png,tsv}'],
    navigateFallback: 'index.html',
    runtimeCaching: [],
    cleanupOutdatedCaches: true,
    // MapLibre's main chunk is over Workbox's 2 MiB default once the app is bundled with it; the place index is ~4.5 MB.
    maximumFileSizeToCacheInBytes: 5 * 1024 * 1024,
  },
};

// The built page carries its Content-Security-Policy itself, so a static host that sends no headers still serves
// it under one (src/app/content-security-policy.ts). Build only: the dev server injects inline scripts.
const shipPolicy: Plugin = {
  name: 'kestrel-content-security-policy',
  apply: 'build',
  transformIndexHtml: () => [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: APP_CONTENT_SECURITY_POLICY }, injectTo: 'head-prepend' }],
};

// The place search index (tile-server/place-index.ts, ~135k rows from the GeoNames and Natural Earth data the tiles
// are cut from) as a file of the app: emitted into the build, served by the dev server. Built from local packages
// only, never fetched.
const PLACE_INDEX_FILE = 'places.tsv';
const placeIndexAsset: Plugin = {
  name: 'kestrel-place-index',
  configureServer(server) {
    let body: string | undefined;
    server.middlewares.use(`/${PLACE_INDEX_FILE}`, (_req, res) => {
      body ??= buildPlaceIndex();
      res.setHeader('Content-Type', 'text/tab-separated-values; charset=utf-8');
      res.end(body);
    });
  },
  generateBundle() {
    this.emitFile({ type: 'asset', fileName: PLACE_INDEX_FILE, source: buildPlaceIndex() });
  },
};

// `kestrel-maps` and its subpaths, as the package's TypeScript sources (tsconfig.base.json has the same `paths`).
export const kestrelFromSource = [
  { find: /^kestrel-maps$/, replacement: fileURLToPath(new URL('./packages/kestrel/src/index.ts', import.meta.url)) },
  { find: /^kestrel-maps\/overlay$/, replacement: fileURLToPath(new URL('./packages/kestrel/src/overlay/public.ts', import.meta.url)) },
  { find: /^kestrel-maps\/playwright$/, replacement: fileURLToPath(new URL('./packages/kestrel/src/playwright/index.ts', import.meta.url)) },
];

// Shown as window.kestrel.version; a deploy (or the update e2e test) sets KESTREL_BUILD_ID.
const packageVersion = (JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string }).version;

// The tile server's URL is baked into dev builds by `npm start` (KESTREL_TILE_URL); a built app falls back to
// port 8787 on the page's own host, and `?style=` overrides both (see src/app/map/style-url.ts).
export default defineConfig({
  plugins: [react(), placeIndexAsset, VitePWA(appShell), shipPolicy],
  // The viewer builds Kestrel from source (its workers bundled by this Vite); apps use the package's built files.
  resolve: { alias: kestrelFromSource },
  // Worker entries end in .mjs: MapLibre loads a script given to importScriptInWorkers (our tile bridge) with a
  // plain `import()` only when its URL ends in .mjs; otherwise it fetches and evals it, which a strict CSP forbids.
  worker: { format: 'es', rolldownOptions: { output: { entryFileNames: 'assets/[name]-[hash].mjs' } } },
  // Imported only by the worker: without this Vite discovers them late in dev and reloads the page.
  optimizeDeps: { include: ['idb', 'comlink', 'lru-cache', 'http-cache-semantics', 'rbush', '@turf/turf'] },
  define: {
    __KESTREL_TILE_URL__: JSON.stringify(process.env.KESTREL_TILE_URL ?? ''),
    __KESTREL_BUILD__: JSON.stringify(process.env.KESTREL_BUILD_ID ?? packageVersion),
  },
  server: { host: '127.0.0.1', port: Number(process.env.APP_PORT ?? 5173) },
  preview: { host: '127.0.0.1', port: Number(process.env.APP_PORT ?? 4173) },
  build: { sourcemap: true, chunkSizeWarningLimit: 2000 },
});
