import { useCallback, useRef, type KeyboardEvent, type PointerEvent, type RefObject } from 'react';
import { clampPosition, type PanelPosition } from './overlay-prefs.ts';

// Arrow keys move the panel by this much; with Shift, by a bigger step (keyboard users need to move it too).
const KEY_STEP_PX = 10;
const KEY_STEP_LARGE_PX = 50;

interface DragState {
  pointerId: number;
  offsetX: number;
  offsetY: number;
  // a click on the header without a move must not pin the panel to explicit coordinates
  moved: boolean;
}

function viewport() {
  return { width: document.documentElement.clientWidth, height: document.documentElement.clientHeight };
}

function currentPosition(panel: HTMLElement): PanelPosition {
  const rect = panel.getBoundingClientRect();
  return { x: rect.left, y: rect.top };
}

// Pointer-drag on the header (pointer capture keeps the drag alive over the map canvas) and arrow keys on the
// move handle. The map never sees these events: the handlers only exist on the panel's own box.
export function usePanelDrag(
  panelRef: RefObject<HTMLElement | null>,
  setPosition: (position: PanelPosition | null, persist?: boolean) => void,
) {
  const drag = useRef<DragState | null>(null);

  const place = useCallback(
    (position: PanelPosition, persist: boolean) => {
      const panel = panelRef.current;
      if (!panel) return;
      const rect = panel.getBoundingClientRect();
      setPosition(clampPosition(position, { width: rect.width, height: rect.height }, viewport()), persist);
    },
    [panelRef, setPosition],
  );

  const onPointerDown = useCallback(
    (event: PointerEvent<HTMLElement>) => {
      // buttons and inputs in the header keep their click; only the primary button drags
      if (event.button !== 0 || (event.target as Element).closest('button:not([data-drag-handle]), input, a, label')) return;
      const panel = panelRef.current;
      if (!panel) return;
      const start = currentPosition(panel);
      drag.current = { pointerId: event.pointerId, offsetX: event.clientX - start.x, offsetY: event.clientY - start.y, moved: false };
      event.currentTarget.setPointerCapture(event.pointerId);
      event.preventDefault();
    },
    [panelRef],
  );

  const onPointerMove = useCallback(
    (event: PointerEvent<HTMLElement>) => {
      const state = drag.current;
      if (!state || state.pointerId !== event.pointerId) return;
      state.moved = true;
      place({ x: event.clientX - state.offsetX, y: event.clientY - state.offsetY }, false);
    },
    [place],
  );

  const onPointerEnd = useCallback(
    (event: PointerEvent<HTMLElement>) => {
      const state = drag.current;
      if (!state || state.pointerId !== event.pointerId) return;
      drag.current = null;
      if (state.moved) place({ x: event.clientX - state.offsetX, y: event.clientY - state.offsetY }, true);
    },
    [place],
  );

  const onHandleKeyDown = useCallback(
    (event: KeyboardEvent<HTMLElement>) => {
      const panel = panelRef.current;
      if (!panel) return;
      if (event.key === 'Home') {
        event.preventDefault();
        setPosition(null, true);
        return;
      }
      const step = event.shiftKey ? KEY_STEP_LARGE_PX : KEY_STEP_PX;
      const delta: Record<string, [number, number]> = {
        ArrowLeft: [-step, 0],
        ArrowRight: [step, 0],
        ArrowUp: [0, -step],
        ArrowDown: [0, step],
      };
      const move = delta[event.key];
      if (!move) return;
      event.preventDefault();
      const at = currentPosition(panel);
      place({ x: at.x + move[0], y: at.y + move[1] }, true);
    },
    [panelRef, place, setPosition],
  );

  // Re-clamp after a window resize would otherwise leave a stored position off-screen; cheap enough to call on mount.
  const reclamp = useCallback(
    (position: PanelPosition | null) => {
      if (position) place(position, false);
    },
    [place],
  );

  return {
    headerHandlers: { onPointerDown, onPointerMove, onPointerUp: onPointerEnd, onPointerCancel: onPointerEnd },
    onHandleKeyDown,
    reclamp,
  };
}
