import { useEffect, useState } from 'react';
import type { AreaBBox, AreaPlan } from 'kestrel-maps';
import type { OfflineAreasApi } from './offline-types.ts';

// Typing a zoom or finishing a pan re-plans after this pause, not on every keystroke.
const PLAN_DEBOUNCE_MS = 150;

export type PlanState = { state: 'idle' } | { state: 'planning' } | { state: 'ready'; plan: AreaPlan } | { state: 'error'; message: string };

// The engine's plan for this bbox and zoom range; answers to superseded asks are dropped.
export function useAreaPlan(api: OfflineAreasApi, bbox: AreaBBox | undefined, minZoom: number, maxZoom: number, active: boolean): PlanState {
  const [plan, setPlan] = useState<PlanState>({ state: 'idle' });
  const key = bbox ? `${bbox.join(',')}|${minZoom}|${maxZoom}` : '';
  useEffect(() => {
    if (!active || !bbox) return;
    let current = true;
    setPlan({ state: 'planning' });
    const timer = setTimeout(() => {
      api.plan(bbox, minZoom, maxZoom).then(
        (answer) => current && setPlan({ state: 'ready', plan: answer }),
        (error: unknown) => current && setPlan({ state: 'error', message: error instanceof Error ? error.message : String(error) }),
      );
    }, PLAN_DEBOUNCE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
    // `key` stands for bbox, minZoom and maxZoom: a new bbox array with the same numbers is not a new ask
  }, [api, key, active]);
  return plan;
}
