import { useSyncExternalStore } from 'react';
import type { NoticeBoard } from 'kestrel-maps';
import { OfflineControl, type OfflineSource } from './offline/index.ts';

export interface AppProps {
  notices: NoticeBoard;
  // absent with ?engine=off: saved areas live in the engine's cache
  offline?: OfflineSource;
}

// The chrome around the map: notices and the offline panel. The map itself lives outside React (src/app/main.tsx)
// so its lifetime does not follow React's effects, and `window.kestrel.map` exists before the first render. The
// performance overlay is a MapLibre control (kestrel-maps/overlay).
export function App({ notices, offline }: AppProps) {
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
      {offline && <OfflineControl source={offline} />}
    </>
  );
}
