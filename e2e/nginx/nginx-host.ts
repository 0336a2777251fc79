// A real nginx (Debian's nginx-light) serving a static tile export (tile-server/export-static.ts), for Playwright
// specs that need the headers, error pages and limits of a real web server rather than our Node tile server.
//
//   const host = await startNginx({ root: exportDir, cacheControl: 'no-cache', gzip: true, preflight: true });
//   fillBase(exportDir, host.url);            // point the export's tiles.json / style.json at this port
//   ... page.goto(`/?style=${host.url}/style.json`) ...
//   expect(host.log().filter((e) => e.uri.startsWith('/tiles/') && e.status === 304)).toHaveLength(…);
//   await host.stop();
//
// Each call generates its own config in a fresh temp dir (pid, error log, access log, *_temp_path, certificate),
// runs `nginx -c <conf>` in the foreground with `master_process off` (one process, so one PID to stop and no
// worker that could outlive it or need a different user to read the temp dir) and listens on a free
// 127.0.0.1 port chosen by the OS. Runs in the Playwright test process (Node APIs), never in the page.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

export interface NginxScenario {
  /** Directory to serve (an export from tile-server/export-static.ts). */
  root: string;
  /** Cache-Control on tiles (not on error answers); 'none' (default) = no header, nginx's own behaviour.
   *  The export's .json files always get `Cache-Control: no-cache`, as the tile server sends them. */
  cacheControl?: 'no-cache' | 'max-age=60' | 'none';
  /** Default true (nginx's default: strong ETag from mtime and size); false → `etag off;` (Last-Modified only). */
  etag?: boolean;
  /** `gzip on` for application/x-protobuf, application/vnd.mapbox-vector-tile and application/json with
   *  gzip_min_length 1 and gzip_vary on; nginx then turns its ETags weak (W/"…"). Default false. */
  gzip?: boolean;
  /** 'full' (default): ACAO * and Access-Control-Expose-Headers (ETag, Cache-Control, Retry-After, Last-Modified,
   *  Expires, Date) with `always`, so 404/405/429 carry them too; 'success-only': the same without `always`
   *  (nginx adds them to 200/204/206/301/302/303/304/307/308 only); 'none': no CORS headers. */
  cors?: 'full' | 'success-only' | 'none';
  /** true → OPTIONS answered 204 with Allow-Methods/Allow-Headers (If-None-Match, If-Modified-Since, …) and
   *  Max-Age 600 (plus the CORS headers of `cors`); false (default) → nginx's static handler: 405. */
  preflight?: boolean;
  /** limit_req on /tiles/ only, keyed by $binary_remote_addr, nodelay, limit_req_status 429 (no Retry-After).
   *  A rate below 1/s (or fractional) is written as requests per minute. */
  limitReq?: { ratePerSecond: number; burst: number };
  /** `listen … ssl http2` with a self-signed certificate (CN and SAN 127.0.0.1) made by openssl; url is https.
   *  Chromium needs --ignore-certificate-errors; curl -k. */
  http2?: boolean;
  /** TLS (https) without HTTP/2: HTTP/1.1 over TLS, the fair baseline for an HTTP/2 comparison. Implied by http2. */
  tls?: boolean;
  /** Tile requests whose `key` query parameter has this value are answered 204 (an empty layer behind its own
   *  key, as hosted tile APIs serve several layers from one path), with the CORS headers of `cors`. */
  emptyForKey?: string;
  /** Cache-Control on PMTiles archives (`*.pmtiles`, served with byte ranges as nginx serves any file); default
   *  'max-age=300', what docs/DEPLOY.md recommends. */
  archiveCacheControl?: string;
  /** false → `max_ranges 0` on archives: nginx ignores Range and answers 200 with the whole file. Default true. */
  ranges?: boolean;
  /** Listen on this port (npm run serve:static); default a free port the OS picks. */
  port?: number;
  /**
   * A reverse proxy instead of a static host: every request goes to this origin (`http://127.0.0.1:PORT`, our tile
   * server), with X-Forwarded-Proto/Host so the style and TileJSON it writes name nginx, and without buffering, so
   * the upstream's latency, faults and in-flight count stay what the browser causes. Headers (CORS included) are
   * the upstream's; `root` is not served. With `http2`, the browser's side is HTTP/2 (nginx speaks HTTP/1.1 upstream).
   */
  proxyTo?: string;
}

export interface AccessLogEntry {
  method: string;
  /** $request_uri: path and query as the client sent them. */
  uri: string;
  status: number;
  /** $body_bytes_sent: body bytes on the wire (compressed size when gzip applied). */
  bytes: number;
  /** $server_protocol: HTTP/1.1, HTTP/2.0 … */
  protocol: string;
  /** Request headers as sent; '' when absent. */
  ifNoneMatch: string;
  ifModifiedSince: string;
  /** $msec: when nginx logged the request (ms since the epoch, ms resolution). */
  time: number;
  /** The Range request header as sent; '' when absent. */
  range: string;
  /** $request_time in ms: from the request's first byte read to the log write, so `time − durationMs` is its start. */
  durationMs: number;
}

export interface NginxHost {
  /** http://127.0.0.1:PORT, or https://127.0.0.1:PORT with http2. No trailing slash. */
  url: string;
  /** Parsed access log lines since start or the last clearLog(). */
  log(): AccessLogEntry[];
  clearLog(): void;
  /** Fast shutdown (SIGTERM to the nginx PID, SIGKILL after 5 s), then the temp dir is removed; idempotent.
   *  log() keeps answering with the last lines read. */
  stop(): Promise<void>;
}

const SYSTEM_NGINX = '/usr/sbin/nginx';
const READY_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;
const PORT_ATTEMPTS = 3;

const CORS_EXPOSE = 'ETag, Cache-Control, Retry-After, Last-Modified, Expires, Date, Content-Range';
const PREFLIGHT_METHODS = 'GET, HEAD, OPTIONS';
const PREFLIGHT_HEADERS = 'If-None-Match, If-Modified-Since, Cache-Control, Content-Type, Range';
const PREFLIGHT_MAX_AGE_S = 600;

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

// KESTREL_NGINX (a path) first, then Debian's /usr/sbin/nginx, then `nginx` on PATH.
function nginxBinary(): string | null {
  const override = process.env.KESTREL_NGINX;
  if (override) return isExecutable(override) ? override : null;
  if (isExecutable(SYSTEM_NGINX)) return SYSTEM_NGINX;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && isExecutable(join(dir, 'nginx'))) return join(dir, 'nginx');
  }
  return null;
}

export function nginxAvailable(): boolean {
  return nginxBinary() !== null;
}

// The OS picks a port nobody holds; nginx binds it a moment later (startNginx retries if someone got there first).
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

// A quoted nginx string. `$` would start a variable and cannot be escaped in every nginx version: refuse it.
function quote(value: string): string {
  if (/[$"\\\r\n]/.test(value)) throw new Error(`nginx-host: cannot put ${JSON.stringify(value)} in an nginx config ($, quotes, backslashes, newlines)`);
  return `"${value}"`;
}

function checkScenario(s: NginxScenario): void {
  if (s.cacheControl !== undefined && !['no-cache', 'max-age=60', 'none'].includes(s.cacheControl)) throw new Error(`nginx-host: bad cacheControl ${s.cacheControl}`);
  if (s.cors !== undefined && !['full', 'success-only', 'none'].includes(s.cors)) throw new Error(`nginx-host: bad cors ${s.cors}`);
  if (s.proxyTo !== undefined && !/^http:\/\/127\.0\.0\.1:\d{1,5}$/.test(s.proxyTo)) throw new Error(`nginx-host: proxyTo must be http://127.0.0.1:PORT, got ${s.proxyTo}`);
  if (s.limitReq) {
    const { ratePerSecond, burst } = s.limitReq;
    if (!(ratePerSecond > 0) || !Number.isFinite(ratePerSecond)) throw new Error(`nginx-host: limitReq.ratePerSecond must be > 0, got ${ratePerSecond}`);
    if (!Number.isInteger(burst) || burst < 0) throw new Error(`nginx-host: limitReq.burst must be an integer ≥ 0, got ${burst}`);
  }
}

function rateDirective(ratePerSecond: number): string {
  if (Number.isInteger(ratePerSecond)) return `${ratePerSecond}r/s`;
  return `${Math.max(1, Math.round(ratePerSecond * 60))}r/m`;
}

interface Paths {
  dir: string;
  conf: string;
  pid: string;
  errorLog: string;
  accessLog: string;
  cert: string;
  key: string;
}

// Tab-separated; escape=json turns any tab, quote or control byte inside a value into \t, \" … so the separators
// stay unambiguous, and absent headers log as '' (not '-').
const LOG_FIELDS = ['$request_method', '$request_uri', '$status', '$body_bytes_sent', '$server_protocol', '$http_if_none_match', '$http_if_modified_since', '$msec', '$http_range', '$request_time'];

export function renderNginxConfig(scenario: NginxScenario, root: string, port: number, paths: Paths): string {
  const cors = scenario.cors ?? 'full';
  const always = cors === 'full' ? ' always' : '';
  const corsHeaders =
    cors === 'none'
      ? []
      : [
          `add_header Access-Control-Allow-Origin "*"${always};`,
          `add_header Access-Control-Expose-Headers "${CORS_EXPOSE}"${always};`,
          // as CDNs send it: lets the page's Resource Timing see the protocol and sizes (the engine reads nextHopProtocol)
          `add_header Timing-Allow-Origin "*"${always};`,
        ];
  // Inside `if`, add_header replaces the location's list too: repeat the CORS headers there.
  const preflight = scenario.preflight
    ? [
        'if ($request_method = OPTIONS) {',
        ...corsHeaders.map((h) => `    ${h}`),
        `    add_header Access-Control-Allow-Methods "${PREFLIGHT_METHODS}" always;`,
        `    add_header Access-Control-Allow-Headers "${PREFLIGHT_HEADERS}" always;`,
        `    add_header Access-Control-Max-Age ${PREFLIGHT_MAX_AGE_S} always;`,
        '    return 204;',
        '}',
      ]
    : [];
  const emptyForKey = scenario.emptyForKey
    ? [`if ($arg_key = ${quote(scenario.emptyForKey)}) {`, ...corsHeaders.map((h) => `    ${h}`), '    return 204;', '}']
    : [];
  const tileCache = scenario.cacheControl && scenario.cacheControl !== 'none' ? [`add_header Cache-Control "${scenario.cacheControl}";`] : [];
  // nginx 1.22 refuses `burst=0` (0 is its default): leave it out.
  const burst = scenario.limitReq?.burst ? ` burst=${scenario.limitReq.burst}` : '';
  const limit = scenario.limitReq ? [`limit_req zone=kestrel_tiles${burst} nodelay;`, 'limit_req_status 429;'] : [];
  const indent = (lines: string[], n: number) => lines.map((l) => `${' '.repeat(n)}${l}`).join('\n');
  const secure = scenario.http2 === true || scenario.tls === true;
  const listen = scenario.http2 ? `listen 127.0.0.1:${port} ssl http2;` : secure ? `listen 127.0.0.1:${port} ssl;` : `listen 127.0.0.1:${port};`;
  const tls = secure ? [`ssl_certificate ${quote(paths.cert)};`, `ssl_certificate_key ${quote(paths.key)};`] : [];

  return `# generated by e2e/nginx/nginx-host.ts — ${JSON.stringify(scenario)}
daemon off;
master_process off;
pid ${quote(paths.pid)};
error_log ${quote(paths.errorLog)} warn;

events {
    worker_connections 1024;
}

http {
    client_body_temp_path ${quote(join(paths.dir, 'client_body'))};
    proxy_temp_path ${quote(join(paths.dir, 'proxy'))};
    fastcgi_temp_path ${quote(join(paths.dir, 'fastcgi'))};
    uwsgi_temp_path ${quote(join(paths.dir, 'uwsgi'))};
    scgi_temp_path ${quote(join(paths.dir, 'scgi'))};

    types {
        text/html html htm;
        text/plain txt;
        application/json json;
        application/x-protobuf pbf;
        image/png png;
        text/javascript js mjs;
        text/css css;
        image/svg+xml svg;
        application/manifest+json webmanifest;
        application/wasm wasm;
    }
    default_type application/octet-stream;

    log_format kestrel escape=json '${LOG_FIELDS.join('\\t')}';
    access_log ${quote(paths.accessLog)} kestrel;

    sendfile on;
    keepalive_timeout 65;
    etag ${scenario.etag === false ? 'off' : 'on'};
${
  scenario.gzip
    ? `    gzip on;
    gzip_types application/x-protobuf application/vnd.mapbox-vector-tile application/json;
    gzip_min_length 1;
    gzip_vary on;
`
    : ''
}${scenario.limitReq ? `    limit_req_zone $binary_remote_addr zone=kestrel_tiles:1m rate=${rateDirective(scenario.limitReq.ratePerSecond)};\n` : ''}
    server {
        ${listen}
${indent(tls, 8)}
        server_name 127.0.0.1;
        root ${quote(root)};
${scenario.proxyTo ? indent(proxyLocation(scenario.proxyTo, secure), 8) : `
        # Every location repeats its add_header lines: a location's own add_header drops the server's.
        location /tiles/ {
${indent([...limit, ...preflight, ...emptyForKey, ...corsHeaders, ...tileCache], 12)}
        }

        # PMTiles archives: byte ranges (nginx serves them for any static file), a lifetime of their own
        location ~ \\.pmtiles$ {
${indent([...(scenario.ranges === false ? ['max_ranges 0;'] : []), ...preflight, ...corsHeaders, `add_header Cache-Control ${quote(scenario.archiveCacheControl ?? 'max-age=300')};`], 12)}
        }

        location / {
${indent([...preflight, ...corsHeaders, 'add_header Cache-Control "no-cache";'], 12)}
        }`}
    }
}
`;
}

function proxyLocation(origin: string, secure: boolean): string[] {
  return [
    'location / {',
    `    proxy_pass ${origin};`,
    '    proxy_http_version 1.1;',
    '    proxy_set_header Host $host:$server_port;',
    '    proxy_set_header X-Forwarded-Host $host:$server_port;',
    `    proxy_set_header X-Forwarded-Proto ${secure ? 'https' : 'http'};`,
    '    proxy_buffering off;',
    '}',
  ];
}

function makeCertificate(paths: Paths): void {
  execFileSync(
    'openssl',
    [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', paths.key, '-out', paths.cert, '-days', '7',
      '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function unescapeJson(field: string): string {
  try {
    return JSON.parse(`"${field}"`) as string;
  } catch {
    return field;
  }
}

export function parseAccessLog(text: string): AccessLogEntry[] {
  const entries: AccessLogEntry[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const f = line.split('\t').map(unescapeJson);
    if (f.length < 8) continue;
    entries.push({
      method: f[0],
      uri: f[1],
      status: Number(f[2]),
      bytes: Number(f[3]),
      protocol: f[4],
      ifNoneMatch: f[5],
      ifModifiedSince: f[6],
      time: Math.round(Number(f[7]) * 1000),
      range: f[8] ?? '',
      durationMs: Math.round(Number(f[9] ?? 0) * 1000),
    });
  }
  return entries;
}

/**
 * The most requests nginx had open at once among `entries` (from each one's start, `time − durationMs`, to its log
 * write): the host's own view of a client's concurrency. An aborted request (499) ends when nginx saw the abort,
 * which on HTTP/2 is the client's RST_STREAM, ahead of any request the client sent after it on that connection.
 */
export function maxOpenAtOnce(entries: AccessLogEntry[]): number {
  const edges = entries.flatMap((e) => [
    { at: e.time - e.durationMs, step: 1 },
    { at: e.time, step: -1 },
  ]);
  // at the same millisecond an end comes before a start: one request taking over from another is not two open
  edges.sort((a, b) => a.at - b.at || a.step - b.step);
  let open = 0;
  let max = 0;
  for (const edge of edges) max = Math.max(max, (open += edge.step));
  return max;
}

// Live nginx processes of this Node process, killed if it exits without stop() (a crashed or aborted spec).
const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function track(child: ChildProcess): void {
  live.add(child);
  child.once('exit', () => live.delete(child));
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const c of live) c.kill('SIGKILL');
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.setTimeout(500, () => {
      socket.destroy();
      resolve(false);
    });
  });
}

class EarlyExit extends Error {
  constructor(
    message: string,
    readonly addressInUse: boolean,
  ) {
    super(message);
  }
}

// Resolves once nginx has written its pid file (it does after binding) and the port takes connections; rejects
// with its stderr and error log when it exits first or takes too long.
async function waitUntilReady(child: ChildProcess, port: number, paths: Paths, stderr: () => string): Promise<void> {
  let exited: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  child.once('exit', (code, signal) => (exited = { code, signal }));
  const report = (what: string) =>
    `nginx-host: nginx ${what}\n--- stderr ---\n${stderr().trim()}\n--- error log ---\n${readText(paths.errorLog).trim()}\n--- config (${paths.conf}) ---\n${readText(paths.conf)}`;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (exited) {
      const text = `${stderr()}\n${readText(paths.errorLog)}`;
      const { code, signal } = exited as { code: number | null; signal: NodeJS.Signals | null };
      throw new EarlyExit(report(`exited before it was ready (code ${code}, signal ${signal})`), /Address already in use/.test(text));
    }
    if (readText(paths.pid).trim() === String(child.pid) && (await canConnect(port)) && !exited) return;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(report(`did not accept connections on 127.0.0.1:${port} within ${READY_TIMEOUT_MS} ms`));
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

export async function startNginx(scenario: NginxScenario): Promise<NginxHost> {
  const bin = nginxBinary();
  if (!bin) throw new Error('nginx-host: no nginx (looked at KESTREL_NGINX, /usr/sbin/nginx and PATH); apt-get install -y nginx-light');
  checkScenario(scenario);
  if (!existsSync(scenario.root) || !statSync(scenario.root).isDirectory()) throw new Error(`nginx-host: root ${scenario.root} is not a directory`);
  const root = realpathSync(scenario.root);

  const dir = mkdtempSync(join(tmpdir(), 'kestrel-nginx-'));
  const paths: Paths = {
    dir,
    conf: join(dir, 'nginx.conf'),
    pid: join(dir, 'nginx.pid'),
    errorLog: join(dir, 'error.log'),
    accessLog: join(dir, 'access.log'),
    cert: join(dir, 'cert.pem'),
    key: join(dir, 'key.pem'),
  };

  let child: ChildProcess | undefined;
  let port = 0;
  try {
    if (scenario.http2 || scenario.tls) makeCertificate(paths);
    for (let attempt = 1; ; attempt++) {
      port = scenario.port ?? (await freePort());
      writeFileSync(paths.conf, renderNginxConfig(scenario, root, port, paths));
      rmSync(paths.pid, { force: true });
      let stderr = '';
      // -p: prefix for any relative path; -e: where errors go before the config's error_log takes over.
      child = spawn(bin, ['-p', `${dir}/`, '-c', paths.conf, '-e', paths.errorLog], { stdio: ['ignore', 'ignore', 'pipe'] });
      child.stderr!.setEncoding('utf8');
      child.stderr!.on('data', (chunk: string) => {
        stderr = (stderr + chunk).slice(-64 * 1024);
      });
      const spawned = child;
      const spawnError = new Promise<never>((_, reject) => spawned.once('error', (e) => reject(new Error(`nginx-host: cannot run ${bin}: ${e.message}`))));
      // Handled by the race below; marked here so a late 'error' after the race settled is not "unhandled".
      spawnError.catch(() => {});
      track(child);
      try {
        await Promise.race([waitUntilReady(child, port, paths, () => stderr), spawnError]);
        break;
      } catch (error) {
        if (error instanceof EarlyExit && error.addressInUse && attempt < PORT_ATTEMPTS && scenario.port === undefined) continue;
        throw error;
      }
    }
  } catch (error) {
    child?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }

  const proc = child!;
  const url = `${scenario.http2 || scenario.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  // Byte offset of the first line log() reports (clearLog moves it); lines are only parsed once complete.
  let logStart = 0;
  let lastEntries: AccessLogEntry[] = [];
  let stopped = false;

  function readLog(): AccessLogEntry[] {
    if (stopped) return lastEntries;
    let buffer: Buffer;
    try {
      buffer = readFileSync(paths.accessLog);
    } catch {
      return [];
    }
    const end = buffer.lastIndexOf(0x0a) + 1;
    lastEntries = end > logStart ? parseAccessLog(buffer.subarray(logStart, end).toString('utf8')) : [];
    return lastEntries;
  }

  let stopping: Promise<void> | undefined;
  return {
    url,
    log: readLog,
    clearLog() {
      if (stopped) {
        lastEntries = [];
        return;
      }
      try {
        const buffer = readFileSync(paths.accessLog);
        logStart = buffer.lastIndexOf(0x0a) + 1;
      } catch {
        logStart = 0;
      }
      lastEntries = [];
    },
    stop() {
      stopping ??= (async () => {
        if (proc.exitCode === null && proc.signalCode === null) {
          const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
          proc.kill('SIGTERM');
          const timer = setTimeout(() => proc.kill('SIGKILL'), STOP_TIMEOUT_MS);
          await exited;
          clearTimeout(timer);
        }
        readLog();
        stopped = true;
        rmSync(dir, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}
