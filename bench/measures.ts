import type { EngineStats } from '../packages/kestrel/src/contract/engine-api.ts';
import { quantileSorted } from '../packages/kestrel/src/engine/percentiles.ts';
import type { TileDelta } from './measure.ts';

export interface MeasureInfo {
  label: string;
  unit: string;
  better: 'lower' | 'higher';
  // differences smaller than this are noise, whatever the percentage (compare.ts)
  minDelta: number;
  // informational only: more or fewer is not better or worse by itself (compare.ts skips it)
  informational?: boolean;
}

// Every figure a run yields. Keys are stable: they are the JSON's field names and what --compare matches on.
export const MEASURES = {
  settleMs: { label: 'settle', unit: 'ms', better: 'lower', minDelta: 100 },
  tailMs: { label: 'tail after motion', unit: 'ms', better: 'lower', minDelta: 100 },
  holeTimeMs: { label: 'hole time', unit: 'ms', better: 'lower', minDelta: 200 },
  holeMsPerTile: { label: 'hole/tile', unit: 'ms', better: 'lower', minDelta: 20 },
  tileP50Ms: { label: 'tile p50', unit: 'ms', better: 'lower', minDelta: 20 },
  tileP95Ms: { label: 'tile p95', unit: 'ms', better: 'lower', minDelta: 40 },
  // engine-side, from MapLibre's ask reaching the engine to its answer, per tier (stats().latencyMs)
  memoryHitP50Ms: { label: 'memory hit p50', unit: 'ms', better: 'lower', minDelta: 1 },
  memoryHitP99Ms: { label: 'memory hit p99', unit: 'ms', better: 'lower', minDelta: 2 },
  idbHitP50Ms: { label: 'IndexedDB hit p50', unit: 'ms', better: 'lower', minDelta: 2 },
  idbHitP99Ms: { label: 'IndexedDB hit p99', unit: 'ms', better: 'lower', minDelta: 5 },
  tilesRequested: { label: 'tiles asked', unit: '', better: 'lower', minDelta: 2, informational: true },
  tilesDelivered: { label: 'delivered', unit: '', better: 'higher', minDelta: 1, informational: true },
  tilesMissing: { label: 'missing', unit: '', better: 'lower', minDelta: 1 },
  viewHoles: { label: 'holes in final view', unit: '', better: 'lower', minDelta: 1 },
  tilesAborted: { label: 'aborted', unit: '', better: 'lower', minDelta: 2, informational: true },
  serverRequests: { label: 'server req', unit: '', better: 'lower', minDelta: 2 },
  serverKB: { label: 'server bytes', unit: 'KB', better: 'lower', minDelta: 10 },
  serverMaxInFlight: { label: 'server max in flight', unit: '', better: 'lower', minDelta: 1 },
  longTasks: { label: 'long tasks', unit: '', better: 'lower', minDelta: 2 },
  longTaskMs: { label: 'long-task time', unit: 'ms', better: 'lower', minDelta: 50 },
  mainThreadMs: { label: 'main thread', unit: 'ms', better: 'lower', minDelta: 50 },
  scriptMs: { label: 'script', unit: 'ms', better: 'lower', minDelta: 50 },
  mainMsPerTile: { label: 'main thread/tile', unit: 'ms', better: 'lower', minDelta: 2 },
  fps: { label: 'fps in motion', unit: 'fps', better: 'higher', minDelta: 1 },
  cacheHitRatio: { label: 'cache hit ratio', unit: '', better: 'higher', minDelta: 0.05 },
  prefetchIssued: { label: 'prefetch issued', unit: '', better: 'lower', minDelta: 2, informational: true },
  prefetchUsed: { label: 'prefetch used', unit: '', better: 'higher', minDelta: 2 },
  prefetchWasted: { label: 'prefetch wasted', unit: '', better: 'lower', minDelta: 2 },
  // stats().prefetch.hitRatio: share of the tiles MapLibre asked for while moving that prefetch had in memory
  prefetchHitRatio: { label: 'prefetch hit ratio (moving)', unit: '', better: 'higher', minDelta: 0.05 },
  // (wasted + not yet used) prefetched bytes / prefetched bytes when the run ends: the most the guesses can have wasted
  prefetchUnusedByteShare: { label: 'prefetch bytes unused (share)', unit: '', better: 'lower', minDelta: 0.05 },
  // used / completed: how many of the tiles fetched ahead were then asked for
  prefetchUsedShare: { label: 'prefetch used share', unit: '', better: 'higher', minDelta: 0.05 },
  retried: { label: 'engine retries', unit: '', better: 'lower', minDelta: 2 },
  // stats().network.attempts − the server's request count over the window: 0 when the instrument is truthful
  // (informational: a prefetch in flight when the window opens can land on either side of the reset)
  attemptsMinusServer: { label: 'attempts − server req', unit: '', better: 'lower', minDelta: 1, informational: true },
  tailTimeouts: { label: 'tail-timeout cuts', unit: '', better: 'lower', minDelta: 1, informational: true },
  // per network request: wire time (Resource Timing) against the server's own service time, and the queue wait
  wireP50Ms: { label: 'wire p50', unit: 'ms', better: 'lower', minDelta: 10 },
  wireP95Ms: { label: 'wire p95', unit: 'ms', better: 'lower', minDelta: 20 },
  serverTileP50Ms: { label: 'server tile p50', unit: 'ms', better: 'lower', minDelta: 10, informational: true },
  serverTileP95Ms: { label: 'server tile p95', unit: 'ms', better: 'lower', minDelta: 20, informational: true },
  queueP95Ms: { label: 'queue wait p95', unit: 'ms', better: 'lower', minDelta: 20 },
  tilePhaseMs: { label: 'tile phase (server)', unit: 'ms', better: 'lower', minDelta: 100 },
  littleBoundMs: { label: "Little's bound", unit: 'ms', better: 'lower', minDelta: 100, informational: true },
  littleRatio: { label: 'measured/bound', unit: '×', better: 'lower', minDelta: 0.1 },
  littleRatioCapped: { label: 'measured/bound (6/host)', unit: '×', better: 'lower', minDelta: 0.1 },
} satisfies Record<string, MeasureInfo>;

export type MeasureKey = keyof typeof MEASURES;
export type Measures = Partial<Record<MeasureKey, number | null>>;

// Chromium opens at most 6 connections per host over HTTP/1.1 (the tile server speaks HTTP/1.1), whatever
// limit the page sets; MapLibre alone is bounded by exactly that.
export const BROWSER_CONNECTIONS_PER_HOST = 6;

export interface RawReadings {
  settleMs: number;
  tailMs?: number;
  tiles: TileDelta;
  server: { requests: number; bytesSent: number; maxInFlight: number; byTileTimes: Record<string, number[]>; tileDurationsMs?: number[] };
  mainThread: { taskS: number; scriptS: number };
  longTasks: { count: number; totalMs: number };
  frames?: { frames: number; ms: number };
  engine: EngineStats | null;
  little?: { latencyMs: number; limit: number };
  // the window had camera motion (the prefetch hit ratio only means something then)
  moving: boolean;
}

const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

// Little's law for a batch: n tiles through `limit` slots of `latency` each cannot finish before
// ⌈n / limit⌉ × latency. The measured tile phase is the server's view: first arrival → last arrival + latency.
export function littleLaw(byTileTimes: Record<string, number[]>, latencyMs: number, limit: number) {
  const arrivals = Object.values(byTileTimes).flat();
  const tiles = Object.keys(byTileTimes).length;
  if (arrivals.length === 0 || tiles === 0) return null;
  const tilePhaseMs = Math.max(...arrivals) - Math.min(...arrivals) + latencyMs;
  const bound = Math.ceil(tiles / limit) * latencyMs;
  const capped = Math.ceil(tiles / Math.min(limit, BROWSER_CONNECTIONS_PER_HOST)) * latencyMs;
  return { tiles, tilePhaseMs, littleBoundMs: bound, littleRatio: tilePhaseMs / bound, littleRatioCapped: tilePhaseMs / capped };
}

export function deriveMeasures(r: RawReadings): Measures {
  const delivered = r.tiles.delivered;
  const out: Measures = {
    settleMs: round(r.settleMs, 0),
    tailMs: r.tailMs === undefined ? null : round(r.tailMs, 0),
    holeTimeMs: round(r.tiles.holeTimeMs, 0),
    holeMsPerTile: delivered > 0 ? round(r.tiles.holeTimeMs / delivered) : null,
    tilesRequested: r.tiles.requested,
    tilesDelivered: delivered,
    // asked for and never delivered: errored, or still pending when the window closed (a hang, a timeout)
    tilesMissing: r.tiles.errored + r.tiles.pending,
    viewHoles: r.tiles.viewHoles ?? null,
    tilesAborted: r.tiles.aborted,
    serverRequests: r.server.requests,
    serverKB: round(r.server.bytesSent / 1024),
    serverMaxInFlight: r.server.maxInFlight,
    longTasks: r.longTasks.count,
    longTaskMs: round(r.longTasks.totalMs, 0),
    mainThreadMs: round(r.mainThread.taskS * 1000, 0),
    scriptMs: round(r.mainThread.scriptS * 1000, 0),
    mainMsPerTile: delivered > 0 ? round((r.mainThread.taskS * 1000) / delivered, 2) : null,
    fps: r.frames && r.frames.ms > 0 ? round(r.frames.frames / (r.frames.ms / 1000)) : null,
    tileP50Ms: quantile(r.tiles.latenciesMs, 0.5),
    tileP95Ms: quantile(r.tiles.latenciesMs, 0.95),
  };
  const e = r.engine;
  if (e) {
    const { memory, idb, network } = e.cache.hits;
    const served = memory + idb + network;
    out.cacheHitRatio = served > 0 ? round((memory + idb) / served, 3) : null;
    out.prefetchIssued = e.prefetch.issued;
    out.prefetchUsed = e.prefetch.used;
    out.prefetchWasted = e.prefetch.wasted;
    out.prefetchHitRatio = e.prefetch.enabled && r.moving ? round(e.prefetch.hitRatio, 3) : null;
    out.prefetchUnusedByteShare =
      e.prefetch.enabled && e.prefetch.bytes > 0 ? round((e.prefetch.wastedBytes + e.prefetch.unusedBytes) / e.prefetch.bytes, 3) : null;
    out.prefetchUsedShare = e.prefetch.enabled && e.prefetch.completed > 0 ? round(Math.min(1, e.prefetch.used / e.prefetch.completed), 3) : null;
    out.retried = e.requests.retried;
    const tier = (t: { count: number; p50: number; p99: number }, k: 'p50' | 'p99') => (t.count > 0 ? round(t[k], 2) : null);
    out.memoryHitP50Ms = tier(e.latencyMs.memory, 'p50');
    out.memoryHitP99Ms = tier(e.latencyMs.memory, 'p99');
    out.idbHitP50Ms = tier(e.latencyMs.idb, 'p50');
    out.idbHitP99Ms = tier(e.latencyMs.idb, 'p99');
    if (e.network) {
      out.attemptsMinusServer = e.network.attempts - r.server.requests;
      out.tailTimeouts = e.network.tailTimeouts;
      out.wireP50Ms = tier(e.network.wireMs, 'p50');
      out.wireP95Ms = e.network.wireMs.count > 0 ? round(e.network.wireMs.p95, 1) : null;
      out.queueP95Ms = e.network.queueMs.count > 0 ? round(e.network.queueMs.p95, 1) : null;
    }
  }
  if (r.server.tileDurationsMs) {
    out.serverTileP50Ms = quantile(r.server.tileDurationsMs, 0.5);
    out.serverTileP95Ms = quantile(r.server.tileDurationsMs, 0.95);
  }
  if (r.little) {
    const law = littleLaw(r.server.byTileTimes, r.little.latencyMs, r.little.limit);
    if (law) {
      out.tilePhaseMs = round(law.tilePhaseMs, 0);
      out.littleBoundMs = law.littleBoundMs;
      out.littleRatio = round(law.littleRatio, 2);
      out.littleRatioCapped = round(law.littleRatioCapped, 2);
    }
  }
  return out;
}

// The engine's definition (linear between closest ranks), rounded for the report; null for no sample.
export function quantile(values: number[], q: number): number | null {
  if (values.length === 0) return null;
  return round(quantileSorted([...values].sort((a, b) => a - b), q), 1);
}
