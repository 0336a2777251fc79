import { useCallback, useEffect, useState } from 'react';
import type { SavedArea } from 'kestrel-maps';
import type { OfflineAreasApi } from './offline-types.ts';

// Twice a second at most: progress crosses the thread boundary as one list per poll, never per tile.
export const POLL_INTERVAL_MS = 500;

// The saved areas, polled while the panel is open; `refresh` asks at once (after a button press).
export function useSavedAreas(api: OfflineAreasApi, active: boolean): { areas: SavedArea[] | undefined; refresh: () => void } {
  const [areas, setAreas] = useState<SavedArea[]>();
  const [tick, setTick] = useState(0);
  const refresh = useCallback(() => setTick((n) => n + 1), []);
  useEffect(() => {
    if (!active) return;
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const list = await api.list();
        if (!cancelled) setAreas(list);
      } catch {
        // a worker that is restarting answers the next poll
      }
      if (!cancelled) timer = setTimeout(poll, POLL_INTERVAL_MS);
    };
    void poll();
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [api, active, tick]);
  return { areas, refresh };
}
