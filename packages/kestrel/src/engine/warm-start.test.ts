import { describe, expect, it } from 'vitest';
import { warmStartPlan } from './warm-start.ts';

describe('warm start plan', () => {
  it("reads the view's bounds at the map's zoom and one deeper (512 px and 256 px sources)", () => {
    expect(warmStartPlan({ bounds: [2, 44, 8, 48], zoom: 6.4 })).toEqual({ bbox: [2, 44, 8, 48], zoom: { minZoom: 6, maxZoom: 7 }, max: 256 });
  });

  it('clamps a view past the antimeridian to the world, and a view wider than the world to all of it', () => {
    expect(warmStartPlan({ bounds: [170, 10, 190, 20], zoom: 4 })?.bbox).toEqual([170, 10, 180, 20]);
    expect(warmStartPlan({ bounds: [-300, -80, 300, 80], zoom: 0.5 })?.bbox).toEqual([-180, -80, 180, 80]);
  });

  it('plans nothing for a camera that is not a place yet', () => {
    expect(warmStartPlan({ bounds: [Number.NaN, 0, 1, 1], zoom: 3 })).toBeUndefined();
  });
});
