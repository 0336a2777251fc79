import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../test/seeded-random.ts';
import type { CameraSnapshot } from '../contract/engine-api.ts';
import { horizonFor, MotionModel } from './motion-model.ts';
import { lngLatToWorld, worldToLngLat, WORLD_TILE_SIZE, type Point, type Viewport } from './tile-math.ts';

const ZOOM = 10;
const PX = 1 / (WORLD_TILE_SIZE * 2 ** ZOOM); // one screen px in world units at ZOOM
const BERLIN = lngLatToWorld(13.405, 52.52);

function snap(time: number, world: Point, over: Partial<CameraSnapshot> = {}): CameraSnapshot {
  const center = worldToLngLat(world);
  const lng = ((((center[0] + 180) % 360) + 360) % 360) - 180;
  return {
    center: [lng, center[1]],
    zoom: ZOOM,
    bearing: 0,
    pitch: 0,
    width: 1024,
    height: 768,
    bounds: [0, 0, 0, 0],
    time,
    ...over,
  };
}

// Feeds a path given as world position per ms; returns the time of the last snapshot.
function feed(model: MotionModel, at: (t: number) => Point, times: number[], over?: Partial<CameraSnapshot>): number {
  for (const t of times) model.update(snap(t, at(t), over));
  return times[times.length - 1];
}

const every = (stepMs: number, untilMs: number, from = 0) =>
  Array.from({ length: Math.floor((untilMs - from) / stepMs) + 1 }, (_, i) => from + i * stepMs);

// 1000 px/s east
const panEast = (t: number): Point => ({ x: BERLIN.x + (1000 * PX * t) / 1000, y: BERLIN.y });

describe('MotionModel velocity', () => {
  it('estimates a steady pan in screen px/s and world units/s', () => {
    const model = new MotionModel();
    feed(model, panEast, every(16, 800));
    const v = model.velocity();
    expect(v.screen.x).toBeCloseTo(1000, 0);
    expect(Math.abs(v.screen.y)).toBeLessThan(1);
    expect(v.world.x / (1000 * PX)).toBeCloseTo(1, 3);
    expect(v.moving).toBe(true);
  });

  it('weights samples by elapsed time, so an uneven event rate gives the same estimate', () => {
    // speeds up from 500 to 1500 px/s; a count-weighted average would lean towards whichever rate sends more events
    const accelerating = (t: number): Point => ({
      x: BERLIN.x + (PX * (500 * t + (500 * t * t) / 1000)) / 1000,
      y: BERLIN.y,
    });
    const even = new MotionModel();
    const last = feed(even, accelerating, every(20, 1000));
    const uneven = new MotionModel();
    const times = [0];
    while (times[times.length - 1] < 1000) times.push(times[times.length - 1] + (times.length % 3 === 0 ? 60 : 5));
    feed(uneven, accelerating, times.filter((t) => t <= last));
    expect(uneven.velocity().screen.x / even.velocity().screen.x).toBeCloseTo(1, 1);
  });

  it('reads a jittery pan as straight: a few px of pointer noise does not become a turn', () => {
    const random = seededRandom(7);
    const model = new MotionModel();
    let t = 0;
    for (let i = 0; i < 120; i++) {
      t += 16 + (random() - 0.5) * 8;
      const p = panEast(t);
      model.update(snap(t, { x: p.x + (random() - 0.5) * 4 * PX, y: p.y + (random() - 0.5) * 4 * PX }));
      if (i < 30) continue;
      const v = model.velocity();
      expect(Math.abs(Math.atan2(v.screen.y, v.screen.x))).toBeLessThan((3 * Math.PI) / 180);
      expect(v.speedPx / 1000).toBeCloseTo(1, 1);
    }
  });

  it('reports screen velocity in screen axes when the map is rotated', () => {
    const model = new MotionModel();
    feed(model, panEast, every(16, 800), { bearing: 90 });
    const v = model.velocity();
    // east is up on screen
    expect(v.screen.y).toBeCloseTo(-1000, 0);
    expect(Math.abs(v.screen.x)).toBeLessThan(1);
  });

  it('shows no velocity spike when the pan crosses the antimeridian', () => {
    const model = new MotionModel();
    const start = lngLatToWorld(179.5, 0);
    const fast = (t: number): Point => ({ x: start.x + (20_000 * PX * t) / 1000, y: start.y });
    // 20 000 px/s at zoom 10 crosses 180° after ~0.05 s
    const speeds: number[] = [];
    for (const t of every(16, 600)) {
      model.update(snap(t, fast(t)));
      if (t >= 100) speeds.push(model.velocity().speedPx);
    }
    expect(snap(600, fast(600)).center[0]).toBeLessThan(0);
    for (const s of speeds) expect(s / 20_000).toBeCloseTo(1, 2);
    expect(model.velocity().world.x).toBeGreaterThan(0);
  });

  it('gives a positive zoom rate when zooming in and a negative one when zooming out', () => {
    const zoomIn = new MotionModel();
    for (const t of every(16, 480)) zoomIn.update(snap(t, BERLIN, { zoom: 10 + (2 * t) / 1000 }));
    expect(zoomIn.velocity().zoomRate).toBeCloseTo(2, 1);
    const zoomOut = new MotionModel();
    for (const t of every(16, 480)) zoomOut.update(snap(t, BERLIN, { zoom: 12 - (2 * t) / 1000 }));
    expect(zoomOut.velocity().zoomRate).toBeCloseTo(-2, 1);
    expect(zoomOut.velocity().moving).toBe(true);
  });

  it('comes to rest when snapshots keep arriving but stop moving', () => {
    const model = new MotionModel();
    const stopAt = feed(model, panEast, every(16, 600));
    const end = panEast(stopAt);
    feed(model, () => end, every(16, stopAt + 1500, stopAt + 16));
    expect(model.velocity().moving).toBe(false);
    expect(model.velocity().speedPx).toBe(0);
  });

  it('fades, then stops, when snapshots stop arriving', () => {
    const model = new MotionModel();
    const last = feed(model, panEast, every(16, 600));
    expect(model.velocity(last + 50).speedPx).toBeCloseTo(1000, 0);
    const fading = model.velocity(last + 300).speedPx;
    expect(fading).toBeLessThan(600);
    expect(fading).toBeGreaterThan(100);
    expect(model.velocity(last + 500).moving).toBe(false);
  });

  it('starts a new gesture after a long silence instead of averaging across it', () => {
    const model = new MotionModel();
    const last = feed(model, panEast, every(16, 400));
    model.update(snap(last + 3000, { x: BERLIN.x + 5000 * PX, y: BERLIN.y }));
    expect(model.velocity().moving).toBe(false);
  });
});

describe('MotionModel prediction', () => {
  it('predicts a straight pan ahead by speed × horizon', () => {
    const model = new MotionModel();
    const last = feed(model, panEast, every(16, 800));
    const p = model.predict(last, 100)!;
    expect(p.horizonMs).toBeCloseTo(horizonFor(1000, 100), 6);
    const end = p.path[p.path.length - 1];
    expect(end.inMs).toBe(p.horizonMs);
    const predicted = lngLatToWorld(end.center[0], end.center[1]);
    const expected = panEast(last + p.horizonMs);
    expect(Math.abs(predicted.x - expected.x) / PX).toBeLessThan(5);
    expect(Math.abs(predicted.y - expected.y) / PX).toBeLessThan(1);
    // steps along the way, in time order
    expect(p.path.map((v) => v.inMs)).toEqual([...p.path.map((v) => v.inMs)].sort((a, b) => a - b));
  });

  it('extrapolates from the last snapshot to `now`', () => {
    const model = new MotionModel();
    const last = feed(model, panEast, every(16, 800));
    const early = model.predict(last, 100)!.path[0];
    const later = model.predict(last + 80, 100)!.path[0];
    const x = (v: Viewport) => lngLatToWorld(v.center[0], v.center[1]).x;
    const dx = (x(later) - x(early)) / PX;
    expect(dx).toBeCloseTo(80, -1);
  });

  it('follows a curve along its tangent and bends the prediction with it', () => {
    // 1000 px/s on a circle of radius 1000 px: the heading turns 1 rad/s clockwise on a north-up map
    const r = 1000 * PX;
    const circle = (t: number): Point => ({
      x: BERLIN.x + r * Math.sin(t / 1000),
      y: BERLIN.y - r * Math.cos(t / 1000),
    });
    const model = new MotionModel();
    const last = feed(model, circle, every(16, 2000));
    const v = model.velocity();
    expect(v.turnRate).toBeCloseTo(1, 1);
    const tangent = Math.atan2(Math.sin(last / 1000), Math.cos(last / 1000));
    expect(Math.abs(Math.atan2(v.screen.y, v.screen.x) - tangent)).toBeLessThan((5 * Math.PI) / 180);

    const p = model.predict(last, 100)!;
    const end = p.path[p.path.length - 1];
    const predicted = lngLatToWorld(end.center[0], end.center[1]);
    const truth = circle(last + p.horizonMs);
    const straight = {
      x: circle(last).x + (Math.cos(tangent) * 1000 * PX * p.horizonMs) / 1000,
      y: circle(last).y + (Math.sin(tangent) * 1000 * PX * p.horizonMs) / 1000,
    };
    const miss = Math.hypot(predicted.x - truth.x, predicted.y - truth.y) / PX;
    const straightMiss = Math.hypot(straight.x - truth.x, straight.y - truth.y) / PX;
    expect(v.speedPx).toBeCloseTo(1000, -1);
    expect(miss).toBeLessThan(straightMiss / 10);
    expect(miss).toBeLessThan(20);
  });

  it('collapses to the current view once the camera stops', () => {
    const model = new MotionModel();
    const stopAt = feed(model, panEast, every(16, 600));
    const end = panEast(stopAt);
    const last = feed(model, () => end, every(16, stopAt + 1500, stopAt + 16));
    const p = model.predict(last, 100)!;
    expect(p.moving).toBe(false);
    expect(p.path).toEqual([]);
    expect(p.current.center).toEqual(snap(last, end).center);
  });

  it('extrapolates a zoom, but not more than one level', () => {
    const model = new MotionModel();
    const last = feed(model, () => BERLIN, every(16, 480), undefined);
    expect(model.predict(last, 100)!.moving).toBe(false);
    const zooming = new MotionModel();
    for (const t of every(16, 480)) zooming.update(snap(t, BERLIN, { zoom: 10 + (3 * t) / 1000 }));
    const p = zooming.predict(480, 100)!;
    expect(p.zoomRate).toBeGreaterThan(0);
    const zooms = p.path.map((v) => v.zoom);
    expect(zooms[0]).toBeGreaterThan(10 + 1.44);
    expect(Math.max(...zooms)).toBeCloseTo(10 + 1.44 + 1, 5);
  });

  it('wraps predicted centres across the antimeridian', () => {
    const model = new MotionModel();
    const start = lngLatToWorld(179.9, 0);
    const last = feed(model, (t) => ({ x: start.x + (2000 * PX * t) / 1000, y: start.y }), every(16, 400));
    // the last snapshot is at 180.45° (unwrapped); 2000 px/s × 1.2 s ahead is another 1.65°
    const end = model.predict(last, 100)!.path.at(-1)!;
    expect(end.center[0]).toBeCloseTo(-177.9, 1);
  });

  it('predicts along the path to a flyTo destination, arriving on time', () => {
    const model = new MotionModel();
    const destination = { center: [2.35, 48.85] as [number, number], zoom: 12, durationMs: 3000 };
    const paris = lngLatToWorld(2.35, 48.85);
    const along = (t: number): Point => ({
      x: BERLIN.x + ((paris.x - BERLIN.x) * t) / 3000,
      y: BERLIN.y + ((paris.y - BERLIN.y) * t) / 3000,
    });
    const last = feed(model, along, every(16, 1008), { destination });
    const p = model.predict(last, 100)!;
    expect(p.moving).toBe(true);
    expect(p.destination!.center[0]).toBeCloseTo(2.35, 9);
    expect(p.destination!.center[1]).toBeCloseTo(48.85, 9);
    expect(p.destination!.zoom).toBe(12);
    expect(p.destination!.inMs).toBe(3000 - last);
    // in-between views head from here to there
    let previous = lngLatToWorld(snap(last, along(last)).center[0], snap(last, along(last)).center[1]);
    for (const v of p.path) {
      const w = lngLatToWorld(v.center[0], v.center[1]);
      expect(w.x).toBeLessThan(previous.x);
      expect(w.x).toBeGreaterThanOrEqual(paris.x - 1e-12);
      previous = w;
    }
    const first = p.path[0];
    const onTime = along(last + first.inMs);
    expect(Math.abs(lngLatToWorld(first.center[0], first.center[1]).x - onTime.x) / PX).toBeLessThan(1);
  });

  it('follows a flyTo’s zoom-out arc: half way from the US to Zürich the predicted views are at a low zoom', () => {
    const model = new MotionModel();
    const start = lngLatToWorld(-95, 40);
    const zurich = lngLatToWorld(8.55, 47.37);
    const destination = { center: [8.55, 47.37] as [number, number], zoom: 11, durationMs: 4960, fly: { from: [-95, 40] as [number, number], fromZoom: 4, curve: 1.42 } };
    // The camera as MapLibre moves it is not needed here: the arc comes from the flight's start and end.
    model.update(snap(0, start, { zoom: 4, destination }));
    model.update(snap(500, start, { zoom: 3, destination }));
    const early = model.predict(500, 100)!;
    expect(early.path.length).toBeGreaterThan(0);
    // under a second in: crossing towards the Atlantic near z3, below both ends (a straight line in zoom: z5)
    for (const v of early.path) {
      expect(v.zoom, `${v.inMs} ms ahead`).toBeLessThan(3.5);
      expect(v.zoom, `${v.inMs} ms ahead`).toBeLessThan(4 + (7 * (500 + v.inMs)) / 4960 - 1.5);
    }
    const late = model.predict(3500, 100)!;
    for (const v of late.path) {
      expect(v.zoom).toBeGreaterThan(9);
      expect(Math.abs(lngLatToWorld(v.center[0], v.center[1]).x - zurich.x)).toBeLessThan(0.001);
    }
    expect(late.destination!.zoom).toBe(11);
  });

  it('arrives at the same time when each snapshot restates the remaining duration', () => {
    const model = new MotionModel();
    for (const t of every(100, 1000)) {
      model.update(snap(t, BERLIN, { destination: { center: [2.35, 48.85], zoom: 12, durationMs: 3000 - t } }));
    }
    expect(model.predict(1000, 100)!.destination!.inMs).toBe(2000);
  });

  it('comes to rest when a known flight arrives, instead of extrapolating its speed past the end', () => {
    const model = new MotionModel();
    const destination = { center: worldToLngLat({ x: BERLIN.x + 1000 * PX, y: BERLIN.y }), zoom: ZOOM, durationMs: 1000 };
    const last = feed(model, panEast, every(100, 900), { destination });
    expect(model.velocity(last).moving).toBe(true);
    // moveend: the last snapshot carries no destination
    model.update(snap(1000, panEast(1000)));
    const p = model.predict(1000, 100)!;
    expect(p.moving).toBe(false);
    expect(p.path).toEqual([]);
    // a drag without a destination still extrapolates
    const drag = new MotionModel();
    const end = feed(drag, panEast, every(100, 1000));
    expect(drag.predict(end, 100)!.path.length).toBeGreaterThan(0);
  });

  it('forgets the destination once a snapshot arrives without one', () => {
    const model = new MotionModel();
    model.update(snap(0, BERLIN, { destination: { center: [2.35, 48.85], zoom: 12, durationMs: 3000 } }));
    model.update(snap(16, BERLIN));
    expect(model.predict(16, 100)!.destination).toBeUndefined();
  });
});

describe('horizonFor', () => {
  it('grows with speed and latency, within [500, 2000] ms', () => {
    expect(horizonFor(0, 0)).toBe(500);
    expect(horizonFor(0, 100)).toBe(500);
    expect(horizonFor(1000, 200)).toBe(900);
    expect(horizonFor(2000, 200)).toBeGreaterThan(horizonFor(1000, 200));
    expect(horizonFor(1000, 400)).toBeGreaterThan(horizonFor(1000, 200));
    expect(horizonFor(20_000, 500)).toBe(2000);
  });

  it('accepts tighter bounds, e.g. the engine option horizonMs', () => {
    expect(horizonFor(20_000, 500, { maxMs: 1200 })).toBe(1200);
    expect(horizonFor(0, 0, { minMs: 300, maxMs: 1200 })).toBe(300);
  });
});
