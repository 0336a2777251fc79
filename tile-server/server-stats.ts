export interface ServerStatsSnapshot {
  requests: number;
  byTile: Record<string, number>;
  // Arrival time of each request for the tile, in ms since the server started (not since the last reset,
  // so arrivals stay comparable across resets).
  byTileTimes: Record<string, number[]>;
  // Service time of each tile response sent in full (arrival → last byte handed to the socket), injected latency
  // and connection-limit queueing included, in order of completion; the newest MAX_DURATIONS. Requests the server
  // never finished answering (down, hang, truncate, a client that left) have none, so these are the requests a
  // client saw complete.
  tileDurationsMs: number[];
  byStatus: Record<string, number>;
  faultsInjected: Record<string, number>;
  // 401s for a missing or wrong required header (`requireHeader`), on every route it guards: tiles (also in
  // requests, byTile and byStatus), style.json and tiles.json.
  unauthorized: number;
  inFlight: number;
  maxInFlight: number;
  // Requests waiting for a maxConnections slot (included in inFlight).
  queued: number;
  // Body bytes written for tile responses, as sent (gzipped when the response was).
  bytesSent: number;
  // Glyph range requests by range name ("0-255"), all font stacks together; not in `requests` (tiles only).
  byGlyphRange: Record<string, number>;
  // ms since the server started, at the time of this snapshot.
  now: number;
}

export interface ServerStats {
  // Returns the arrival time, for `completed`.
  arrived(tileKey: string): number;
  // The response was sent in full; its duration counts only if it arrived after the last reset.
  completed(arrivedAt: number): void;
  // The response closed, answered in full or not (inFlight).
  finished(): void;
  status(code: number): void;
  fault(kind: string): void;
  // a request was answered 401 for lack of the required header
  unauthorized(): void;
  bytes(n: number): void;
  glyphRange(range: string): void;
  snapshot(queued: number): ServerStatsSnapshot;
  // Counts start again from zero; maxInFlight restarts at the requests still open.
  reset(): void;
}

// A minute of busy panning is a few thousand tiles; enough for any one measurement, and a bounded snapshot.
export const MAX_DURATIONS = 5000;

const tenths = (ms: number) => Math.round(ms * 10) / 10;

function bump(record: Record<string, number>, key: string): void {
  record[key] = (record[key] ?? 0) + 1;
}

export function createServerStats(now: () => number): ServerStats {
  let requests = 0;
  let byTile: Record<string, number> = {};
  let byTileTimes: Record<string, number[]> = {};
  let tileDurationsMs: number[] = [];
  let resetAt = Number.NEGATIVE_INFINITY;
  let byStatus: Record<string, number> = {};
  let faultsInjected: Record<string, number> = {};
  let unauthorized = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  let bytesSent = 0;
  let byGlyphRange: Record<string, number> = {};

  return {
    arrived(tileKey) {
      const at = now();
      requests++;
      bump(byTile, tileKey);
      (byTileTimes[tileKey] ??= []).push(tenths(at));
      inFlight++;
      if (inFlight > maxInFlight) maxInFlight = inFlight;
      return at;
    },
    completed(arrivedAt) {
      if (arrivedAt < resetAt) return;
      tileDurationsMs.push(tenths(now() - arrivedAt));
      if (tileDurationsMs.length > MAX_DURATIONS) tileDurationsMs.shift();
    },
    finished() {
      inFlight--;
    },
    status(code) {
      bump(byStatus, String(code));
    },
    fault(kind) {
      bump(faultsInjected, kind);
    },
    unauthorized() {
      unauthorized++;
    },
    bytes(n) {
      bytesSent += n;
    },
    glyphRange(range) {
      bump(byGlyphRange, range);
    },
    snapshot(queued) {
      return {
        requests,
        byTile: { ...byTile },
        byTileTimes: Object.fromEntries(Object.entries(byTileTimes).map(([k, v]) => [k, [...v]])),
        tileDurationsMs: [...tileDurationsMs],
        byStatus: { ...byStatus },
        faultsInjected: { ...faultsInjected },
        unauthorized,
        inFlight,
        maxInFlight,
        queued,
        bytesSent,
        byGlyphRange: { ...byGlyphRange },
        now: tenths(now()),
      };
    },
    reset() {
      requests = 0;
      byTile = {};
      byTileTimes = {};
      tileDurationsMs = [];
      resetAt = now();
      byStatus = {};
      faultsInjected = {};
      unauthorized = 0;
      bytesSent = 0;
      byGlyphRange = {};
      maxInFlight = inFlight;
    },
  };
}
