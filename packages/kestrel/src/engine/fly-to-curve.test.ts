import { describe, expect, it } from 'vitest';
import { flyToCurve } from './fly-to-curve.ts';
import { lngLatToWorld } from './tile-math.ts';

const VIEW = { width: 800, height: 600 };
const at = (lng: number, lat: number, zoom: number) => ({ world: lngLatToWorld(lng, lat), zoom });

describe('flyToCurve', () => {
  it('climbs to a zoom below both ends on a long flight, crosses there, then lands exactly at the destination', () => {
    const curve = flyToCurve(at(-95, 40, 4), at(8.55, 47.37, 11), VIEW);
    const samples = Array.from({ length: 21 }, (_, i) => curve.at(i / 20));
    const lowest = samples.reduce((a, b) => (b.zoom < a.zoom ? b : a));
    expect(lowest.zoom).toBeLessThan(3);
    // half way across the Atlantic at that low zoom, not at z7.5 as a straight line in zoom would have it
    expect(curve.at(0.2).zoom).toBeLessThan(3);
    expect(curve.at(0.5).zoom).toBeGreaterThan(8);
    const end = curve.at(1);
    expect(end.zoom).toBe(11);
    expect(end.world).toEqual(lngLatToWorld(8.55, 47.37));
    expect(curve.at(0).zoom).toBeCloseTo(4, 9);
  });

  it('takes the time MapLibre does: the path length over 1.2 screens per second, or the duration given', () => {
    const curve = flyToCurve(at(-95, 40, 4), at(8.55, 47.37, 11), VIEW);
    // Measured in Chromium for this flight (z4 over the US to Zürich z11, 800 × 600): ~5.1 s between Enter and moveend.
    expect(curve.durationMs).toBeGreaterThan(4000);
    expect(curve.durationMs).toBeLessThan(6000);
    expect(flyToCurve(at(-95, 40, 4), at(8.55, 47.37, 11), VIEW, { durationMs: 2000 }).durationMs).toBe(2000);
    expect(flyToCurve(at(-95, 40, 4), at(8.55, 47.37, 11), VIEW, { speed: 2.4 }).durationMs).toBeCloseTo(curve.durationMs / 2, 6);
  });

  it('moves slowly at the start and the end (MapLibre’s ease), and always forward', () => {
    const curve = flyToCurve(at(0, 0, 5), at(10, 0, 5), VIEW);
    const x = (p: number) => (curve.at(p).world.x - lngLatToWorld(0, 0).x) / (lngLatToWorld(10, 0).x - lngLatToWorld(0, 0).x);
    expect(x(0.1)).toBeLessThan(0.1);
    expect(x(0.9)).toBeGreaterThan(0.9);
    const xs = Array.from({ length: 11 }, (_, i) => x(i / 10));
    for (let i = 1; i < xs.length; i++) expect(xs[i]!).toBeGreaterThanOrEqual(xs[i - 1]!);
  });

  it('zooms in place when the centre does not move', () => {
    const curve = flyToCurve(at(2, 48, 5), at(2, 48, 9), VIEW);
    expect(curve.at(0.5).world).toEqual(lngLatToWorld(2, 48));
    expect(curve.at(0.5).zoom).toBeGreaterThan(5);
    expect(curve.at(0.5).zoom).toBeLessThan(9);
    expect(curve.durationMs).toBeGreaterThan(0);
  });
});
