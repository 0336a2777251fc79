import { WORLD_TILE_SIZE, type Point } from './tile-math.ts';

/** MapLibre's flyTo defaults: the zoom-out "curve" (ρ, van Wijk and Nuij's optimal 1.42) and speed (screens/s). */
export const FLY_TO_DEFAULT_CURVE = 1.42;
export const FLY_TO_DEFAULT_SPEED = 1.2;

/** A camera state in world units (the mercator unit square) and a zoom. */
export interface CameraPoint {
  world: Point;
  zoom: number;
}

/** The path of one flyTo: how long it takes, and where the camera is at a share of it. */
export interface FlyToCurve {
  durationMs: number;
  /** The camera at `progress` (0 … 1 of the animation's time, MapLibre's default easing applied). */
  at(progress: number): CameraPoint;
}

export interface FlyToCurveOptions {
  curve?: number;
  speed?: number;
  /** As MapLibre's option: given, it replaces the duration the path's length implies. */
  durationMs?: number;
}

// MapLibre's defaultEasing, cubic-bezier(0.25, 0.1, 0.25, 1): solved for x by Newton's method, then bisection.
function ease(t: number): number {
  const [x1, y1, x2, y2] = [0.25, 0.1, 0.25, 1];
  const cx = 3 * x1;
  const bx = 3 * (x2 - x1) - cx;
  const ax = 1 - cx - bx;
  const cy = 3 * y1;
  const by = 3 * (y2 - y1) - cy;
  const ay = 1 - cy - by;
  const x = (s: number) => ((ax * s + bx) * s + cx) * s;
  const dx = (s: number) => (3 * ax * s + 2 * bx) * s + cx;
  let s = t;
  for (let i = 0; i < 8; i++) {
    const err = x(s) - t;
    if (Math.abs(err) < 1e-7) break;
    const d = dx(s);
    if (Math.abs(d) < 1e-6) break;
    s -= err / d;
  }
  if (!(s >= 0 && s <= 1) || Math.abs(x(s) - t) > 1e-5) {
    let lo = 0;
    let hi = 1;
    s = t;
    for (let i = 0; i < 40 && hi - lo > 1e-7; i++) {
      if (x(s) < t) lo = s;
      else hi = s;
      s = (lo + hi) / 2;
    }
  }
  return ((ay * s + by) * s + cy) * s;
}

/**
 * The path MapLibre's `flyTo` takes from `from` to `to` in a viewport of `width` × `height` px: van Wijk and Nuij's
 * zoom-out arc, as MapLibre computes it (camera.ts, flyTo), so the engine can tell which views the flight passes
 * through. A long flight climbs to a low zoom, crosses there, and descends: its middle views are far less detailed
 * than a straight line in zoom would say.
 */
export function flyToCurve(from: CameraPoint, to: CameraPoint, viewport: { width: number; height: number }, options: FlyToCurveOptions = {}): FlyToCurve {
  const rho = options.curve ?? FLY_TO_DEFAULT_CURVE;
  const rho2 = rho * rho;
  const pxPerWorld = WORLD_TILE_SIZE * 2 ** from.zoom;
  const delta = { x: to.world.x - from.world.x, y: to.world.y - from.world.y };
  const w0 = Math.max(viewport.width, viewport.height);
  const w1 = w0 / 2 ** (to.zoom - from.zoom);
  const u1 = Math.hypot(delta.x, delta.y) * pxPerWorld;
  const r = (i: 0 | 1) => {
    const b = (w1 * w1 - w0 * w0 + (i ? -1 : 1) * rho2 * rho2 * u1 * u1) / (2 * (i ? w1 : w0) * rho2 * u1);
    return Math.log(Math.sqrt(b * b + 1) - b);
  };
  let S: number;
  let w: (s: number) => number;
  let u: (s: number) => number;
  const r0 = u1 > 1e-6 ? r(0) : Number.NaN;
  if (Number.isFinite(r0)) {
    w = (s) => Math.cosh(r0) / Math.cosh(r0 + rho * s);
    u = (s) => (w0 * ((Math.cosh(r0) * Math.tanh(r0 + rho * s) - Math.sinh(r0)) / rho2)) / u1;
    S = (r(1) - r0) / rho;
  } else {
    // No distance to cover: a zoom in place (MapLibre's own special case).
    const k = w1 < w0 ? -1 : 1;
    S = Math.abs(Math.log(w1 / w0)) / rho;
    u = () => 0;
    w = (s) => Math.exp(k * rho * s);
  }
  const durationMs = options.durationMs ?? (1000 * S) / (options.speed ?? FLY_TO_DEFAULT_SPEED);
  return {
    durationMs: Number.isFinite(durationMs) ? durationMs : 0,
    at(progress) {
      if (progress >= 1 || !(S > 0)) return { world: { ...to.world }, zoom: to.zoom };
      const s = ease(Math.max(0, progress)) * S;
      const f = u(s);
      return { world: { x: from.world.x + delta.x * f, y: from.world.y + delta.y * f }, zoom: from.zoom + Math.log2(1 / w(s)) };
    },
  };
}
