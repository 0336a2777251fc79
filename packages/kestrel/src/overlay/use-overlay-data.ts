import { useEffect, useRef, useState } from 'react';
import { CostMeter } from './cost-meter.ts';
import { appendLatencyPoint, latencyPoint, type LatencyPoint } from './latency-history.ts';
import type { OverlaySnapshot, OverlaySource } from './overlay-types.ts';
import { SnapshotPoller } from './snapshot-poller.ts';

export interface OverlayData {
  snapshot: OverlaySnapshot | null;
  history: LatencyPoint[];
  // message of the last failed pull, cleared by the next good one
  error: string | null;
  // the overlay's own main-thread time, ms per second (pull + state update + render/commit)
  costMsPerSecond: number;
  // time from asking the worker to having its answer: a hint of how busy the worker's event loop is
  roundTripMs: number | null;
}

const EMPTY: OverlayData = { snapshot: null, history: [], error: null, costMsPerSecond: 0, roundTripMs: null };

// Pulls one snapshot per tick while `active`; stops entirely otherwise. Returns the data and the meter that the
// panel charges its render time to.
export function useOverlayData(source: OverlaySource, active: boolean): { data: OverlayData; cost: CostMeter } {
  const [data, setData] = useState<OverlayData>(EMPTY);
  const [cost] = useState(() => new CostMeter());
  // the app may pass a new source object per render; the poller must not restart for that
  const sourceRef = useRef(source);
  useEffect(() => {
    sourceRef.current = source;
  });

  useEffect(() => {
    if (!active) return;
    const meter = cost;
    const poller = new SnapshotPoller({
      pull: () => sourceRef.current.stats(),
      cost: meter,
      onResult: (stats, { roundTripMs }) => {
        // ?engine=off gives null statistics; the type says otherwise, the page may not
        if (!stats) {
          setData((previous) => ({ ...previous, error: 'no engine statistics (engine off?)' }));
          return;
        }
        const current = sourceRef.current;
        const snapshot: OverlaySnapshot = { stats, vitals: current.vitals(), pageHealth: current.pageHealth(), takenAt: Date.now() };
        const now = performance.now();
        setData((previous) => ({
          snapshot,
          history: appendLatencyPoint(previous.history, latencyPoint(stats, now)),
          error: null,
          costMsPerSecond: meter.msPerSecond(now),
          roundTripMs,
        }));
      },
      onError: (error) => {
        setData((previous) => ({ ...previous, error: error instanceof Error ? error.message : String(error) }));
      },
    });
    poller.start();
    return () => poller.stop();
  }, [active, cost]);

  return { data, cost };
}
