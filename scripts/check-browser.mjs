// Before the e2e tier: is there a Chromium to run it in? Without one, Playwright would print its install banner
// once per test (60 times); this says it once, with both ways to get one, and stops.
// Same order as playwright.config.ts: KESTREL_CHROMIUM, then Debian's chromium, then Playwright's own browser.
import { existsSync } from 'node:fs';
import { chromium } from '@playwright/test';

const systemChromium = process.env.KESTREL_SYSTEM_CHROMIUM ?? '/usr/bin/chromium';
const override = process.env.KESTREL_CHROMIUM;

function found() {
  if (override) return existsSync(override) ? override : null;
  if (existsSync(systemChromium)) return systemChromium;
  const own = chromium.executablePath();
  return own && existsSync(own) ? own : null;
}

const browser = found();
if (!browser) {
  const lines = [
    override ? `No browser for the e2e tests: KESTREL_CHROMIUM=${override} does not exist.` : 'No browser for the e2e tests: no Chromium found.',
    'Get one of these, then run the tests again:',
    `  - Debian/Ubuntu: sudo apt-get install -y chromium   (used from ${systemChromium})`,
    '  - anywhere: npx playwright install chromium          (Playwright\'s own build)',
    '  - or point KESTREL_CHROMIUM at a Chromium binary.',
  ];
  console.error(lines.join('\n'));
  process.exit(1);
}
