export interface ServerStatsSnapshot {
  requests: number;
  byTile: Record<string, number>;
  // Arrival time of each request for the tile, in ms since the server started (not since the last reset,
  // so arrivals stay comparable across resets).
  byTileTimes: Record<string, number[]>;
  byStatus: Record<string, number>;
  faultsInjected: Record<string, number>;
  inFlight: number;
  maxInFlight: number;
  // Requests waiting for a maxConnections slot (included in inFlight).
  queued: number;
  // Body bytes written for tile responses, as sent (gzipped when the response was).
  bytesSent: number;
  // ms since the server started, at the time of this snapshot.
  now: number;
}

export interface ServerStats {
  arrived(tileKey: string): void;
  finished(): void;
  status(code: number): void;
  fault(kind: string): void;
  bytes(n: number): void;
  snapshot(queued: number): ServerStatsSnapshot;
  // Counts start again from zero; maxInFlight restarts at the requests still open.
  reset(): void;
}

function bump(record: Record<string, number>, key: string): void {
  record[key] = (record[key] ?? 0) + 1;
}

export function createServerStats(now: () => number): ServerStats {
  let requests = 0;
  let byTile: Record<string, number> = {};
  let byTileTimes: Record<string, number[]> = {};
  let byStatus: Record<string, number> = {};
  let faultsInjected: Record<string, number> = {};
  let inFlight = 0;
  let maxInFlight = 0;
  let bytesSent = 0;

  return {
    arrived(tileKey) {
      requests++;
      bump(byTile, tileKey);
      (byTileTimes[tileKey] ??= []).push(Math.round(now() * 10) / 10);
      inFlight++;
      if (inFlight > maxInFlight) maxInFlight = inFlight;
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
    bytes(n) {
      bytesSent += n;
    },
    snapshot(queued) {
      return {
        requests,
        byTile: { ...byTile },
        byTileTimes: Object.fromEntries(Object.entries(byTileTimes).map(([k, v]) => [k, [...v]])),
        byStatus: { ...byStatus },
        faultsInjected: { ...faultsInjected },
        inFlight,
        maxInFlight,
        queued,
        bytesSent,
        now: Math.round(now() * 10) / 10,
      };
    },
    reset() {
      requests = 0;
      byTile = {};
      byTileTimes = {};
      byStatus = {};
      faultsInjected = {};
      bytesSent = 0;
      maxInFlight = inFlight;
    },
  };
}
