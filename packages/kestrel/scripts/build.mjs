// Builds the published package into dist/: three self-contained bundles (no bare imports left, so they run
// served as plain files, with no bundler and no import map) and the type declarations.
//   engine.worker.mjs    the engine worker (core, IndexedDB, fetch, comlink): one file
//   maplibre-bridge.mjs  the script MapLibre's workers import (importScriptInWorkers): one file
//   index.mjs, overlay.mjs, playwright.mjs  the entry points (react and @playwright/test stay imports)
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { build } from 'vite';

const root = fileURLToPath(new URL('..', import.meta.url));
const src = (path) => fileURLToPath(new URL(`../src/${path}`, import.meta.url));
const outDir = fileURLToPath(new URL('../dist', import.meta.url));

rmSync(outDir, { recursive: true, force: true });

const common = { configFile: false, root, logLevel: 'warn', plugins: [react()] };
const output = { outDir, emptyOutDir: false, sourcemap: true, target: 'es2022', minify: true, copyPublicDir: false };

// One file per worker script: a worker (and MapLibre's import of the bridge) cannot share chunks with the page.
// The worker reads `pmtiles` from its TypeScript source (its published ESM is one pre-minified module that does not
// tree-shake: the Leaflet layer, the Protocol and FetchSource would all come along) and without fflate
// (src/engine/pmtiles/no-fflate.ts says why).
const workerAliases = [
  { find: /^pmtiles$/, replacement: fileURLToPath(new URL('../../../node_modules/pmtiles/src/index.ts', import.meta.url)) },
  { find: /^fflate$/, replacement: src('engine/pmtiles/no-fflate.ts') },
];
for (const [entry, fileName] of [
  ['worker/engine.worker.ts', 'engine.worker.mjs'],
  ['maplibre/maplibre-bridge.ts', 'maplibre-bridge.mjs'],
]) {
  await build({
    ...common,
    resolve: { alias: workerAliases },
    build: { ...output, lib: { entry: src(entry), formats: ['es'], fileName: () => fileName }, rolldownOptions: { output: { codeSplitting: false } } },
  });
}

// The entries. worker-urls.ts (Vite's `?worker&url`, for building from source) is swapped for worker-urls.dist.ts,
// whose `new URL('./engine.worker.mjs', import.meta.url)` points at the files above.
await build({
  ...common,
  resolve: { alias: [{ find: /^\.\/client\/worker-urls\.ts$/, replacement: src('client/worker-urls.dist.ts') }] },
  build: {
    ...output,
    lib: {
      entry: { index: src('index.ts'), overlay: src('overlay/public.ts'), playwright: src('playwright/index.ts') },
      formats: ['es'],
      fileName: (_format, name) => `${name}.mjs`,
    },
    rolldownOptions: { output: { chunkFileNames: 'chunks/[name]-[hash].mjs' }, external: [/^react($|\/)/, /^react-dom($|\/)/, /^@playwright\/test($|\/)/, /^maplibre-gl$/, /^node:/] },
  },
});

// Vite keeps `/* @vite-ignore */` on the worker URLs it could not see at build time; a consuming bundler would
// then skip them too. Without the comment, Vite, webpack and Parcel copy both files into the app's build.
for (const file of ['index.mjs']) {
  const path = `${outDir}/${file}`;
  const text = readFileSync(path, 'utf8');
  const cleaned = text.replaceAll(/\/\*\s*@vite-ignore\s*\*\/\s*(["']\.\/(engine\.worker|maplibre-bridge)\.mjs["'])/g, '$1');
  if (cleaned === text) throw new Error(`${file}: no worker URL found to expose to bundlers`);
  writeFileSync(path, cleaned);
}

execFileSync(process.execPath, [fileURLToPath(new URL('../../../node_modules/typescript/bin/tsc', import.meta.url)), '-p', `${root}/tsconfig.build.json`], { stdio: 'inherit' });
console.log('built', outDir);
