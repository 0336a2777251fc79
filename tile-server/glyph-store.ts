import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadGlyphFont, FONT_STACK, type GlyphFont } from './glyph-font.ts';
import { encodeGlyphRange, GLYPH_RANGE_SIZE, rangeName } from './glyph-pbf.ts';
import { sdfGlyph } from './glyph-sdf.ts';

/** Highest code point MapLibre requests glyphs for (it asks by 16-bit ranges). */
export const MAX_GLYPH_CODE_POINT = 0xffff;

// Bump when the SDF or the encoding changes, so a cache made by older code is not served.
const GENERATION = 'v2';

/** Where generated ranges are kept between runs: gitignored, made on first use. */
export const DEFAULT_GLYPH_CACHE_DIR = fileURLToPath(new URL(`../.cache/glyphs/${GENERATION}`, import.meta.url));

/** Glyph PBF ranges, generated once from the bundled font and kept on disk. */
export interface GlyphStore {
  readonly fontstacks: readonly string[];
  /** The PBF of the range starting at `start` (a multiple of 256), or undefined for a font stack we do not have. */
  range(fontstack: string, start: number): Uint8Array | undefined;
  /** Starts of the ranges in which the font has at least one glyph. */
  coveredRanges(): number[];
}

export interface GlyphStoreOptions {
  cacheDir?: string;
  /** Port for tests: a font other than Noto Sans. */
  font?: () => GlyphFont;
}

/** Parses `/fonts/{fontstack}/{start}-{end}.pbf`'s range part; undefined unless it is a whole 256-code-point range. */
export function parseRange(name: string): number | undefined {
  const match = /^(\d{1,5})-(\d{1,5})$/.exec(name);
  if (!match) return undefined;
  const start = Number(match[1]);
  const end = Number(match[2]);
  if (start % GLYPH_RANGE_SIZE !== 0 || end !== start + GLYPH_RANGE_SIZE - 1 || end > MAX_GLYPH_CODE_POINT) return undefined;
  return start;
}

/** A store that generates a range at its first request, then serves it from memory (and later runs from disk). */
export function createGlyphStore(options: GlyphStoreOptions = {}): GlyphStore {
  const cacheDir = options.cacheDir ?? DEFAULT_GLYPH_CACHE_DIR;
  const memory = new Map<number, Uint8Array>();
  let font: GlyphFont | undefined;
  const theFont = () => (font ??= (options.font ?? loadGlyphFont)());

  function generate(start: number): Uint8Array {
    const f = theFont();
    const glyphs = [];
    for (let cp = start; cp < start + GLYPH_RANGE_SIZE; cp++) {
      const outline = f.outline(cp);
      if (outline) glyphs.push(sdfGlyph(cp, outline.rings, outline.advance, outline.ascender));
    }
    return encodeGlyphRange(FONT_STACK, start, glyphs);
  }

  return {
    fontstacks: [FONT_STACK],
    range(fontstack, start) {
      if (fontstack !== FONT_STACK) return undefined;
      const cached = memory.get(start);
      if (cached) return cached;
      const file = join(cacheDir, fontstack, `${rangeName(start)}.pbf`);
      let bytes: Uint8Array;
      if (existsSync(file)) bytes = new Uint8Array(readFileSync(file));
      else {
        bytes = generate(start);
        // Written aside and renamed: two servers starting together never read half a file.
        mkdirSync(dirname(file), { recursive: true });
        const tmp = `${file}.${process.pid}.tmp`;
        writeFileSync(tmp, bytes);
        renameSync(tmp, file);
      }
      memory.set(start, bytes);
      return bytes;
    },
    coveredRanges() {
      return [...new Set(theFont().codePoints.filter((cp) => cp <= MAX_GLYPH_CODE_POINT).map((cp) => cp - (cp % GLYPH_RANGE_SIZE)))];
    },
  };
}
