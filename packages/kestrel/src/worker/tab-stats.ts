import type { TileRequest, TileResponse, TileResult } from '../contract/engine-api.ts';
import type { TabStats } from '../contract/engine-hub.ts';
import type { AskOrigin } from '../engine/tile-priority.ts';
import type { TileEngine } from '../engine/tile-engine.ts';

// A tab's share of the engine's figures (contract/engine-hub.ts, TabStats), counted where its asks arrive: the
// comlink or hub call, and its MapLibre-worker channel. The engine's own prefetches are never a tab's.

export function emptyTabStats(tab: string, visible: boolean): TabStats {
  return { tab, visible, requests: 0, ok: 0, noTile: 0, failed: 0, aborted: 0, hits: { memory: 0, idb: 0, network: 0 }, resources: 0 };
}

export function countResult(stats: TabStats, result: TileResult, resource = false): void {
  if (resource) stats.resources++;
  if (!result.ok) return countFailure(stats, result.failure.reason);
  stats.requests++;
  stats[result.response.status === 'ok' ? 'ok' : 'noTile']++;
  if (!resource) stats.hits[result.response.tier]++;
}

export function countFailure(stats: TabStats, reason: string | undefined): void {
  stats.requests++;
  stats[reason === 'aborted' ? 'aborted' : 'failed']++;
}


/** What a tab's MapLibre-worker channel asks (serveTileChannel's engine), counted as that tab's. */
export interface TabEngine {
  request(req: TileRequest, signal?: AbortSignal): Promise<TileResponse>;
  readonly auditing?: boolean;
}

// The engine as one tab's MapLibre workers see it: their asks carry the tab's origin and count as the tab's.
export function tabEngine(engine: Pick<TileEngine, 'request' | 'auditing'>, stats: () => TabStats, origin?: AskOrigin): TabEngine {
  return {
    request(req, signal) {
      const answer = engine.request(req, signal, origin);
      answer.then(
        (response) => countResult(stats(), { ok: true, response }),
        (error: { reason?: string }) => countFailure(stats(), error?.reason),
      );
      return answer;
    },
    get auditing() {
      return engine.auditing;
    },
  };
}
