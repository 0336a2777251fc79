import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type OutgoingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize, sep } from 'node:path';

// Content types of a built app's files (also e2e/static-app-server.ts).
export const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.webmanifest': 'application/manifest+json',
  '.wasm': 'application/wasm',
};

export interface StaticServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface StaticServerOptions {
  root: string;
  // 0 picks a free port
  port?: number;
  // extra headers for every response (a Content-Security-Policy, say)
  headers?: OutgoingHttpHeaders;
  // extra routes answered before files: path → [content type, body]
  routes?: Record<string, [string, string]>;
  // POST bodies (CSP violation reports, say), answered 204
  onPost?: (path: string, body: string) => void;
}

// A tiny static server for a copy of dist/: the app under headers we choose (CSP) and with nothing else running
// in front of it. GET/HEAD only; unknown paths are 404.
export async function startStaticServer(options: StaticServerOptions): Promise<StaticServer> {
  const root = normalize(options.root);
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const send = (status: number, type: string, body: Buffer | string) => {
      res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-cache', ...options.headers });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (req.method === 'POST') {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        options.onPost?.(path, Buffer.concat(chunks).toString('utf8'));
        res.writeHead(204, options.headers);
        res.end();
      });
      return;
    }
    const route = options.routes?.[path];
    if (route) return send(200, route[0], route[1]);
    const file = normalize(join(root, path === '/' ? 'index.html' : path));
    if (!file.startsWith(root + sep) || !existsSync(file)) return send(404, 'text/plain', `not found: ${path}`);
    readFile(file).then(
      (body) => send(200, TYPES[extname(file)] ?? 'application/octet-stream', body),
      () => send(404, 'text/plain', `not found: ${path}`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

// A private copy of the built app, so a `vite build` someone runs meanwhile (it empties dist/) cannot pull the
// files from under a long run. Call `remove()` when done.
export async function snapshotDist(distDir = join(process.cwd(), 'dist')): Promise<{ dir: string; remove(): Promise<void> }> {
  for (let attempt = 0; ; attempt++) {
    if (existsSync(join(distDir, 'index.html'))) {
      const dir = await mkdtemp(join(tmpdir(), 'kestrel-app-'));
      await cp(distDir, dir, { recursive: true });
      const html = await readFile(join(dir, 'index.html'), 'utf8');
      const assets = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+)"/g)].map((m) => m[1]);
      if (assets.every((asset) => existsSync(join(dir, asset)))) return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
      await rm(dir, { recursive: true, force: true });
    }
    if (attempt >= 30) throw new Error(`no complete build in ${distDir}: run \`npx vite build\` first`);
    await new Promise((r) => setTimeout(r, 2000));
  }
}
