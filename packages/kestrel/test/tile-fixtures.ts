import { PbfWriter } from 'pbf';

interface PointLayer {
  name: string;
  points: [number, number][];
}

const zigzag = (n: number) => (n << 1) ^ (n >> 31);

// A real Mapbox Vector Tile (spec 2.1) with point layers, encoded field by field so tests need no fixture files.
// Decodes with @mapbox/vector-tile.
export function mvtTile(layers: PointLayer[] = [{ name: 'places', points: [[100, 200], [2048, 2048]] }]): Uint8Array<ArrayBuffer> {
  const pbf = new PbfWriter();
  for (const layer of layers) {
    pbf.writeMessage(
      3,
      (l: PointLayer, p) => {
        p.writeVarintField(15, 2);
        p.writeStringField(1, l.name);
        l.points.forEach(([x, y], i) => {
          p.writeMessage(
            2,
            (_: null, f) => {
              f.writeVarintField(1, i + 1);
              f.writePackedVarint(2, [0, 0]);
              f.writeVarintField(3, 1);
              // MoveTo (command 1) × 1 = (1 << 3) | 1, then zigzag-encoded x, y
              f.writePackedVarint(4, [9, zigzag(x), zigzag(y)]);
            },
            null,
          );
        });
        p.writeStringField(3, 'name');
        p.writeMessage(4, (_: null, v) => v.writeStringField(1, 'here'), null);
        p.writeVarintField(5, 4096);
      },
      layer,
    );
  }
  return new Uint8Array(pbf.finish());
}

// Signature plus filler: enough for byte-level validation (nothing decodes the pixels).
export function pngTile(size = 64): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(size);
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return bytes;
}

export function utf8(text: string): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(text);
}
