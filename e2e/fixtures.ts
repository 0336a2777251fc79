import { test as base, expect, type BrowserContext, type Page } from '@playwright/test';

export const tileUrl = `http://127.0.0.1:${process.env.KESTREL_TILE_PORT}`;

export interface OpenOptions {
  params?: Record<string, string>;
  hash?: string;
  // wait for the map to be idle (all visible tiles settled) before returning
  idle?: boolean;
}

export function appPath(options: OpenOptions = {}): string {
  const params = new URLSearchParams({ style: `${tileUrl}/style.json`, ...options.params });
  return `/?${params}${options.hash ? `#${options.hash}` : ''}`;
}

export async function openMap(page: Page, options: OpenOptions = {}): Promise<void> {
  await page.goto(appPath(options));
  await page.waitForFunction(() => window.kestrel !== undefined);
  await page.evaluate(() => window.kestrel.ready);
  if (options.idle !== false) await page.evaluate(() => window.kestrel.idle());
}

/**
 * Debian's Chromium 150 with Playwright 1.65: a document (or worker) created while the context is already offline
 * reports navigator.onLine true, though its requests fail. Toggling the emulation once the navigation has
 * committed, before the page's scripts run, fixes the document and every worker it starts afterwards. Use as
 * `await page.reload({ waitUntil: 'commit' }); await reassertOffline(context);`.
 */
export async function reassertOffline(context: BrowserContext): Promise<void> {
  await context.setOffline(false);
  await context.setOffline(true);
}

export async function setFaults(doc: object): Promise<void> {
  const response = await fetch(`${tileUrl}/__faults`, { method: 'POST', body: JSON.stringify(doc), headers: { 'content-type': 'application/json' } });
  if (!response.ok) throw new Error(`setting faults failed: ${response.status} ${await response.text()}`);
}

export interface ServerStats {
  requests: number;
  byTile: Record<string, number>;
  byTileTimes?: Record<string, number[]>;
  // service time of each tile response sent in full (arrival → last byte), in order of completion
  tileDurationsMs: number[];
  byStatus: Record<string, number>;
  inFlight: number;
  maxInFlight: number;
  bytesSent: number;
  // ms since the server started, when the snapshot was taken (the clock of byTileTimes)
  now: number;
  // the server's store of generated tiles; a miss is a tile cut on demand
  cache: { entries: number; bytes: number; hits: number; misses: number; generateMs: number };
}

export async function serverStats(): Promise<ServerStats> {
  return (await fetch(`${tileUrl}/__stats`)).json() as Promise<ServerStats>;
}

export async function resetServerStats(): Promise<void> {
  await fetch(`${tileUrl}/__stats/reset`, { method: 'POST' });
}

export async function resetServer(): Promise<void> {
  await setFaults({});
  await resetServerStats();
}

// Errors in the page console fail the spec that saw them (a spec may opt out for expected noise).
export const test = base.extend<{ pageErrors: string[] }>({
  pageErrors: async ({ page }, use) => {
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await use(errors);
  },
});

export { expect };

/** Six views at z5–z6 far from each other and from the suites' home views: browsing them fills a cache with tiles
 * nothing else asks for. */
export const FAR_VIEWS: [number, number][] = [
  [-100, 40],
  [30, -20],
  [100, 35],
  [-60, -15],
  [140, -30],
  [20, 60],
];
