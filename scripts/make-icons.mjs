// Rasterises public/kestrel.svg into the web app manifest's PNG icons (public/pwa-192.png, public/pwa-512.png).
// Run once after changing the SVG: `node scripts/make-icons.mjs`. Uses Playwright's Chromium, like the e2e tests.
import { existsSync, readFileSync } from 'node:fs';
import { chromium } from '@playwright/test';

const svg = readFileSync(new URL('../public/kestrel.svg', import.meta.url), 'utf8');
const executablePath = process.env.KESTREL_CHROMIUM ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);
const browser = await chromium.launch({ executablePath, args: process.getuid?.() === 0 ? ['--no-sandbox'] : [] });
try {
  for (const size of [192, 512]) {
    const page = await browser.newPage({ viewport: { width: size, height: size } });
    await page.setContent(`<style>html,body{margin:0}svg{display:block;width:${size}px;height:${size}px}</style>${svg}`);
    const path = new URL(`../public/pwa-${size}.png`, import.meta.url).pathname;
    await page.screenshot({ path, omitBackground: true });
    await page.close();
    console.log(`wrote ${path}`);
  }
} finally {
  await browser.close();
}
