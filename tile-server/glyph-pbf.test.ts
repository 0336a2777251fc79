import { PbfReader } from 'pbf';
import { describe, expect, test } from 'vitest';
import { encodeGlyphRange, rangeName } from './glyph-pbf.ts';

interface Decoded {
  name: string;
  range: string;
  glyphs: Array<{ id: number; bitmap?: Uint8Array; width: number; height: number; left: number; top: number; advance: number }>;
}

// Decodes as MapLibre's glyphs.ts does (same field numbers and types), independently of the writer.
function decode(bytes: Uint8Array): Decoded[] {
  const pbf = new PbfReader(bytes);
  return pbf.readFields<Decoded[]>((tag, stacks, p) => {
    if (tag !== 1) return;
    stacks.push(
      p.readMessage<Decoded>((t, stack, q) => {
        if (t === 1) stack.name = q.readString();
        else if (t === 2) stack.range = q.readString();
        else if (t === 3)
          stack.glyphs.push(
            q.readMessage<Decoded['glyphs'][number]>((f, g, r) => {
              if (f === 1) g.id = r.readVarint();
              else if (f === 2) g.bitmap = r.readBytes();
              else if (f === 3) g.width = r.readVarint();
              else if (f === 4) g.height = r.readVarint();
              else if (f === 5) g.left = r.readSVarint();
              else if (f === 6) g.top = r.readSVarint();
              else if (f === 7) g.advance = r.readVarint();
            }, { id: 0, width: 0, height: 0, left: 0, top: 0, advance: 0 }),
          );
      }, { name: '', range: '', glyphs: [] }),
    );
  }, []);
}

describe('encodeGlyphRange', () => {
  test('writes one font stack with its name, range and glyphs, negative metrics included', () => {
    const bitmap = new Uint8Array([1, 2, 3, 4]);
    const bytes = encodeGlyphRange('Noto Sans Regular', 256, [
      { id: 256, width: 1, height: 1, left: -2, top: -9, advance: 7, bitmap },
      { id: 288, width: 0, height: 0, left: 0, top: 0, advance: 5 },
    ]);
    const [stack] = decode(bytes);
    expect(stack).toMatchObject({ name: 'Noto Sans Regular', range: '256-511' });
    expect(stack!.glyphs[0]).toMatchObject({ id: 256, width: 1, height: 1, left: -2, top: -9, advance: 7 });
    expect([...stack!.glyphs[0]!.bitmap!]).toEqual([1, 2, 3, 4]);
    expect(stack!.glyphs[1]).toEqual({ id: 288, width: 0, height: 0, left: 0, top: 0, advance: 5 });
  });

  test('an empty range is still a valid stack with no glyphs', () => {
    expect(decode(encodeGlyphRange('Noto Sans Regular', 0x4e00, []))).toEqual([{ name: 'Noto Sans Regular', range: '19968-20223', glyphs: [] }]);
  });
});

describe('rangeName', () => {
  test('names ranges as MapLibre requests them', () => {
    expect(rangeName(0)).toBe('0-255');
    expect(rangeName(65280)).toBe('65280-65535');
  });
});
