import { describe, expect, it } from 'vitest';
import {
  countBySource,
  coverageBBox,
  coverageCollection,
  coverageZoom,
  hatchPattern,
  sourcesCollection,
  tileBounds,
  viewKeys,
} from './tile-sources-features.ts';

const close = (actual: number[], expected: number[]) => actual.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 6));

describe('tile-sources features', () => {
  it('#tileBounds gives the whole Mercator world for 0/0/0 and a quarter of it for 1/1/0', () => {
    close(tileBounds({ z: 0, x: 0, y: 0 }), [-180, -85.0511287798, 180, 85.0511287798]);
    close(tileBounds({ z: 1, x: 1, y: 0 }), [0, 0, 180, 85.0511287798]);
  });

  it('#viewKeys collapses world copies and duplicates into sorted addresses', () => {
    expect(viewKeys([{ z: 2, x: 1, y: 1 }, { z: 2, x: 0, y: 1 }, { z: 2, x: 1, y: 1 }])).toEqual(['2/0/1', '2/1/1']);
  });

  it('#sourcesCollection outlines each address as a closed ring, labelled by source or "unknown"', () => {
    const fc = sourcesCollection(['1/0/0', '1/1/0', 'nonsense'], { '1/0/0': 'prefetched' });
    expect(fc.features.map((f) => f.properties)).toEqual([
      { source: 'prefetched', tile: '1/0/0' },
      { source: 'unknown', tile: '1/1/0' },
    ]);
    const ring = fc.features[0].geometry.coordinates[0];
    expect(ring).toHaveLength(5);
    expect(ring[0]).toEqual(ring[4]);
  });

  it('#coverageCollection draws each cached tile once and skips keys that are not z/x/y inside the grid', () => {
    const fc = coverageCollection(['3/1/2', '3/1/2', '3/8/0', '3/a/1', '4/0/0/1']);
    expect(fc.features.map((f) => f.properties.tile)).toEqual(['3/1/2']);
  });

  it('#countBySource counts every label, zeros included', () => {
    const fc = sourcesCollection(['1/0/0', '1/1/0', '1/0/1'], { '1/0/0': 'network', '1/1/0': 'network', '1/0/1': 'memory' });
    expect(countBySource(fc)).toEqual({ memory: 1, idb: 0, network: 2, prefetched: 0, unknown: 0 });
  });

  it('#coverageBBox wraps longitudes past ±180 (west > east across the antimeridian) and clamps to Mercator', () => {
    expect(coverageBBox([-10, -20, 30, 40])).toEqual([-10, -20, 30, 40]);
    expect(coverageBBox([170, 0, 190, 10])).toEqual([170, 0, -170, 10]);
    expect(coverageBBox([-200, -89, -170, 89])).toEqual([160, -85.0511287798066, -170, 85.0511287798066]);
    expect(coverageBBox([-300, 0, 200, 10])).toEqual([-180, 0, 180, 10]);
    expect(coverageBBox([-180, 0, 180, 10])).toEqual([-180, 0, 180, 10]);
  });

  it('#coverageZoom picks the most common zoom, the deeper on a tie, and nothing for no tiles', () => {
    expect(coverageZoom([{ z: 4, x: 0, y: 0 }, { z: 5, x: 0, y: 0 }, { z: 5, x: 1, y: 0 }])).toBe(5);
    expect(coverageZoom([{ z: 4, x: 0, y: 0 }, { z: 3, x: 0, y: 0 }])).toBe(4);
    expect(coverageZoom([])).toBeUndefined();
  });

  it('#hatchPattern draws two-pixel diagonal stripes on a transparent ground', () => {
    const data = hatchPattern(8, [1, 2, 3, 200]);
    expect(data).toHaveLength(8 * 8 * 4);
    const alpha = (x: number, y: number) => data[(y * 8 + x) * 4 + 3];
    expect([alpha(0, 0), alpha(1, 0), alpha(2, 0), alpha(7, 1), alpha(3, 3)]).toEqual([200, 200, 0, 200, 0]);
  });
});
