import type { Remote } from 'comlink';
import type { EngineApi, EngineStats } from '../contract/engine-api.ts';
import type { NoticeBoard } from '../client/notices.ts';

// How often the page looks at the engine's health. One small snapshot a second, never per tile.
const POLL_MS = 1000;

// Turns the engine's statistics into what a user needs to know: the tile server cannot be reached (breaker open
// or failures with no success), tiles are being served stale, or the durable cache is unavailable.
// `online`: navigator.onLine. While the device is offline the offline notice (offline-status.ts) says why tiles
// come from the cache; "the tile server is not answering" would only repeat it less accurately.
// `latest()` hands the last snapshot to other page code (retry-errored-tiles.ts), so the page pulls stats once.
export function watchEngineHealth(
  engine: Remote<EngineApi>,
  notices: NoticeBoard,
  online: () => boolean = () => navigator.onLine,
): { stop(): void; latest(): EngineStats | undefined } {
  let previous: EngineStats | undefined;
  let stopped = false;
  const tick = async () => {
    if (stopped) return;
    try {
      const stats = await engine.stats();
      describe(stats, previous, notices, online());
      previous = stats;
    } catch {
      // the worker is gone or busy: the next tick tries again
    }
    if (!stopped) setTimeout(tick, POLL_MS);
  };
  setTimeout(tick, POLL_MS);
  return {
    stop: () => {
      stopped = true;
    },
    latest: () => previous,
  };
}

export function describe(stats: EngineStats, previous: EngineStats | undefined, notices: NoticeBoard, online = true): void {
  describeNetwork(stats, previous, notices, online);
  describeStorage(stats, notices);
  describeArchives(stats, previous, notices);
}

// PMTiles archives: a host that does not serve byte ranges, a damaged archive, one replaced on its host. Each
// names the archive and says what happens to its tiles.
function describeArchives(stats: EngineStats, previous: EngineStats | undefined, notices: NoticeBoard): void {
  const problems: string[] = [];
  const replaced: string[] = [];
  for (const [archive, now] of Object.entries(stats.archives ?? {})) {
    const name = archive.split(/[?#]/)[0].split('/').pop() ?? archive;
    if (now.problem) problems.push(`${name}: ${ARCHIVE_PROBLEM_WORDS[now.problem.reason] ?? now.problem.message}`);
    if (now.replaced > (previous?.archives?.[archive]?.replaced ?? 0)) replaced.push(name);
  }
  if (problems.length > 0) notices.show({ key: 'archive', level: 'error', text: `Map data cannot be read (${problems.join('; ')}). Those tiles stay blank.` });
  else notices.clear('archive');
  if (replaced.length > 0) {
    notices.show({ key: 'archive-replaced', level: 'info', text: `The map data was updated on its server (${replaced.join(', ')}): the old version was dropped and the map reloads the new one.` });
  }
}

const ARCHIVE_PROBLEM_WORDS: Partial<Record<string, string>> = {
  'range-ignored': 'its host sends the whole file instead of byte ranges; Kestrel does not download whole archives (allow Range requests on the host)',
  'range-refused': 'the host refused a byte range past the end of the file (a truncated upload?)',
  'archive-invalid': 'the file is damaged or not a PMTiles v3 archive',
  'archive-replaced': 'the file keeps changing on its host while it is read',
  'http-4xx': 'the host has no file at this address',
  cors: 'the host does not allow this page to read it (CORS)',
};

function describeNetwork(stats: EngineStats, previous: EngineStats | undefined, notices: NoticeBoard, online: boolean): void {
  if (!online) {
    notices.clear('network');
    return;
  }
  const open = Object.entries(stats.breakers).filter(([, b]) => b.state !== 'closed').map(([host]) => host);
  // 'offline' failures are the device's, not the server's (and the offline notice covered them)
  const offlineNow = (stats.failures.offline ?? 0) - (previous?.failures.offline ?? 0);
  // A CORS refusal is the server's configuration, not an outage: its own notice, not "not answering".
  const corsNow = (stats.failures.cors ?? 0) - (previous?.failures.cors ?? 0);
  if (corsNow > 0) {
    notices.show({
      key: 'cors',
      level: 'error',
      text: 'A tile server does not allow this page to read its tiles (no Access-Control-Allow-Origin header, CORS). Those tiles stay blank.',
    });
  }
  const failedNow = stats.requests.failed - (previous?.requests.failed ?? 0) - offlineNow - Math.max(0, corsNow);
  const networkOkNow = stats.cache.hits.network - (previous?.cache.hits.network ?? 0);
  // Tiles waiting on retries while nothing arrived: the server is not answering even before any tile has given up
  // (retries of a killed server take seconds to exhaust, and the user sees holes meanwhile). Paced retries (429s
  // without Retry-After) are the server answering "slower", not silence.
  const retries = stats.retries ?? { total: 0, paced: 0 };
  const retriedNow = retries.total - (retries.paced ?? 0) - ((previous?.retries?.total ?? 0) - (previous?.retries?.paced ?? 0));
  // Judged per host as well: a host that only failed since the last look is not answering even while another host
  // of the style answers well (its successes would hide it in the totals until the dead host's breaker opens).
  const silent = silentHosts(stats, previous);
  const down = [...new Set([...open, ...silent])];
  if (down.length > 0 || ((failedNow > 0 || retriedNow > 0) && networkOkNow === 0)) {
    const stale = stats.cache.hits.staleServed > (previous?.cache.hits.staleServed ?? 0);
    notices.show({
      key: 'network',
      level: 'warn',
      text: `The tile server is not answering${down.length ? ` (${down.join(', ')})` : ''}. Kestrel keeps retrying${stale ? ' and shows cached tiles meanwhile' : ''}.`,
    });
  } else if (networkOkNow > 0 || (failedNow === 0 && open.length === 0)) {
    notices.clear('network');
  }
}

// Hosts with failures and not one answer since the previous look.
function silentHosts(stats: EngineStats, previous: EngineStats | undefined): string[] {
  if (!previous) return [];
  return Object.entries(stats.breakers)
    .filter(([host, now]) => {
      const before = previous.breakers[host];
      return now.failed > (before?.failed ?? 0) && now.answered === (before?.answered ?? 0);
    })
    .map(([host]) => host);
}

function describeStorage(stats: EngineStats, notices: NoticeBoard): void {
  const idb = stats.cache.idb.status;
  if (idb === 'unavailable' || idb === 'degraded') {
    notices.show({ key: 'idb', level: 'info', text: `Offline cache ${idb}: tiles are kept in memory only${stats.cache.idb.detail ? ` (${stats.cache.idb.detail})` : ''}.` });
  } else {
    notices.clear('idb');
  }
}
