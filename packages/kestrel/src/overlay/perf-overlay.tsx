import { useEffect, useMemo, useRef, useState } from 'react';
import { loadStoredBudgets, mergeBudgets } from './budget-config.ts';
import type { Budgets } from './budgets.ts';
import { browserStorage } from './browser-storage.ts';
import { OverlayPanel } from './overlay-panel.tsx';
import type { OverlaySource } from './overlay-types.ts';
import { useOverlayToggle } from './use-overlay-toggle.ts';
// Styles: injected by the control (overlay-control.tsx), so the overlay needs no stylesheet of the app's.

export interface PerfOverlayProps {
  source: OverlaySource;
  initiallyOpen?: boolean;
  onToggleTileBoundaries?: (on: boolean) => void;
  // the app's thresholds; a developer's localStorage `kestrel.perf.budgets` JSON overrides them per metric
  budgets?: Partial<Budgets>;
}

// Closed: a small button (and Shift+P). Open: the panel, which pulls one engine snapshot per tick while expanded
// and the tab is visible. Neither covers more than its own box, so the map stays usable underneath.
export function PerfOverlay({ source, initiallyOpen, onToggleTileBoundaries, budgets }: PerfOverlayProps) {
  const toggle = useOverlayToggle(initiallyOpen);
  const [stored] = useState(() => loadStoredBudgets(browserStorage()));
  const merged = useMemo(() => mergeBudgets(budgets, stored), [budgets, stored]);
  // Focus follows the button that was used: into the panel when opened from the button, back to the button when
  // the focused control disappeared with the panel. Shift+P over the map leaves focus on the map, mid-pan.
  const [focusPanel, setFocusPanel] = useState(false);
  const openerRef = useRef<HTMLButtonElement>(null);
  const wasOpen = useRef(toggle.open);

  useEffect(() => {
    if (wasOpen.current && !toggle.open) {
      const active = document.activeElement;
      if (!active || active === document.body) openerRef.current?.focus();
    }
    wasOpen.current = toggle.open;
    // the panel's own mount effect has run by now and taken the focus
    if (toggle.open && focusPanel) setFocusPanel(false);
  }, [toggle.open, focusPanel]);

  if (!toggle.open) {
    return (
      <button
        ref={openerRef}
        type="button"
        className="kpo-opener"
        onClick={() => {
          setFocusPanel(true);
          toggle.setOpen(true);
        }}
        aria-label="Performance overlay (Shift+P)"
        title="Performance overlay (Shift+P)"
        data-testid="overlay-open-button"
      >
        {/* a drawn icon: an emoji glyph may be missing from the fonts of a CI browser */}
        <svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
          <path d="M2 14V9M6 14V5M10 14V7M14 14V2" stroke="currentColor" strokeWidth="2.2" strokeLinecap="round" fill="none" />
        </svg>
      </button>
    );
  }
  return (
    <OverlayPanel
      source={source}
      toggle={toggle}
      budgets={merged}
      onToggleTileBoundaries={onToggleTileBoundaries}
      autoFocus={focusPanel}
    />
  );
}
