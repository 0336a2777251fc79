import { useSyncExternalStore } from 'react';
import type { NoticeBoard } from './notices.ts';

export interface AppProps {
  notices: NoticeBoard;
}

// The chrome around the map. The map itself lives outside React (src/app/main.tsx) so its lifetime does not
// follow React's effects, and `window.kestrel.map` exists before the first render.
export function App({ notices }: AppProps) {
  const list = useSyncExternalStore(notices.subscribe, notices.list);
  return (
    <div className="kestrel-notices" role="status" aria-live="polite">
      {list.map((notice) => (
        <div key={notice.key} className={`kestrel-notice kestrel-notice-${notice.level}`} data-testid={`notice-${notice.key}`}>
          {notice.text}
        </div>
      ))}
    </div>
  );
}
