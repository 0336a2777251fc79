// `npm start`: the tile server and the app together, one command, both stopped on Ctrl-C.
// Ports: TILE_PORT (default 8787) and APP_PORT (default 5173).
import { spawn } from 'node:child_process';

const tilePort = Number(process.env.TILE_PORT ?? 8787);
const appPort = Number(process.env.APP_PORT ?? 5173);
const tileUrl = `http://127.0.0.1:${tilePort}`;
const children = [];

function run(name, args, env = {}) {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  const prefix = (line) => `[${name}] ${line}`;
  const forward = (stream, out) => {
    let rest = '';
    stream.on('data', (chunk) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) out.write(prefix(line) + '\n');
    });
  };
  forward(child.stdout, process.stdout);
  forward(child.stderr, process.stderr);
  child.on('exit', (code, signal) => {
    if (stopping) return;
    console.error(prefix(`exited (${signal ?? code}); stopping`));
    stop(code ?? 1);
  });
  children.push(child);
  return child;
}

let stopping = false;
function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), 500).unref();
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

run('tiles', ['node_modules/tsx/dist/cli.mjs', 'tile-server/main.ts', '--port', String(tilePort)]);
run('app', ['node_modules/vite/bin/vite.js', '--port', String(appPort), '--strictPort'], { KESTREL_TILE_URL: tileUrl, APP_PORT: String(appPort) });

console.log(`Kestrel: app on http://127.0.0.1:${appPort}/  ·  tiles on ${tileUrl}/  (Ctrl-C stops both)`);
