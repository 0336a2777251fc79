import { describe, expect, it } from 'vitest';
import type { SavedArea } from 'kestrel-maps';
import { NoticeBoard } from 'kestrel-maps';
import { offlineNotice, watchOfflineStatus } from './offline-status.ts';

function area(name: string, status: SavedArea['status'] = 'done'): SavedArea {
  return { id: name, name, bbox: [0, 0, 1, 1], minZoom: 5, maxZoom: 6, status, done: 1, failed: 0, total: 1, bytes: 1, estimatedBytes: 1, created: 0 };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('offlineNotice', () => {
  it('says nothing while online', () => {
    expect(offlineNotice(true, [area('Alps')])).toBeUndefined();
  });

  it('says the map comes from the cache, and where, when offline', () => {
    expect(offlineNotice(false, [])?.text).toBe('Offline — showing the cached map. Places you have visited are available.');
    expect(offlineNotice(false, [area('Alps')])?.text).toBe(
      'Offline — showing the cached map. 1 saved area available (Alps), and places you have visited.',
    );
  });

  it('counts only finished saved areas and names at most three', () => {
    const areas = [area('A'), area('B'), area('C'), area('D'), area('E', 'downloading'), area('F', 'failed')];
    expect(offlineNotice(false, areas)?.text).toContain('4 saved areas available (A, B, C and 1 more)');
  });

  it('writes its counts in the reader’s locale', () => {
    const many = Array.from({ length: 1203 }, (_, i) => area(`Area ${i}`));
    expect(offlineNotice(false, many, 'de-DE')?.text).toContain('1.203 saved areas available (Area 0, Area 1, Area 2 and 1.200 more)');
  });
});

describe('watchOfflineStatus', () => {
  it('shows the notice when the device goes offline, adds the saved areas, and clears it when back', async () => {
    const notices = new NoticeBoard();
    const events = new EventTarget();
    const network = { online: true };
    watchOfflineStatus({ notices, events, online: () => network.online, listAreas: async () => [area('Alps')] });
    await flush();
    expect(notices.list()).toEqual([]);

    network.online = false;
    events.dispatchEvent(new Event('offline'));
    expect(notices.list()[0]?.text).toMatch(/^Offline/);
    await flush();
    expect(notices.list()[0]?.text).toContain('1 saved area available (Alps)');

    network.online = true;
    events.dispatchEvent(new Event('online'));
    await flush();
    expect(notices.list()).toEqual([]);
  });

  it('shows the notice at start when the page opens offline, even when the engine cannot list areas', async () => {
    const notices = new NoticeBoard();
    watchOfflineStatus({ notices, events: new EventTarget(), online: () => false, listAreas: () => Promise.reject(new Error('restarting')) });
    await flush();
    expect(notices.list().map((n) => n.key)).toEqual(['offline']);
  });

  it('does not bring back a notice when the device came back online while the areas were being listed', async () => {
    const notices = new NoticeBoard();
    const events = new EventTarget();
    const network = { online: false };
    let release: (areas: SavedArea[]) => void = () => undefined;
    watchOfflineStatus({ notices, events, online: () => network.online, listAreas: () => new Promise((resolve) => (release = resolve)) });
    network.online = true;
    events.dispatchEvent(new Event('online'));
    release([area('Alps')]);
    await flush();
    expect(notices.list()).toEqual([]);
  });
});
