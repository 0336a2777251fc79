import type { CameraSnapshot } from '../contract/engine-api.ts';
import { flyToCurve, type FlyToCurve } from './fly-to-curve.ts';
import {
  lngLatToWorld,
  normalizeLongitude,
  screenAxes,
  worldToLngLat,
  WORLD_TILE_SIZE,
  type Point,
  type Viewport,
} from './tile-math.ts';

// Smoothing window. Long enough to iron out uneven pointer events, short enough to follow a change of
// direction within a few frames. Weights decay with elapsed time, not sample count, so 20 Hz and 60 Hz
// snapshot streams give the same estimate.
export const MOTION_TIME_CONSTANT_MS = 300;

// Prediction horizon bounds: under 0.5 s a prefetch cannot beat the viewport edge; past 2 s the guess is
// mostly wrong and the bytes mostly wasted.
export const HORIZON_MIN_MS = 500;
export const HORIZON_MAX_MS = 2000;

// A silence this long ends a gesture: the next motion is a new one and owes nothing to the old velocity.
const MAX_GAP_MS = 1000;
// Snapshots arrive at ≥10 Hz while the camera moves (MapLibre fires `move` every frame, throttled by the app);
// this long without one means it stopped.
const SILENCE_STOP_MS = 500;
// About the snapshot throttle: silence shorter than this is the normal gap between events, not a stop.
const IDLE_GRACE_MS = 100;
// Below these the camera counts as at rest (a few px/s is hand tremor or rounding, not a pan).
const STOP_SPEED_PX_S = 15;
const STOP_ZOOM_RATE = 0.05;
// Below this the heading of the motion is too noisy to derive a turn rate from.
const TURN_MIN_SPEED_PX_S = 50;
// A pan rarely turns faster than this, and extrapolating more than a quarter turn is guessing.
const MAX_TURN_RATE_RAD_S = Math.PI;
const MAX_TURN_RAD = Math.PI / 2;
// Wheel and pinch zooms come in short bursts; extrapolating more than one level overshoots.
const MAX_ZOOM_LOOKAHEAD = 1;
const MAX_MAP_ZOOM = 24;
// Spacing of predicted views along the path: about half a 512-px tile at 1000 px/s.
export const PATH_STEP_MS = 250;
// Integration step for a turning path.
const SUBSTEP_MS = 50;

export interface Velocity {
  // world (mercator unit square) units per second
  world: Point;
  // the camera centre's motion in screen px/s, +x towards the screen's right, +y towards its bottom
  screen: Point;
  speedPx: number;
  // zoom levels per second, positive when zooming in
  zoomRate: number;
  // rad/s, positive when the path bends clockwise on a north-up map
  turnRate: number;
  moving: boolean;
}

export interface PredictedView extends Viewport {
  // ms after the `now` given to predict()
  inMs: number;
}

export interface Prediction {
  moving: boolean;
  horizonMs: number;
  // levels/s; 0 during a flyTo/easeTo, whose destination already says where the zoom ends
  zoomRate: number;
  // the last snapshot's view
  current: Viewport;
  // future views in time order up to the horizon; empty at rest
  path: PredictedView[];
  // the end view of a flyTo/easeTo in progress, even when it lies beyond the horizon
  destination?: PredictedView;
}

export interface MotionModelOptions {
  timeConstantMs?: number;
  minHorizonMs?: number;
  maxHorizonMs?: number;
}

interface Sample {
  time: number;
  // unwrapped across the antimeridian, so deltas stay small
  world: Point;
  view: Viewport;
}

interface Flight {
  key: string;
  destination: NonNullable<CameraSnapshot['destination']>;
  startedAt: number;
  // a flyTo's arc (absent for easeTo, which moves in a straight line)
  curve?: FlyToCurve;
}

function atRest(): Velocity {
  return { world: { x: 0, y: 0 }, screen: { x: 0, y: 0 }, speedPx: 0, zoomRate: 0, turnRate: 0, moving: false };
}

// Lead time for a prefetch. Twice the latency: the request must go out and come back before the viewport edge
// gets there, and the scheduler may hold it behind visible work. Plus 0.5 s per 1000 px/s: a fast pan uncovers
// tiles quicker than they download side by side, so they must be queued earlier.
export function horizonFor(
  speedPxPerS: number,
  latencyMs: number,
  bounds: { minMs?: number; maxMs?: number } = {},
): number {
  const min = bounds.minMs ?? HORIZON_MIN_MS;
  const max = Math.max(min, bounds.maxMs ?? HORIZON_MAX_MS);
  return Math.min(max, Math.max(min, 2 * Math.max(0, latencyMs) + Math.max(0, speedPxPerS) / 2));
}

// Pure: fed camera snapshots, it estimates motion and extrapolates where the view will be.
export class MotionModel {
  private readonly tau: number;
  private readonly horizonBounds: { minMs?: number; maxMs?: number };
  private last: Sample | undefined;
  // Exponentially weighted sums; dividing by `weight` removes the start-up bias towards zero.
  private weight = 0;
  private sumVx = 0;
  private sumVy = 0;
  private sumZoom = 0;
  private sumMidTime = 0;
  private turnWeight = 0;
  private sumTurn = 0;
  // heading of the smoothed velocity after the previous sample
  private lastHeading: number | undefined;
  private flight: Flight | undefined;

  constructor(options: MotionModelOptions = {}) {
    this.tau = options.timeConstantMs ?? MOTION_TIME_CONSTANT_MS;
    this.horizonBounds = { minMs: options.minHorizonMs, maxMs: options.maxHorizonMs };
  }

  update(snapshot: CameraSnapshot): void {
    const arrived = this.trackFlight(snapshot);
    const view = toViewport(snapshot);
    const world = lngLatToWorld(snapshot.center[0], snapshot.center[1]);
    const prev = this.last;
    const dt = prev ? snapshot.time - prev.time : NaN;
    if (arrived || !prev || !(dt >= 0) || dt > MAX_GAP_MS) {
      this.resetMotion();
      this.last = { time: snapshot.time, world, view };
      return;
    }
    const unwrapped = { x: prev.world.x + wrapDelta(world.x - prev.world.x), y: world.y };
    // Same-millisecond snapshots: keep the newest view, nothing to learn about speed.
    if (dt < 1) {
      this.last = { time: prev.time, world: unwrapped, view };
      return;
    }
    const vx = ((unwrapped.x - prev.world.x) / dt) * 1000;
    const vy = ((unwrapped.y - prev.world.y) / dt) * 1000;
    const vz = ((view.zoom - prev.view.zoom) / dt) * 1000;
    const mid = prev.time + dt / 2;
    const decay = Math.exp(-dt / this.tau);
    const gain = 1 - decay;
    this.weight = this.weight * decay + gain;
    this.sumVx = this.sumVx * decay + gain * vx;
    this.sumVy = this.sumVy * decay + gain * vy;
    this.sumZoom = this.sumZoom * decay + gain * vz;
    this.sumMidTime = this.sumMidTime * decay + gain * mid;
    const turn = this.turnSample(dt, view.zoom);
    this.turnWeight = this.turnWeight * decay + gain;
    this.sumTurn = this.sumTurn * decay + gain * turn;
    this.last = { time: snapshot.time, world: unwrapped, view };
  }

  // The smoothed motion as of `now` (default: the last snapshot's time). Silence past a short grace fades it
  // with the same time constant, and SILENCE_STOP_MS of it means rest; so does speed under the stop thresholds.
  velocity(now?: number): Velocity {
    const last = this.last;
    if (!last || this.weight === 0) return atRest();
    const idle = Math.max(0, (now ?? last.time) - last.time);
    if (idle >= SILENCE_STOP_MS) return atRest();
    const fade = Math.exp(-Math.max(0, idle - IDLE_GRACE_MS) / this.tau);
    const turnRate = this.turnWeight > 0 ? this.sumTurn / this.turnWeight : 0;
    // An exponential average of a velocity turning at ω lags its mean sample age L behind: as a complex number
    // it is v/(1 + iωL), turned back by atan(ωL) and shortened. Multiplying by (1 + iωL) restores today's tangent
    // and speed on a curve; |ωL| is capped at 1 (45°) so a noisy turn rate cannot swing it far.
    const lag = last.time - this.sumMidTime / this.weight;
    const k = clamp((turnRate * lag) / 1000, -1, 1);
    const vx = (this.sumVx / this.weight) * fade;
    const vy = (this.sumVy / this.weight) * fade;
    const world = { x: vx - k * vy, y: vy + k * vx };
    const zoomRate = (this.sumZoom / this.weight) * fade;
    const scale = WORLD_TILE_SIZE * 2 ** last.view.zoom;
    const { right, up } = screenAxes(last.view.bearing);
    const screen = { x: scale * dot(world, right), y: -scale * dot(world, up) };
    const speedPx = Math.hypot(screen.x, screen.y);
    if (speedPx < STOP_SPEED_PX_S && Math.abs(zoomRate) < STOP_ZOOM_RATE) return atRest();
    return { world, screen, speedPx, zoomRate, turnRate, moving: true };
  }

  // Where the view is likely to be over the next horizon (see horizonFor), or along a known flyTo/easeTo.
  predict(now: number, latencyMs: number): Prediction | undefined {
    const last = this.last;
    if (!last) return undefined;
    const v = this.velocity(now);
    const horizonMs = horizonFor(v.speedPx, latencyMs, this.horizonBounds);
    const current = last.view;
    if (this.flight) return this.predictFlight(this.flight, last, now, horizonMs);
    if (!v.moving) return { moving: false, horizonMs, zoomRate: 0, current, path: [] };
    const elapsed = Math.max(0, now - last.time);
    const path: PredictedView[] = [];
    let position = last.world;
    let travelled = 0;
    for (const inMs of stepTimes(horizonMs)) {
      const until = elapsed + inMs;
      position = advance(position, v, travelled, until);
      travelled = until;
      const zoomChange = clamp((v.zoomRate * until) / 1000, -MAX_ZOOM_LOOKAHEAD, MAX_ZOOM_LOOKAHEAD);
      path.push(viewAt(current, position, current.zoom + zoomChange, inMs));
    }
    return { moving: true, horizonMs, zoomRate: v.zoomRate, current, path };
  }

  reset(): void {
    this.last = undefined;
    this.flight = undefined;
    this.resetMotion();
  }

  private predictFlight(flight: Flight, last: Sample, now: number, horizonMs: number): Prediction {
    const end = flight.startedAt + flight.destination.durationMs;
    const remaining = Math.max(0, end - now);
    const dest = lngLatToWorld(flight.destination.center[0], flight.destination.center[1]);
    const target = { x: last.world.x + wrapDelta(dest.x - last.world.x), y: dest.y };
    const path: PredictedView[] = [];
    const curve = flight.curve;
    if (curve) {
      // A flyTo follows MapLibre's zoom-out arc (fly-to-curve.ts): on a long flight the in-between views are at far
      // lower zooms than either end, so a straight line in zoom would ask for detail that never shows.
      const duration = flight.destination.durationMs;
      for (const inMs of stepTimes(Math.min(horizonMs, remaining))) {
        const p = curve.at(duration <= 0 ? 1 : (now + inMs - flight.startedAt) / duration);
        const position = { x: last.world.x + wrapDelta(p.world.x - last.world.x), y: p.world.y };
        path.push(viewAt(last.view, position, p.zoom, inMs));
      }
    } else {
      // Linear in mercator and in zoom, as easeTo moves.
      const span = end - last.time;
      const at = (time: number) => (span <= 0 ? 1 : clamp((time - last.time) / span, 0, 1));
      for (const inMs of stepTimes(Math.min(horizonMs, remaining))) {
        const f = at(now + inMs);
        const position = { x: lerp(last.world.x, target.x, f), y: lerp(last.world.y, target.y, f) };
        path.push(viewAt(last.view, position, lerp(last.view.zoom, flight.destination.zoom, f), inMs));
      }
    }
    const destination = viewAt(last.view, target, flight.destination.zoom, remaining);
    return { moving: remaining > 0, horizonMs, zoomRate: 0, current: last.view, path, destination };
  }

  // A snapshot's durationMs may be the whole animation's (the same key on every snapshot) or what is left (a new
  // key each time, restarting the clock at that snapshot): either way startedAt + durationMs is the arrival.
  // True when a flight just ended.
  private trackFlight(snapshot: CameraSnapshot): boolean {
    const d = snapshot.destination;
    if (!d) {
      // A flyTo/easeTo (a panBy, a zoom button, drag inertia) has arrived or was stopped: the camera is where the
      // animation left it, and the speed it had on the way there says nothing about what comes next. Extrapolating
      // it would prefetch past the end, tiles nobody asks for.
      const arrived = this.flight !== undefined;
      this.flight = undefined;
      return arrived;
    }
    const key = `${d.center[0]},${d.center[1]},${d.zoom},${d.durationMs}`;
    if (this.flight?.key === key) return false;
    this.flight = { key, destination: d, startedAt: snapshot.time };
    if (d.fly) {
      // The flight's own start (where flyTo was called), the short way round the antimeridian as MapLibre flies.
      const from = lngLatToWorld(d.fly.from[0], d.fly.from[1]);
      const to = lngLatToWorld(d.center[0], d.center[1]);
      this.flight.curve = flyToCurve(
        { world: from, zoom: d.fly.fromZoom },
        { world: { x: from.x + wrapDelta(to.x - from.x), y: to.y }, zoom: d.zoom },
        { width: snapshot.width, height: snapshot.height },
        { curve: d.fly.curve, durationMs: d.durationMs },
      );
    }
    return false;
  }

  // The turn rate comes from how the smoothed velocity's heading changes, not from raw per-event headings:
  // differencing those twice would turn a couple of px of pointer jitter into wild turn rates.
  private turnSample(dt: number, zoom: number): number {
    const vx = this.sumVx / this.weight;
    const vy = this.sumVy / this.weight;
    if (Math.hypot(vx, vy) * WORLD_TILE_SIZE * 2 ** zoom < TURN_MIN_SPEED_PX_S) {
      this.lastHeading = undefined;
      return 0;
    }
    const heading = Math.atan2(vy, vx);
    const previous = this.lastHeading;
    this.lastHeading = heading;
    if (previous === undefined) return 0;
    return clamp((wrapAngle(heading - previous) / dt) * 1000, -MAX_TURN_RATE_RAD_S, MAX_TURN_RATE_RAD_S);
  }

  private resetMotion(): void {
    this.weight = this.sumVx = this.sumVy = this.sumZoom = this.sumMidTime = 0;
    this.turnWeight = this.sumTurn = 0;
    this.lastHeading = undefined;
  }
}

function toViewport(s: CameraSnapshot): Viewport {
  return { center: s.center, zoom: s.zoom, bearing: s.bearing, pitch: s.pitch, width: s.width, height: s.height };
}

function stepTimes(horizonMs: number): number[] {
  const times: number[] = [];
  for (let t = PATH_STEP_MS; t < horizonMs; t += PATH_STEP_MS) times.push(t);
  if (horizonMs > 0) times.push(horizonMs);
  return times;
}

// Dead reckoning from `fromMs` to `toMs` after the last snapshot, the heading turning at the estimated rate.
function advance(start: Point, v: Velocity, fromMs: number, toMs: number): Point {
  let p = start;
  for (let t = fromMs; t < toMs; t += SUBSTEP_MS) {
    const dt = Math.min(SUBSTEP_MS, toMs - t);
    const heading = clampTurn((v.turnRate * (t + dt / 2)) / 1000);
    const step = rotate(v.world, heading);
    p = { x: p.x + (step.x * dt) / 1000, y: p.y + (step.y * dt) / 1000 };
  }
  return p;
}

function viewAt(base: Viewport, world: Point, zoom: number, inMs: number): PredictedView {
  // MapLibre keeps the centre inside the mercator square vertically; horizontally it wraps.
  const [lng, lat] = worldToLngLat({ x: world.x, y: clamp(world.y, 0, 1) });
  return { ...base, center: [normalizeLongitude(lng), lat], zoom: clamp(zoom, 0, MAX_MAP_ZOOM), inMs };
}

// The short way round: world x deltas beyond half the world crossed the antimeridian.
function wrapDelta(dx: number): number {
  return dx - Math.round(dx);
}

function wrapAngle(a: number): number {
  return Math.atan2(Math.sin(a), Math.cos(a));
}

function clampTurn(a: number): number {
  return clamp(a, -MAX_TURN_RAD, MAX_TURN_RAD);
}

function rotate(p: Point, angle: number): Point {
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  return { x: p.x * c - p.y * s, y: p.x * s + p.y * c };
}

function dot(a: Point, b: Point): number {
  return a.x * b.x + a.y * b.y;
}

function lerp(a: number, b: number, f: number): number {
  return a + (b - a) * f;
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}
