import { useSyncExternalStore } from 'react';
import type { NoticeBoard } from '../../packages/kestrel/src/client/notices.ts';
import { OfflineControl, type OfflineSource } from './offline/index.ts';
import { PerfOverlay, type OverlaySource } from '../../packages/kestrel/src/overlay/index.ts';

export interface AppProps {
  notices: NoticeBoard;
  // absent with ?engine=off: the overlay shows what the engine does, and there is none
  overlaySource?: OverlaySource;
  overlayOpen?: boolean;
  // shows/hides the overlay's tile-sources map layer (src/app/map/tile-sources-layer.ts)
  onToggleTileBoundaries?: (on: boolean) => void;
  // absent with ?engine=off: saved areas live in the engine's cache
  offline?: OfflineSource;
}

// The chrome around the map. The map itself lives outside React (src/app/main.tsx) so its lifetime does not
// follow React's effects, and `window.kestrel.map` exists before the first render.
export function App({ notices, overlaySource, overlayOpen, onToggleTileBoundaries, offline }: AppProps) {
  const list = useSyncExternalStore(notices.subscribe, notices.list);
  return (
    <>
      <div className="kestrel-notices" role="status" aria-live="polite">
        {list.map((notice) => (
          <div key={notice.key} className={`kestrel-notice kestrel-notice-${notice.level}`} data-testid={`notice-${notice.key}`}>
            {notice.text}
            {notice.action && (
              <button type="button" className="kestrel-notice-action" data-testid={`notice-${notice.key}-action`} onClick={notice.action.run}>
                {notice.action.label}
              </button>
            )}
          </div>
        ))}
      </div>
      {overlaySource && <PerfOverlay source={overlaySource} initiallyOpen={overlayOpen} onToggleTileBoundaries={onToggleTileBoundaries} />}
      {offline && <OfflineControl source={offline} />}
    </>
  );
}
