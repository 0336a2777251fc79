import { CliArgsError, USAGE, parseCliArgs, type CliOptions } from './cli-args.ts';
import { startTileServer } from './tile-server.ts';

function parse(): CliOptions {
  try {
    return parseCliArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof CliArgsError)) throw error;
    console.error(`tile server: ${error.message}\n\n${USAGE}`);
    process.exit(2);
  }
}

const options = parse();
if (options.help) {
  console.log(USAGE);
  process.exit(0);
}

const server = await startTileServer({
  port: options.port,
  host: options.host,
  faults: options.faults,
  cacheControl: options.cacheControl,
  cacheMaxBytes: options.cacheMaxBytes,
  warm: options.warm,
  preload: options.preload,
  requireHeader: options.requireHeader,
});

const { loadMs, warmMs, warmedTiles } = server.startup;
console.error(
  `${options.preload ? `data loaded in ${loadMs.toFixed(0)} ms` : 'data sources load on first use'}` +
    `${warmedTiles ? `; warmed ${warmedTiles} tiles in ${warmMs.toFixed(0)} ms` : ''}`,
);
if (Object.keys(server.faults()).length > 0) console.error(`faults: ${JSON.stringify(server.faults())}`);
// the name only: the value is a secret, even a test one
if (server.requireHeader()) console.error(`requests without the right ${server.requireHeader()!.name} header are answered 401`);
// Scripts and Playwright wait for exactly this line on stdout.
console.log(`tile server listening on ${server.url}`);

let stopping = false;
function stop(): void {
  if (stopping) return;
  stopping = true;
  server.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
