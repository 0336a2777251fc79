import type { Page } from '@playwright/test';
import type { KestrelWindowContract } from '../maplibre/window-contract.ts';

// The page's `window.kestrel` (exposeWindowContract), for the functions below that run inside page.evaluate.
declare const window: Window & { kestrel: KestrelWindowContract };

/** Waits until the page has published `window.kestrel` (exposeWindowContract); throws after `timeoutMs`. */
export async function waitForKestrel(page: Page, timeoutMs: number): Promise<void> {
  await page.waitForFunction(() => window.kestrel !== undefined, undefined, { timeout: timeoutMs });
}

/** How a {@link waitForIdle} ended. */
export interface IdleOutcome {
  outcome: 'idle' | 'timeout';
  // page clock when the wait ended
  at: number;
  // `ready` rejected meanwhile (the app reports any map error before the style's load event this way, so a
  // failed tile can reject it while the map goes on to settle)
  readyError?: string;
}

/**
 * Waits for `window.kestrel.idle()` (every visible tile settled, no render pending) for at most `timeoutMs`: a map
 * that never settles (a hung tile) ends as `'timeout'` with a time, not as a stuck wait. Deliberately not gated on
 * `ready`, for the reason given at {@link IdleOutcome.readyError}.
 */
export async function waitForIdle(page: Page, timeoutMs: number): Promise<IdleOutcome> {
  return page.evaluate(async (timeoutMs) => {
    let readyError: string | undefined;
    window.kestrel.ready.catch((error: unknown) => (readyError = String((error as Error)?.message ?? error)));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
    const outcome = await Promise.race([window.kestrel.idle().then(() => 'idle' as const), timeout]);
    clearTimeout(timer);
    return { outcome, at: performance.now(), readyError };
  }, timeoutMs);
}
