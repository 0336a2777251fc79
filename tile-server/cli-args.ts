import { FaultDocumentError, parseFaultDocument, type FaultDocument } from './faults.ts';
import { parseRequiredHeader, RequiredHeaderError, type RequiredHeader } from './required-header.ts';

export interface CliOptions {
  port: number;
  host: string;
  cacheControl?: string;
  cacheMaxBytes?: number;
  warm?: { minZoom: number; maxZoom: number };
  preload: boolean;
  requireHeader?: RequiredHeader;
  faults: FaultDocument;
  help: boolean;
}

export class CliArgsError extends Error {
  override name = 'CliArgsError';
}

// Matches scripts/start.mjs's TILE_PORT default.
export const DEFAULT_PORT = 8787;

export const USAGE = `usage: npm run tiles -- [options]

  --port <n>               port (default ${DEFAULT_PORT}; 0 picks a free one)
  --host <addr>            bind address (default 127.0.0.1)
  --cache-control <value>  Cache-Control for tiles (default "public, max-age=3600")
  --cache-mb <n>           in-memory tile cache budget in MB (default 256)
  --warm <minZ>-<maxZ>     generate that pyramid before listening (e.g. 0-6)
  --lazy                   load data sources on first use instead of at start
  --require-header '<name>: <value>'
                           answer 401 to tile, style and TileJSON requests without that header
                           (e.g. 'X-Api-Key: secret-123'); preflights allow it

fault injection (tiles only; same meaning as the POST /__faults document):
  --faults '<json>'        a whole fault document; the flags below override its keys
  --seed <n>
  --latency-base <ms> --latency-jitter <ms>      uniform in base ± jitter
  --latency-median <ms> --latency-p99 <ms>       lognormal
  --status-<code> <rate>   e.g. --status-500 0.05 --status-503 0.1
  --rate-limit <rate> --retry-after <s>
  --hang-rate <rate> --garbage-rate <rate> --html-rate <rate> --truncate-rate <rate>
  --oversize-rate <rate>   a 200 streaming 5 MiB of tile-like bytes without Content-Length
  --slow-body-rate <rate> --slow-body-bps <n>
  --max-connections <n>    tile requests past n wait for a slot (0 = no cap)
  --down                   destroy every tile request's socket
`;

type Doc = Record<string, unknown> & {
  latencyMs?: Record<string, unknown>;
  status?: Record<string, unknown>;
  rateLimit?: Record<string, unknown>;
  slowBody?: Record<string, unknown>;
};

function toNumber(flag: string, value: string | undefined): number {
  const n = value === undefined || value.trim() === '' ? NaN : Number(value);
  if (!Number.isFinite(n)) throw new CliArgsError(`${flag} expects a number, got ${value === undefined ? 'nothing' : `"${value}"`}`);
  return n;
}

function parseWarm(value: string | undefined): { minZoom: number; maxZoom: number } {
  const match = /^(\d{1,2})(?:-(\d{1,2}))?$/.exec(value ?? '');
  if (!match) throw new CliArgsError(`--warm expects <minZ>-<maxZ> such as 0-6, got "${value ?? ''}"`);
  const minZoom = Number(match[1]);
  const maxZoom = match[2] === undefined ? minZoom : Number(match[2]);
  if (maxZoom < minZoom) throw new CliArgsError(`--warm ${value}: the first zoom must not exceed the second`);
  return { minZoom, maxZoom };
}

// 'Name: value', as curl's -H writes a header; the value may itself hold colons (a URL, a base64 token).
function parseHeaderFlag(value: string): RequiredHeader {
  const colon = value.indexOf(':');
  if (colon <= 0) throw new CliArgsError(`--require-header expects '<name>: <value>' such as 'X-Api-Key: secret-123', got "${value}"`);
  try {
    return parseRequiredHeader({ name: value.slice(0, colon).trim(), value: value.slice(colon + 1) })!;
  } catch (error) {
    if (error instanceof RequiredHeaderError) throw new CliArgsError(`--require-header: ${error.message}`);
    throw error;
  }
}

function parseFaultsJson(value: string | undefined): Doc {
  try {
    const doc: unknown = JSON.parse(value ?? '');
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new Error('not an object');
    return doc as Doc;
  } catch (error) {
    throw new CliArgsError(`--faults expects a JSON object: ${(error as Error).message}`);
  }
}

export function parseCliArgs(argv: readonly string[]): CliOptions {
  const options: CliOptions = { port: DEFAULT_PORT, host: '127.0.0.1', preload: true, faults: {}, help: false };
  let doc: Doc = {};
  const flagged: Doc = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) throw new CliArgsError(`unexpected argument "${arg}"`);
    const eq = arg.indexOf('=');
    const flag = eq >= 0 ? arg.slice(0, eq) : arg;
    const inline = eq >= 0 ? arg.slice(eq + 1) : undefined;
    const value = (): string => {
      if (inline !== undefined) return inline;
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith('--') && Number.isNaN(Number(next)))) throw new CliArgsError(`${flag} needs a value`);
      i++;
      return next;
    };
    const num = () => toNumber(flag, value());
    const status = /^--status-(\d{3})$/.exec(flag);
    if (status) {
      (flagged.status ??= {})[status[1]] = num();
      continue;
    }
    switch (flag) {
      case '--help':
      case '-h':
        options.help = true;
        break;
      case '--port': {
        const port = num();
        if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliArgsError(`--port must be an integer 0–65535, got ${port}`);
        options.port = port;
        break;
      }
      case '--host':
        options.host = value();
        break;
      case '--cache-control':
        options.cacheControl = value();
        break;
      case '--cache-mb':
        options.cacheMaxBytes = Math.max(1, num()) * 1024 * 1024;
        break;
      case '--warm':
        options.warm = parseWarm(value());
        break;
      case '--lazy':
        options.preload = false;
        break;
      case '--require-header':
        options.requireHeader = parseHeaderFlag(value());
        break;
      case '--faults':
        doc = parseFaultsJson(value());
        break;
      case '--seed':
        flagged.seed = num();
        break;
      case '--latency-base':
        (flagged.latencyMs ??= {}).base = num();
        break;
      case '--latency-jitter':
        (flagged.latencyMs ??= {}).jitter = num();
        break;
      case '--latency-median':
        (flagged.latencyMs ??= {}).median = num();
        break;
      case '--latency-p99':
        (flagged.latencyMs ??= {}).p99 = num();
        break;
      case '--rate-limit':
        (flagged.rateLimit ??= {}).rate = num();
        break;
      case '--retry-after':
        (flagged.rateLimit ??= {}).retryAfterS = num();
        break;
      case '--hang-rate':
        flagged.hangRate = num();
        break;
      case '--garbage-rate':
        flagged.garbageRate = num();
        break;
      case '--html-rate':
        flagged.htmlRate = num();
        break;
      case '--truncate-rate':
        flagged.truncateRate = num();
        break;
      case '--oversize-rate':
        flagged.oversizeRate = num();
        break;
      case '--slow-body-rate':
        (flagged.slowBody ??= {}).rate = num();
        break;
      case '--slow-body-bps':
        (flagged.slowBody ??= {}).bytesPerSecond = num();
        break;
      case '--max-connections':
        flagged.maxConnections = num();
        break;
      case '--down':
        flagged.down = inline === undefined ? true : inline !== 'false';
        break;
      default:
        throw new CliArgsError(`unknown option ${flag} (see --help)`);
    }
  }
  // Flags override --faults key by key; nested objects merge so --retry-after alone keeps the JSON's rate.
  const merged: Doc = { ...doc, ...flagged };
  for (const key of ['latencyMs', 'status', 'rateLimit', 'slowBody'] as const) {
    if (flagged[key] && typeof doc[key] === 'object') merged[key] = { ...(doc[key] as object), ...flagged[key] };
  }
  if (flagged.rateLimit && merged.rateLimit && (merged.rateLimit as Doc).rate === undefined) {
    throw new CliArgsError('--retry-after needs --rate-limit <rate> (or a rateLimit.rate in --faults)');
  }
  if (flagged.slowBody && merged.slowBody && (merged.slowBody as Doc).rate === undefined) {
    throw new CliArgsError('--slow-body-bps needs --slow-body-rate <rate> (or a slowBody.rate in --faults)');
  }
  try {
    options.faults = parseFaultDocument(merged);
  } catch (error) {
    if (error instanceof FaultDocumentError) throw new CliArgsError(`fault flags: ${error.message}`);
    throw error;
  }
  return options;
}
