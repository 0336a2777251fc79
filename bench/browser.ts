import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type LaunchOptions } from '@playwright/test';
// The same flags as the Playwright suites, so a figure here means what it means there.
import { chromiumArgs } from '../playwright.config.ts';

export const SYSTEM_CHROMIUM = '/usr/bin/chromium';

// Same choice as playwright.config.ts: KESTREL_CHROMIUM, else Debian's Chromium when installed, else Playwright's own.
export function chromiumLaunchOptions(): LaunchOptions {
  const executablePath = process.env.KESTREL_CHROMIUM ?? (existsSync(SYSTEM_CHROMIUM) ? SYSTEM_CHROMIUM : undefined);
  return { executablePath, args: chromiumArgs, headless: true };
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch(chromiumLaunchOptions());
}

export interface ViewportSize {
  width: number;
  height: number;
}

// A fresh profile on disk: a warm reload then reads the real disk cache / IndexedDB, as a returning user would.
export function launchProfile(userDataDir: string, viewport: ViewportSize): Promise<BrowserContext> {
  // Service workers blocked: the app shell's precache download (~2 MB after the first idle) is not what is measured.
  return chromium.launchPersistentContext(userDataDir, { ...chromiumLaunchOptions(), viewport, deviceScaleFactor: 1, serviceWorkers: 'block' });
}
