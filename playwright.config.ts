import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { defineConfig, devices } from '@playwright/test';

// Free ports are chosen once, in the runner's process, and handed to the workers through the environment
// (workers load this file again and must see the same ports).
function freePort(): number {
  const script = "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})";
  return Number(execFileSync(process.execPath, ['-e', script]).toString().trim());
}
process.env.KESTREL_TILE_PORT ??= String(freePort());
process.env.KESTREL_APP_PORT ??= String(freePort());
const tilePort = process.env.KESTREL_TILE_PORT;
// The built app under test (`vite build` first); another directory lets a second build be tested beside it.
const distDir = process.env.KESTREL_DIST ?? 'dist';
const appPort = process.env.KESTREL_APP_PORT;

// Debian's Chromium where it is installed (this machine and CI); Playwright's own browser elsewhere.
const systemChromium = process.env.KESTREL_SYSTEM_CHROMIUM ?? '/usr/bin/chromium'; // scripts/check-browser.mjs looks in the same places
const executablePath = process.env.KESTREL_CHROMIUM ?? (existsSync(systemChromium) ? systemChromium : undefined);

export const chromiumArgs = [
  '--enable-unsafe-swiftshader',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
];

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  outputDir: process.env.PW_OUTPUT_DIR ?? 'test-results',
  // Software WebGL on 2 cores: one browser at a time keeps timings sane and the shared tile server's
  // fault settings owned by one spec at a time.
  workers: 1,
  fullyParallel: false,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  retries: 0,
  reporter: process.env.CI ? [['list']] : [['list'], ['html', { open: 'never' }]],
  use: {
    baseURL: `http://127.0.0.1:${appPort}`,
    viewport: { width: 800, height: 600 },
    trace: 'retain-on-failure',
    launchOptions: { executablePath, args: chromiumArgs },
  },
  projects: [{ name: 'chromium', use: { ...devices['Desktop Chrome'], viewport: { width: 800, height: 600 } } }],
  webServer: [
    {
      command: `node node_modules/tsx/dist/cli.mjs tile-server/main.ts --port ${tilePort}`,
      url: `http://127.0.0.1:${tilePort}/health`,
      reuseExistingServer: false,
      timeout: 120_000,
      stdout: 'ignore',
    },
    {
      command: `node node_modules/vite/bin/vite.js preview --port ${appPort} --strictPort --outDir ${distDir}`,
      url: `http://127.0.0.1:${appPort}/`,
      reuseExistingServer: false,
      timeout: 60_000,
    },
  ],
});
