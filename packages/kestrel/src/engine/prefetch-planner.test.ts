import { describe, expect, it } from 'vitest';
import type { CameraSnapshot, TileCoord } from '../contract/engine-api.ts';
import { MotionModel, type Prediction } from './motion-model.ts';
import { diffPlans, planPrefetch, type PlannedTile } from './prefetch-planner.ts';
import {
  lngLatToTile,
  lngLatToWorld,
  parentTile,
  tileKey,
  tilesForViewport,
  tileToLngLat,
  worldToLngLat,
  WORLD_TILE_SIZE,
  type Point,
  type Viewport,
} from './tile-math.ts';

const nothingCached = () => false;
const keys = (tiles: TileCoord[]) => tiles.map(tileKey);

// Centre of tile 10/550/335 (Berlin): at zoom 10 a 1024×768 view covers columns 549–551, rows 334–336.
const BERLIN_TILE_CENTRE = tileToLngLat(550.5, 335.5, 10);

function camera(over: Partial<Viewport> = {}): Viewport {
  return { center: BERLIN_TILE_CENTRE, zoom: 10, bearing: 0, pitch: 0, width: 1024, height: 768, ...over };
}

function snapshot(view: Viewport, time: number, extra: Partial<CameraSnapshot> = {}): CameraSnapshot {
  return { ...view, bounds: [0, 0, 0, 0], time, ...extra };
}

// Feeds a pan at `pxPerS` (signed, along x) for `ms`; returns the camera at the end and the prediction.
function pan(
  model: MotionModel,
  start: Viewport,
  pxPerS: number,
  ms: number,
  t0 = 0,
): { camera: Viewport; prediction: Prediction; time: number } {
  const from = lngLatToWorld(start.center[0], start.center[1]);
  const px = 1 / (WORLD_TILE_SIZE * 2 ** start.zoom);
  let view = start;
  let t = t0;
  for (; t <= t0 + ms; t += 16) {
    const world: Point = { x: from.x + (pxPerS * px * (t - t0)) / 1000, y: from.y };
    const [lng, lat] = worldToLngLat(world);
    view = { ...start, center: [((((lng + 180) % 360) + 360) % 360) - 180, lat] };
    model.update(snapshot(view, t));
  }
  return { camera: view, prediction: model.predict(t - 16, 200)!, time: t - 16 };
}

function zoomed(from: number, to: number, ms: number): { camera: Viewport; prediction: Prediction } {
  const model = new MotionModel();
  let view = camera();
  for (let t = 0; t <= ms; t += 16) {
    view = camera({ zoom: from + ((to - from) * t) / ms });
    model.update(snapshot(view, t));
  }
  return { camera: view, prediction: model.predict(Math.floor(ms / 16) * 16, 200)! };
}

describe('planPrefetch while panning', () => {
  it('plans the tiles ahead of an eastward pan, the ones needed first and nearest the path first', () => {
    const { camera: cam, prediction } = pan(new MotionModel(), camera(), 2000, 600);
    const plan = planPrefetch(cam, prediction, nothingCached);
    const visible = new Set(keys(tilesForViewport(cam)));
    const maxVisibleX = Math.max(...tilesForViewport(cam).map((t) => t.x));
    expect(plan.length).toBeGreaterThan(6);
    for (const t of plan) {
      expect(visible.has(t.key)).toBe(false);
      expect(t.x).toBeGreaterThan(maxVisibleX);
      expect(t.reason).toBe('path');
    }
    // the next column in, middle row (the one the path runs through) first
    const centreRow = Math.floor(lngLatToTile(cam.center[0], cam.center[1], 10).y);
    expect(plan[0]).toMatchObject({ z: 10, x: maxVisibleX + 1, y: centreRow });
    for (let i = 1; i < plan.length; i++) expect(plan[i].inMs).toBeGreaterThanOrEqual(plan[i - 1].inMs);
  });

  it('leaves out the tiles the predicate reports visible or cached', () => {
    const { camera: cam, prediction } = pan(new MotionModel(), camera(), 2000, 600);
    const all = planPrefetch(cam, prediction, nothingCached);
    const cached = new Set([all[0].key, all[3].key]);
    const plan = planPrefetch(cam, prediction, (_t, key) => cached.has(key));
    expect(keys(plan)).toEqual(keys(all).filter((k) => !cached.has(k)));
  });

  it('caps the plan, keeping its head', () => {
    const { camera: cam, prediction } = pan(new MotionModel(), camera({ width: 1920, height: 1080 }), 3000, 600);
    const all = planPrefetch(cam, prediction, nothingCached, { maxTiles: 1000 });
    expect(all.length).toBeGreaterThan(32);
    expect(planPrefetch(cam, prediction, nothingCached)).toHaveLength(32);
    expect(keys(planPrefetch(cam, prediction, nothingCached, { maxTiles: 5 }))).toEqual(keys(all.slice(0, 5)));
  });

  it('wraps tile x when the predicted path crosses the antimeridian', () => {
    const start = camera({ center: [179.6, 0], zoom: 8 });
    const { camera: cam, prediction } = pan(new MotionModel(), start, 2000, 400);
    const plan = planPrefetch(cam, prediction, nothingCached);
    expect(plan.some((t) => t.x < 4)).toBe(true);
    for (const t of plan) expect(t.x).toBeGreaterThanOrEqual(0);
    for (const t of plan) expect(t.x).toBeLessThan(256);
    expect(new Set(keys(plan)).size).toBe(plan.length);
  });

  it('overzooms past the source maxZoom instead of asking for tiles it does not have', () => {
    const { camera: cam, prediction } = pan(new MotionModel(), camera({ zoom: 12.5 }), 2000, 600);
    const plan = planPrefetch(cam, prediction, nothingCached, { maxZoom: 10 });
    expect(plan.length).toBeGreaterThan(0);
    for (const t of plan) expect(t.z).toBe(10);
  });
});

describe('planPrefetch while zooming', () => {
  it('plans the children around the centre when zooming in', () => {
    const { camera: cam, prediction } = zoomed(9.7, 10.2, 500);
    expect(prediction.zoomRate).toBeGreaterThan(0);
    const plan = planPrefetch(cam, prediction, nothingCached);
    const visible = new Set(keys(tilesForViewport(cam)));
    expect(plan.length).toBeGreaterThan(0);
    for (const t of plan) {
      expect(t).toMatchObject({ z: 11, reason: 'zoom-in' });
      expect(visible.has(tileKey(parentTile(t)!))).toBe(true);
    }
    const centre = lngLatToTile(cam.center[0], cam.center[1], 11);
    expect(keys(plan)).toContain(tileKey({ z: 11, x: Math.floor(centre.x), y: Math.floor(centre.y) }));
  });

  it('plans the parents of the visible tiles when zooming out, besides the widening view', () => {
    const { camera: cam, prediction } = zoomed(11.3, 10.8, 500);
    expect(prediction.zoomRate).toBeLessThan(0);
    const plan = planPrefetch(cam, prediction, nothingCached);
    const visible = tilesForViewport(cam);
    const parents = new Set(visible.map((t) => tileKey(parentTile(t)!)));
    expect(keys(plan.filter((t) => t.reason === 'zoom-out')).sort()).toEqual([...parents].sort());
    // the rest is the ring the view grows into before the zoom level drops
    const visibleKeys = new Set(keys(visible));
    for (const t of plan.filter((t) => t.reason !== 'zoom-out')) {
      expect(t).toMatchObject({ z: 10, reason: 'path' });
      expect(visibleKeys.has(t.key)).toBe(false);
    }
  });

  it('does not plan below the source minZoom', () => {
    const { camera: cam, prediction } = zoomed(9.0, 9.5, 500);
    const plan = planPrefetch(cam, prediction, nothingCached, { minZoom: 10 });
    expect(plan.length).toBeGreaterThan(0);
    for (const t of plan) expect(t.z).toBe(10);
  });
});

describe('planPrefetch at rest and on a flight', () => {
  it('plans one ring of tiles around the viewport, edge neighbours before corners', () => {
    // a view exactly over the 2×2 tiles that meet at the corner of 10/550/335
    const cam = camera({ center: tileToLngLat(550, 335, 10), width: 1024, height: 1024 });
    const model = new MotionModel();
    model.update(snapshot(cam, 0));
    const plan = planPrefetch(cam, model.predict(0, 200), nothingCached);
    expect(tilesForViewport(cam)).toHaveLength(4);
    expect(plan).toHaveLength(12);
    for (const t of plan) {
      expect(t.reason).toBe('ring');
      expect(t.x).toBeGreaterThanOrEqual(548);
      expect(t.x).toBeLessThanOrEqual(551);
      expect(t.y).toBeGreaterThanOrEqual(333);
      expect(t.y).toBeLessThanOrEqual(336);
    }
    const corners = ['10/548/333', '10/551/333', '10/548/336', '10/551/336'];
    expect(keys(plan.slice(8)).sort()).toEqual(corners.sort());
  });

  it('plans the tiles of a flyTo destination first', () => {
    const model = new MotionModel();
    const destination = { center: [2.35, 48.85] as [number, number], zoom: 12, durationMs: 4000 };
    const start = camera();
    model.update(snapshot(start, 0, { destination }));
    model.update(snapshot(start, 16, { destination }));
    const prediction = model.predict(16, 200)!;
    const plan = planPrefetch(start, prediction, nothingCached);
    const there = tilesForViewport({ ...start, center: destination.center, zoom: 12 });
    expect(keys(plan.slice(0, there.length)).sort()).toEqual(keys(there).sort());
    expect(plan[0].reason).toBe('destination');
    const paris = lngLatToTile(2.35, 48.85, 12);
    expect(plan[0]).toMatchObject({ z: 12, x: Math.floor(paris.x), y: Math.floor(paris.y) });
  });
});

describe('diffPlans', () => {
  it('cancels the tiles ahead of a pan when it reverses, and adds the other side', () => {
    const model = new MotionModel();
    const east = pan(model, camera(), 2000, 600);
    const eastPlan = planPrefetch(east.camera, east.prediction, nothingCached);
    const west = pan(model, east.camera, -2000, 600, east.time + 16);
    const westPlan = planPrefetch(west.camera, west.prediction, nothingCached);
    const { add, cancel } = diffPlans(eastPlan, westPlan);
    const westEdge = Math.min(...tilesForViewport(west.camera).map((t) => t.x));
    expect(cancel.length).toBeGreaterThan(0);
    expect(keys(cancel)).toEqual(keys(eastPlan).filter((k) => !keys(westPlan).includes(k)));
    for (const t of add) expect(t.x).toBeLessThan(westEdge);
    expect(keys(add)).toEqual(keys(westPlan));
  });

  it('changes nothing when the plan is the same, whatever the order', () => {
    const plan: PlannedTile[] = [
      { z: 1, x: 0, y: 0, key: '1/0/0', reason: 'ring', inMs: 0 },
      { z: 1, x: 1, y: 0, key: '1/1/0', reason: 'ring', inMs: 0 },
    ];
    expect(diffPlans(plan, [...plan].reverse())).toEqual({ add: [], cancel: [] });
  });

  it('keeps the tiles both plans share and only swaps the rest', () => {
    const a = [{ z: 2, x: 0, y: 0 }, { z: 2, x: 1, y: 0 }];
    const b = [{ z: 2, x: 1, y: 0 }, { z: 2, x: 2, y: 0 }];
    expect(diffPlans(a, b)).toEqual({ add: [{ z: 2, x: 2, y: 0 }], cancel: [{ z: 2, x: 0, y: 0 }] });
  });
});
