import { useEffect, useId, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { CacheSection } from './cache-section.tsx';
import { evaluateBudgets, type Budgets } from './budgets.ts';
import { ExportControls } from './export-controls.tsx';
import { formatMs } from './format.ts';
import { LatencySection } from './latency-section.tsx';
import { NetworkSection, type NetworkStats } from './network-section.tsx';
import type { OverlaySource } from './overlay-types.ts';
import { PageHealthSection } from './page-health-section.tsx';
import { PrefetchSection } from './prefetch-section.tsx';
import { TabsSection } from './tabs-section.tsx';
import { useOverlayData } from './use-overlay-data.ts';
import type { OverlayToggle } from './use-overlay-toggle.ts';
import { usePageVisible } from './use-page-visible.ts';
import { usePanelDrag } from './use-panel-drag.ts';
import { useStable } from './use-stable.ts';

export interface OverlayPanelProps {
  source: OverlaySource;
  toggle: OverlayToggle;
  budgets: Budgets;
  onToggleTileBoundaries?: (on: boolean) => void;
  // focus the collapse button on mount (the panel was opened from its button, not by Shift+P over the map)
  autoFocus: boolean;
}

export function OverlayPanel({ source, toggle, budgets, onToggleTileBoundaries, autoFocus }: OverlayPanelProps) {
  // Render starts here; the layout effect below runs after the commit. The span is the overlay's render cost.
  const renderStarted = performance.now();
  const panelRef = useRef<HTMLDivElement>(null);
  const collapseRef = useRef<HTMLButtonElement>(null);
  const bodyId = useId();
  const visible = usePageVisible();
  const { data, cost } = useOverlayData(source, visible && !toggle.collapsed);
  const { headerHandlers, onHandleKeyDown, reclamp } = usePanelDrag(panelRef, toggle.setPosition);
  const [boundaries, setBoundaries] = useState(false);
  // The map layer belongs to the panel: closing the panel takes it off the map, so a reopened (unticked) panel
  // never disagrees with the map.
  const boundariesOff = useRef<(() => void) | null>(null);
  useEffect(() => () => boundariesOff.current?.(), []);
  const { snapshot } = data;
  // Stable references for unchanged parts, so memoised sections skip rendering while the engine is idle.
  const statuses = useStable(useMemo(() => (snapshot ? evaluateBudgets(snapshot, budgets) : null), [snapshot, budgets]));
  const stats = snapshot?.stats;
  const latency = useStable(stats?.latencyMs);
  const wire = useStable(stats?.network);
  const cache = useStable(stats?.cache);
  const network = useStable<NetworkStats | undefined>(
    stats && {
      requests: stats.requests,
      inFlight: stats.inFlight,
      queue: stats.queue,
      retries: stats.retries,
      failures: stats.failures,
      breakers: stats.breakers,
      bytes: stats.bytes,
    },
  );
  const prefetch = useStable(stats?.prefetch);
  const sharing = useStable(stats?.sharing);
  const vitals = useStable(snapshot?.vitals);

  useLayoutEffect(() => {
    const now = performance.now();
    cost.add(now, now - renderStarted);
  });

  // A stored position from a bigger window, or a window made smaller, must not leave the panel out of reach.
  const position = useRef(toggle.position);
  useEffect(() => {
    position.current = toggle.position;
  });
  useEffect(() => {
    reclamp(position.current);
    const onResize = () => reclamp(position.current);
    window.addEventListener('resize', onResize);
    return () => window.removeEventListener('resize', onResize);
  }, [reclamp]);

  useEffect(() => {
    if (autoFocus) collapseRef.current?.focus();
  }, [autoFocus]);

  // The panel may sit anywhere after a drag: its height stops 10 px above the viewport's bottom so the body
  // scrolls instead of running off-screen (the CSS max-height only knows the default top).
  const style = toggle.position
    ? { left: toggle.position.x, top: toggle.position.y, maxHeight: `calc(100vh - ${toggle.position.y + 10}px)` }
    : undefined;

  return (
    <div
      ref={panelRef}
      className="kpo-panel"
      role="region"
      aria-label="Kestrel performance overlay"
      data-testid="overlay-root"
      data-collapsed={toggle.collapsed}
      style={style}
    >
      <div className="kpo-header" {...headerHandlers}>
        <button
          type="button"
          className="kpo-icon kpo-grip"
          data-drag-handle=""
          aria-label="Move overlay: drag, or use the arrow keys (Home resets)"
          title="Drag to move (arrow keys; Home resets)"
          onKeyDown={onHandleKeyDown}
        >
          <svg width="10" height="14" viewBox="0 0 10 14" aria-hidden="true" focusable="false">
            {[2, 7, 12].flatMap((y) => [2, 8].map((x) => <circle key={`${x}-${y}`} cx={x} cy={y} r="1.4" fill="currentColor" />))}
          </svg>
        </button>
        <h2 className="kpo-title">Kestrel perf</h2>
        <span className="kpo-cost" data-testid="overlay-cost" data-value={data.costMsPerSecond} title="main-thread time the overlay spends per second (pull, update, render)">
          overlay cost {formatMs(data.costMsPerSecond)}/s
        </span>
        <button
          ref={collapseRef}
          type="button"
          className="kpo-icon"
          aria-expanded={!toggle.collapsed}
          aria-controls={bodyId}
          aria-label={toggle.collapsed ? 'Expand performance overlay' : 'Collapse performance overlay'}
          title={toggle.collapsed ? 'Expand (updates resume)' : 'Collapse (updates pause)'}
          onClick={() => toggle.setCollapsed(!toggle.collapsed)}
          data-testid="overlay-collapse"
        >
          <span aria-hidden="true">{toggle.collapsed ? '▸' : '▾'}</span>
        </button>
        <button
          type="button"
          className="kpo-icon"
          aria-label="Close performance overlay (Shift+P)"
          title="Close (Shift+P)"
          onClick={() => toggle.setOpen(false)}
          data-testid="overlay-close"
        >
          <span aria-hidden="true">×</span>
        </button>
      </div>
      {!toggle.collapsed && (
        <div className="kpo-body" id={bodyId}>
          {data.error && (
            <p className="kpo-error" role="alert" data-testid="overlay-error">
              stats unavailable: {data.error}
            </p>
          )}
          {snapshot && statuses && latency && cache && network && prefetch && vitals ? (
            <>
              <LatencySection latency={latency} history={data.history} statuses={statuses} budgets={budgets} network={wire} />
              <CacheSection cache={cache} statuses={statuses} budgets={budgets} />
              <NetworkSection stats={network} statuses={statuses} budgets={budgets} />
              <PrefetchSection prefetch={prefetch} />
              {sharing && <TabsSection sharing={sharing} engineHits={cache.hits} engineRequests={network.requests.total} />}
              <PageHealthSection vitals={vitals} health={snapshot.pageHealth} statuses={statuses} budgets={budgets} />
            </>
          ) : (
            !data.error && (
              <p className="kpo-muted" data-testid="overlay-waiting">
                waiting for the first snapshot…
              </p>
            )
          )}
          <div className="kpo-footer">
            {onToggleTileBoundaries && (
              <label className="kpo-check">
                <input
                  type="checkbox"
                  checked={boundaries}
                  onChange={(event) => {
                    const on = event.target.checked;
                    setBoundaries(on);
                    onToggleTileBoundaries(on);
                    boundariesOff.current = on ? () => onToggleTileBoundaries(false) : null;
                  }}
                  data-testid="overlay-tile-boundaries"
                />{' '}
                Tile sources
              </label>
            )}
            <ExportControls snapshot={snapshot} />
            <span className="kpo-muted kpo-roundtrip">
              pull <span data-testid="overlay-pull-round-trip" data-value={data.roundTripMs ?? ''}>{formatMs(data.roundTripMs)}</span>
            </span>
          </div>
        </div>
      )}
    </div>
  );
}
