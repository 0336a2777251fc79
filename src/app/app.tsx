import { useCallback, useSyncExternalStore } from 'react';
import type { NoticeBoard } from 'kestrel-maps';
import { OfflineControl, type OfflineSource } from './offline/index.ts';
import { PlaceSearchBox, type PlaceSearchSource } from './search/index.ts';
import { KeyboardShortcuts } from './shortcuts/keyboard-shortcuts.tsx';

export interface AppProps {
  notices: NoticeBoard;
  // absent with ?engine=off: saved areas live in the engine's cache
  offline?: OfflineSource;
  search?: PlaceSearchSource;
}

// The chrome around the map: notices, place search, the offline panel and the keyboard shortcut list. The map itself lives outside React (src/app/main.tsx)
// so its lifetime does not follow React's effects, and `window.kestrel.map` exists before the first render. The
// performance overlay is a MapLibre control (kestrel-maps/overlay).
export function App({ notices, offline, search }: AppProps) {
  const list = useSyncExternalStore(notices.subscribe, notices.list);
  const focusSearch = useCallback(() => document.querySelector<HTMLInputElement>('.kps-input')?.focus(), []);
  return (
    <>
      {search && <PlaceSearchBox source={search} />}
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
      <KeyboardShortcuts focusSearch={focusSearch} />
    </>
  );
}
