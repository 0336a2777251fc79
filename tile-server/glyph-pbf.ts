import { PbfWriter } from 'pbf';
import type { SdfGlyph } from './glyph-sdf.ts';

/** Code points per glyph range file, as MapLibre requests them (`{start}-{start + 255}.pbf`). */
export const GLYPH_RANGE_SIZE = 256;

/** The range file name MapLibre asks for the range starting at `start`: `0-255`, `256-511`, … */
export function rangeName(start: number): string {
  return `${start}-${start + GLYPH_RANGE_SIZE - 1}`;
}

// Field numbers of MapLibre's glyphs.proto: glyphs { stacks = 1 }, fontstack { name = 1, range = 2, glyphs = 3 },
// glyph { id = 1, bitmap = 2, width = 3, height = 4, left = 5 (sint), top = 6 (sint), advance = 7 }.
function writeGlyph(glyph: SdfGlyph, pbf: PbfWriter): void {
  pbf.writeVarintField(1, glyph.id);
  if (glyph.bitmap) pbf.writeBytesField(2, glyph.bitmap);
  pbf.writeVarintField(3, glyph.width);
  pbf.writeVarintField(4, glyph.height);
  pbf.writeSVarintField(5, glyph.left);
  pbf.writeSVarintField(6, glyph.top);
  pbf.writeVarintField(7, glyph.advance);
}

/** Encodes one range of one font stack as a MapLibre glyph PBF. An empty `glyphs` is a valid, empty range. */
export function encodeGlyphRange(fontstack: string, start: number, glyphs: readonly SdfGlyph[]): Uint8Array {
  const pbf = new PbfWriter();
  pbf.writeMessage(1, (_: unknown, stack: PbfWriter) => {
    stack.writeStringField(1, fontstack);
    stack.writeStringField(2, rangeName(start));
    for (const glyph of glyphs) stack.writeMessage(3, (__: unknown, g: PbfWriter) => writeGlyph(glyph, g), undefined);
  }, undefined);
  return pbf.finish();
}
