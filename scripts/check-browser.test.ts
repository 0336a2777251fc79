import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const run = (env: Record<string, string>) =>
  spawnSync(process.execPath, ['scripts/check-browser.mjs'], { env: { ...process.env, ...env }, encoding: 'utf8' });

describe('scripts/check-browser.mjs (before the e2e tier)', () => {
  it('on a machine with no Chromium, stops once with one message that says how to get one', () => {
    const empty = mkdtempSync(join(tmpdir(), 'no-browsers-'));
    const result = run({ KESTREL_SYSTEM_CHROMIUM: join(empty, 'chromium'), PLAYWRIGHT_BROWSERS_PATH: empty, KESTREL_CHROMIUM: '' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('apt-get install -y chromium');
    expect(result.stderr).toContain('npx playwright install chromium');
    expect(result.stderr.split('No browser').length - 1).toBe(1);
  });

  it('names a KESTREL_CHROMIUM that does not exist', () => {
    const result = run({ KESTREL_CHROMIUM: '/nowhere/chromium' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('KESTREL_CHROMIUM=/nowhere/chromium does not exist');
  });

  it('passes quietly when a Chromium is there', () => {
    const result = run({ KESTREL_SYSTEM_CHROMIUM: process.execPath, KESTREL_CHROMIUM: '' });
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('');
  });
});
