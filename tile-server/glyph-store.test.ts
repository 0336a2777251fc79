import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { FONT_STACK, loadGlyphFont, type GlyphFont } from './glyph-font.ts';
import { createGlyphStore, parseRange } from './glyph-store.ts';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'kestrel-glyphs-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

// A font with two glyphs (A and Ж), counting how often an outline is asked for.
function countingFont(): GlyphFont & { asked: number } {
  const square = [[[0, -10], [8, -10], [8, 0], [0, 0]] as Array<[number, number]>];
  const font = {
    asked: 0,
    codePoints: [65, 0x416],
    outline(cp: number) {
      font.asked++;
      return cp === 65 || cp === 0x416 ? { rings: square, advance: 9, ascender: 26 } : undefined;
    },
  };
  return font;
}

describe('createGlyphStore', () => {
  test('generates a range once, then serves it from memory, and a second store from disk', () => {
    const dir = tempDir();
    const font = countingFont();
    const store = createGlyphStore({ cacheDir: dir, font: () => font });
    const first = store.range(FONT_STACK, 0)!;
    const askedOnce = font.asked;
    expect(askedOnce).toBe(256);
    expect(store.range(FONT_STACK, 0)).toBe(first);
    expect(font.asked).toBe(askedOnce);
    const file = join(dir, FONT_STACK, '0-255.pbf');
    expect(existsSync(file)).toBe(true);
    expect(Buffer.compare(readFileSync(file), Buffer.from(first))).toBe(0);

    const again = countingFont();
    const second = createGlyphStore({ cacheDir: dir, font: () => again });
    expect(Buffer.compare(Buffer.from(second.range(FONT_STACK, 0)!), Buffer.from(first))).toBe(0);
    expect(again.asked).toBe(0);
  });

  test('knows only its own font stack, and lists the ranges its font covers', () => {
    const store = createGlyphStore({ cacheDir: tempDir(), font: countingFont });
    expect(store.range('Arial Unicode MS Regular', 0)).toBeUndefined();
    expect(store.coveredRanges()).toEqual([0, 1024]);
  });
});

describe('the bundled Noto Sans', () => {
  const font = loadGlyphFont();
  test('covers Latin, Latin Extended, Greek and Cyrillic, and not CJK or Arabic', () => {
    for (const ch of 'AzÀÿŁőŻșẞΩαЖжЁҐ€') expect(font.outline(ch.codePointAt(0)!), ch).toBeDefined();
    for (const ch of '中東京ا') expect(font.outline(ch.codePointAt(0)!), ch).toBeUndefined();
  });
});

describe('parseRange', () => {
  test('accepts whole 256-code-point ranges up to 65535 and nothing else', () => {
    expect(parseRange('0-255')).toBe(0);
    expect(parseRange('65280-65535')).toBe(65280);
    for (const bad of ['1-256', '0-511', '65536-65791', 'a-b', '0-255.pbf', '']) expect(parseRange(bad), bad).toBeUndefined();
  });
});
