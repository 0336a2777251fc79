import type { SavedArea } from 'kestrel-maps';
import type { Notice, NoticeBoard } from 'kestrel-maps';

export const OFFLINE_NOTICE = 'offline';
// Names shown in the notice; past this many it says "and N more".
const NAMES_SHOWN = 3;

// What the user needs to know with no network: the map still works from the caches, and where it works best.
// Online, there is no offline notice; a tile server that does not answer is engine-health.ts's notice. Counts are
// written in the reader's locale (the browser's unless `locale` names one).
export function offlineNotice(online: boolean, areas: readonly SavedArea[], locale?: string): Notice | undefined {
  if (online) return undefined;
  const saved = areas.filter((area) => area.status === 'done').map((area) => area.name);
  let where = 'Places you have visited are available.';
  if (saved.length > 0) {
    const count = new Intl.NumberFormat(locale);
    const names = saved.slice(0, NAMES_SHOWN).join(', ') + (saved.length > NAMES_SHOWN ? ` and ${count.format(saved.length - NAMES_SHOWN)} more` : '');
    where = `${count.format(saved.length)} saved ${saved.length === 1 ? 'area' : 'areas'} available (${names}), and places you have visited.`;
  }
  return { key: OFFLINE_NOTICE, level: 'warn', text: `Offline — showing the cached map. ${where}` };
}

export interface OfflineStatusDeps {
  notices: NoticeBoard;
  // navigator.onLine; false means the device knows it has no network
  online: () => boolean;
  // where 'online' and 'offline' are fired (window)
  events: EventTarget;
  // the engine's saved areas; absent with ?engine=off
  listAreas?: () => Promise<SavedArea[]>;
}

// Keeps the offline notice in step with the browser's online state: shown at once when the device goes offline,
// then completed with the saved areas; cleared when it is back.
export function watchOfflineStatus({ notices, online, events, listAreas }: OfflineStatusDeps): () => void {
  let generation = 0;
  const update = async () => {
    const mine = ++generation;
    const notice = offlineNotice(online(), []);
    if (!notice) {
      notices.clear(OFFLINE_NOTICE);
      return;
    }
    notices.show(notice);
    const areas = (await listAreas?.().catch(() => [])) ?? [];
    if (mine !== generation) return;
    const complete = offlineNotice(online(), areas);
    if (complete) notices.show(complete);
  };
  const onChange = () => void update();
  events.addEventListener('online', onChange);
  events.addEventListener('offline', onChange);
  void update();
  return () => {
    generation++;
    events.removeEventListener('online', onChange);
    events.removeEventListener('offline', onChange);
  };
}
