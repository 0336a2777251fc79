// The published package, checked as a user would receive it (run by `npm test` after the library build):
// publint (package.json against the files), Are the Types Wrong (types resolve for every entry point), and the
// gzipped size of what a page loads, against the budgets in packages/kestrel/size-budget.json.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';

const pkgDir = fileURLToPath(new URL('../packages/kestrel/', import.meta.url));
const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
const failures = [];

const { messages } = await publint({ pkgDir, level: 'warning', strict: true });
for (const message of messages) failures.push(`publint: ${formatMessage(message, pkg)}`);

// esm-only: the package is ES modules only, by design (workers and import.meta.url); CommonJS `require` is not offered.
try {
  execFileSync(process.execPath, [fileURLToPath(new URL('../node_modules/@arethetypeswrong/cli/dist/index.js', import.meta.url)), '--pack', pkgDir, '--profile', 'esm-only', '--exclude-entrypoints', './engine.worker.mjs', './maplibre-bridge.mjs', './package.json', '--format', 'ascii'], { stdio: 'pipe' });
} catch (error) {
  failures.push(`attw: ${error.stdout?.toString() ?? error.message}`);
}

// A file's gzipped size with every chunk it imports statically (what the browser must fetch before it runs).
function loadedSize(file, seen = new Set()) {
  if (seen.has(file)) return 0;
  seen.add(file);
  const text = readFileSync(file);
  let total = gzipSync(text, { level: 9 }).length;
  for (const [, spec] of text.toString().matchAll(/(?:import|from)\s*["'](\.{1,2}\/[^"']+)["']/g)) total += loadedSize(join(dirname(file), spec), seen);
  return total;
}

const budgets = JSON.parse(readFileSync(join(pkgDir, 'size-budget.json'), 'utf8')).gzipBytes;
const sizes = {};
for (const [part, file] of Object.entries({ main: 'index.mjs', overlay: 'overlay.mjs', worker: 'engine.worker.mjs', bridge: 'maplibre-bridge.mjs' })) {
  sizes[part] = loadedSize(join(pkgDir, 'dist', file));
  if (sizes[part] > budgets[part]) failures.push(`size: ${part} (dist/${file}) is ${sizes[part]} B gzipped, over its budget of ${budgets[part]} B`);
}
console.log(JSON.stringify({ gzipBytes: sizes, budgets }, null, 2));

if (failures.length) {
  console.error(failures.join('\n'));
  process.exit(1);
}
console.log('package: publint, attw and size budgets pass');
