import { registerSW } from 'virtual:pwa-register';
import type { NoticeBoard } from 'kestrel-maps';

export const UPDATE_NOTICE = 'update';
// Long-lived tabs look for a new version this often (and whenever the device comes back online).
const UPDATE_CHECK_MS = 60 * 60 * 1000;
// Registration waits for the first view to settle, but not for ever: a map that never goes idle (a tile server
// that does not answer) must still get its app shell cached.
const REGISTER_AT_LATEST_MS = 15_000;

// The built app is precached by a service worker (vite.config.ts: vite-plugin-pwa, Workbox precache only), so the
// page opens with no network. Registration waits until `firstView` settles, so the precache download does not
// compete with the first tiles. A new version installs in the background and waits: the page offers a reload
// (registerType 'prompt') rather than swapping code under a running map.
export function startAppShell(notices: NoticeBoard, firstView: Promise<unknown>): void {
  if (!('serviceWorker' in navigator)) return;
  if (import.meta.env.DEV) {
    // `npm start` never registers one; a worker left on this origin by a built app would serve stale files.
    void navigator.serviceWorker.getRegistrations().then((all) => all.forEach((registration) => void registration.unregister()));
    return;
  }
  const atLatest = new Promise((resolve) => setTimeout(resolve, REGISTER_AT_LATEST_MS));
  void Promise.race([firstView, atLatest]).catch(() => undefined).then(() => register(notices));
}

function register(notices: NoticeBoard): void {
  const updateServiceWorker = registerSW({
    onNeedRefresh: () =>
      notices.show({
        key: UPDATE_NOTICE,
        level: 'info',
        text: 'New version available.',
        // Tells the waiting worker to take over; the plugin reloads the page once it controls it.
        action: { label: 'Reload', run: () => void updateServiceWorker() },
      }),
    onRegisteredSW: (_url, registration) => {
      if (!registration) return;
      const check = () => {
        if (navigator.onLine) registration.update().catch(() => undefined);
      };
      setInterval(check, UPDATE_CHECK_MS);
      window.addEventListener('online', check);
    },
    // The app works without its shell cached; only offline start-up is lost. Nothing to tell the user.
    onRegisterError: () => undefined,
  });
}
