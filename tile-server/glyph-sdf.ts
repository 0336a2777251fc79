// Signed distance fields for MapLibre glyph PBFs, computed from a glyph's outline rather than from a raster, the way
// Mapbox's fontnik does: each pixel's distance is measured to the outline's segments, its sign from a winding test.
// No canvas and no rasteriser are needed, and the result is exact to the flattening of the curves.

/** Glyph size in pixels that MapLibre's glyph PBFs are made at (its ONE_EM). */
export const GLYPH_SIZE = 24;
/** Pixels of SDF around the glyph's box (MapLibre's GLYPH_PBF_BORDER). */
export const GLYPH_BUFFER = 3;
// Distance in pixels that spans the byte range (256 / RADIUS = 32 levels per pixel), and the share of it outside the
// edge: the edge encodes as 255 − 0.25·256 = 191, which MapLibre's SDF shader takes as the outline (0.75).
const RADIUS = 8;
const CUTOFF = 0.25;
// Straight segments per curve: at 24 px a quadratic spans a few pixels, so 8 steps stay within a tenth of a pixel.
const CURVE_STEPS = 8;

/** A closed ring of points in pixels, y down, origin at the pen position on the baseline. */
export type Ring = Array<[number, number]>;

/** One command of a glyph outline, as opentype.js's `Path.commands` gives them (y down). */
export interface OutlineCommand {
  type: 'M' | 'L' | 'Q' | 'C' | 'Z';
  x?: number;
  y?: number;
  x1?: number;
  y1?: number;
  x2?: number;
  y2?: number;
}

/** A glyph as it goes into the PBF: metrics in whole pixels, bitmap (width + 6) × (height + 6) bytes, or none. */
export interface SdfGlyph {
  id: number;
  width: number;
  height: number;
  left: number;
  top: number;
  advance: number;
  bitmap?: Uint8Array;
}

/** Flattens an outline into closed rings, curves cut into short straight segments. */
export function outlineRings(commands: readonly OutlineCommand[]): Ring[] {
  const rings: Ring[] = [];
  let ring: Ring = [];
  const close = () => {
    if (ring.length > 2) rings.push(ring);
    ring = [];
  };
  for (const c of commands) {
    const last = ring[ring.length - 1];
    if (c.type === 'M') {
      close();
      ring.push([c.x!, c.y!]);
    } else if (c.type === 'L') ring.push([c.x!, c.y!]);
    else if (c.type === 'Q' && last) {
      for (let i = 1; i <= CURVE_STEPS; i++) {
        const t = i / CURVE_STEPS;
        const u = 1 - t;
        ring.push([u * u * last[0] + 2 * u * t * c.x1! + t * t * c.x!, u * u * last[1] + 2 * u * t * c.y1! + t * t * c.y!]);
      }
    } else if (c.type === 'C' && last) {
      for (let i = 1; i <= CURVE_STEPS; i++) {
        const t = i / CURVE_STEPS;
        const u = 1 - t;
        const a = u * u * u;
        const b = 3 * u * u * t;
        const d = 3 * u * t * t;
        const e = t * t * t;
        ring.push([a * last[0] + b * c.x1! + d * c.x2! + e * c.x!, a * last[1] + b * c.y1! + d * c.y2! + e * c.y!]);
      }
    } else if (c.type === 'Z') close();
  }
  close();
  return rings;
}

// Every edge of every ring as x0, y0, x1, y1 in one flat array: the per-pixel loops below run over it hundreds of
// thousands of times per range, and tuples would cost an allocation and a destructure each.
function edges(rings: readonly Ring[]): Float64Array {
  let n = 0;
  for (const ring of rings) n += ring.length;
  const out = new Float64Array(n * 4);
  let k = 0;
  for (const ring of rings) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      out[k++] = ring[j]![0];
      out[k++] = ring[j]![1];
      out[k++] = ring[i]![0];
      out[k++] = ring[i]![1];
    }
  }
  return out;
}

// Where a horizontal line at `py` crosses the outline, with each crossing's direction (+1 downward, −1 upward), sorted
// by x. Non-zero winding of a point on that line is then the sum of the directions of the crossings to its right:
// fonts may overlap contours (accented letters built from parts), where even-odd would punch holes.
function crossings(e: Float64Array, py: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let k = 0; k < e.length; k += 4) {
    const y0 = e[k + 1]!;
    const y1 = e[k + 3]!;
    if (y0 <= py === y1 <= py) continue;
    const x = e[k]! + ((py - y0) / (y1 - y0)) * (e[k + 2]! - e[k]!);
    out.push([x, y1 > y0 ? 1 : -1]);
  }
  return out.sort((a, b) => a[0] - b[0]);
}

function distanceToOutline(e: Float64Array, px: number, py: number): number {
  let best = Number.POSITIVE_INFINITY;
  for (let k = 0; k < e.length; k += 4) {
    const x0 = e[k]!;
    const y0 = e[k + 1]!;
    const dx = e[k + 2]! - x0;
    const dy = e[k + 3]! - y0;
    const len2 = dx * dx + dy * dy;
    const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - x0) * dx + (py - y0) * dy) / len2));
    const ex = px - (x0 + t * dx);
    const ey = py - (y0 + t * dy);
    const d2 = ex * ex + ey * ey;
    if (d2 < best) best = d2;
  }
  return Math.sqrt(best);
}

/**
 * The SDF glyph for one code point: `rings` in pixels at {@link GLYPH_SIZE} (y down, pen at the origin), `advance`
 * in pixels. `top` is measured from the font's ascender line, not the baseline (a capital's top is about −9), as
 * fontnik writes it and MapLibre's shaping expects: it puts the baseline 17 px below the line's origin and then
 * centres a 24 px line, so a top taken from the baseline would draw every label one ascender too high. A glyph with
 * no outline (a space) has zero size and no bitmap.
 */
export function sdfGlyph(id: number, rings: readonly Ring[], advance: number, ascender = 0): SdfGlyph {
  const base = { id, advance: Math.round(advance) };
  let minX = Number.POSITIVE_INFINITY;
  let minY = Number.POSITIVE_INFINITY;
  let maxX = Number.NEGATIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  for (const ring of rings) {
    for (const [x, y] of ring) {
      minX = Math.min(minX, x);
      maxX = Math.max(maxX, x);
      minY = Math.min(minY, y);
      maxY = Math.max(maxY, y);
    }
  }
  // Whole-pixel box, as MapLibre places glyph quads on whole pixels; the fraction stays in the field.
  const left = Math.round(minX);
  const top = Math.round(-minY);
  const width = Math.round(maxX) - left;
  const height = Math.round(maxY) + top;
  if (!(width > 0 && height > 0)) return { ...base, width: 0, height: 0, left: 0, top: 0 };

  const w = width + 2 * GLYPH_BUFFER;
  const h = height + 2 * GLYPH_BUFFER;
  const bitmap = new Uint8Array(w * h);
  const e = edges(rings);
  for (let row = 0; row < h; row++) {
    const py = -top - GLYPH_BUFFER + row + 0.5;
    const line = crossings(e, py);
    let total = 0;
    for (const [, dir] of line) total += dir;
    let next = 0;
    let leftOf = 0; // sum of directions of crossings left of px
    for (let col = 0; col < w; col++) {
      const px = left - GLYPH_BUFFER + col + 0.5;
      while (next < line.length && line[next]![0] < px) leftOf += line[next++]![1];
      const inside = total - leftOf !== 0;
      const d = Math.min(distanceToOutline(e, px, py), RADIUS);
      const signed = inside ? -d : d;
      const value = 255 - (signed * (256 / RADIUS) + CUTOFF * 256);
      bitmap[row * w + col] = Math.max(0, Math.min(255, Math.round(value)));
    }
  }
  return { ...base, width, height, left, top: top - ascender, bitmap };
}
