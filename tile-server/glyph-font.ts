/// <reference path="./opentype.d.ts" />
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import opentype, { type Font } from 'opentype.js';
import { GLYPH_SIZE, outlineRings, type Ring } from './glyph-sdf.ts';

/** The one font stack the default style uses, named as MapLibre will ask for it. */
export const FONT_STACK = 'Noto Sans Regular';

// @fontsource/noto-sans ships Noto Sans (SIL OFL) cut into unicode-range subsets; WOFF 1 (zlib) rather than WOFF2
// because opentype.js reads the former. Together they cover Latin, Latin Extended, Vietnamese, Greek and Cyrillic;
// not CJK, Arabic, Hebrew, Devanagari, Thai or any other script (README, "Labels").
export const FONT_SUBSETS = ['latin', 'latin-ext', 'vietnamese', 'greek', 'greek-ext', 'cyrillic', 'cyrillic-ext'] as const;

/** A glyph's outline in pixels at the glyph PBF size, its advance, and its font's ascender (whole pixels). */
export interface GlyphOutline {
  rings: Ring[];
  advance: number;
  ascender: number;
}

/** Noto Sans as one lookup over its subsets. */
export interface GlyphFont {
  /** Every code point some subset maps, ascending. */
  readonly codePoints: readonly number[];
  outline(codePoint: number): GlyphOutline | undefined;
}

const require = createRequire(import.meta.url);

function parseFont(path: string): Font {
  const bytes = readFileSync(path);
  return opentype.parse(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
}

/** Loads the Noto Sans subsets from `@fontsource/noto-sans` (local files; no network). */
export function loadGlyphFont(): GlyphFont {
  // The first subset that maps a code point draws it (subsets share Latin basics such as digits and spaces).
  const owner = new Map<number, Font>();
  for (const subset of FONT_SUBSETS) {
    const font = parseFont(require.resolve(`@fontsource/noto-sans/files/noto-sans-${subset}-400-normal.woff`));
    for (const key of Object.keys(font.tables.cmap.glyphIndexMap)) {
      const cp = Number(key);
      if (!owner.has(cp)) owner.set(cp, font);
    }
  }
  return {
    codePoints: [...owner.keys()].sort((a, b) => a - b),
    outline(codePoint) {
      const font = owner.get(codePoint);
      if (!font) return undefined;
      const glyph = font.glyphs.get(font.tables.cmap.glyphIndexMap[codePoint]!);
      return {
        rings: outlineRings(glyph.getPath(0, 0, GLYPH_SIZE).commands),
        advance: ((glyph.advanceWidth ?? 0) * GLYPH_SIZE) / font.unitsPerEm,
        ascender: Math.round((font.ascender * GLYPH_SIZE) / font.unitsPerEm),
      };
    },
  };
}
