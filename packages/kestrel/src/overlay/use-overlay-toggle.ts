import { useCallback, useEffect, useRef, useState } from 'react';
import { browserStorage } from './browser-storage.ts';
import { initialPrefs, loadPrefs, perfParam, savePrefs, type OverlayPrefs, type PanelPosition } from './overlay-prefs.ts';
import { isToggleShortcut } from './toggle-shortcut.ts';

export interface OverlayToggle extends OverlayPrefs {
  setOpen(open: boolean): void;
  toggleOpen(): void;
  setCollapsed(collapsed: boolean): void;
  // `persist: false` while a drag is in progress, so localStorage is written once per drag, not per pointer move
  setPosition(position: PanelPosition | null, persist?: boolean): void;
}

// Open / collapsed / position, restored from localStorage, overridden by ?perf=, toggled by Shift+P.
// Only user actions are saved: a ?perf=1 link opens the overlay for that load without making it sticky.
export function useOverlayToggle(initiallyOpen?: boolean): OverlayToggle {
  const [prefs, setPrefs] = useState<OverlayPrefs>(() =>
    initialPrefs(loadPrefs(browserStorage()), perfParam(window.location.search), initiallyOpen),
  );
  // the latest prefs outside React's render cycle, so successive updates in one event compose
  const latest = useRef(prefs);

  const update = useCallback((change: Partial<OverlayPrefs>, persist = true) => {
    const next = { ...latest.current, ...change };
    latest.current = next;
    setPrefs(next);
    if (persist) savePrefs(browserStorage(), next);
  }, []);

  const setOpen = useCallback((open: boolean) => update({ open }), [update]);
  const toggleOpen = useCallback(() => update({ open: !latest.current.open }), [update]);
  const setCollapsed = useCallback((collapsed: boolean) => update({ collapsed }), [update]);
  const setPosition = useCallback((position: PanelPosition | null, persist = true) => update({ position }, persist), [update]);

  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (!isToggleShortcut(event)) return;
      event.preventDefault();
      toggleOpen();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [toggleOpen]);

  return { ...prefs, setOpen, toggleOpen, setCollapsed, setPosition };
}
