import type { Map as MapLibreMap } from 'maplibre-gl';
import type { CameraDestination, CameraSnapshot } from '../contract/engine-api.ts';
import { FLY_TO_DEFAULT_CURVE, FLY_TO_DEFAULT_SPEED, flyToCurve } from '../engine/fly-to-curve.ts';
import { lngLatToWorld } from '../engine/tile-math.ts';

// How often the worker hears about the camera while it moves. The motion model smooths over ~300 ms, so 10 Hz
// is plenty, and it keeps the main thread's part to one small postMessage per 100 ms (no planning here).
const INTERVAL_MS = 100;

export function snapshotOf(map: MapLibreMap, destination?: CameraSnapshot['destination']): CameraSnapshot {
  const center = map.getCenter();
  const bounds = map.getBounds();
  const canvas = map.getCanvas();
  return {
    center: [center.lng, center.lat],
    zoom: map.getZoom(),
    bearing: map.getBearing(),
    pitch: map.getPitch(),
    width: canvas.clientWidth,
    height: canvas.clientHeight,
    bounds: [bounds.getWest(), bounds.getSouth(), bounds.getEast(), bounds.getNorth()],
    time: performance.now(),
    destination,
  };
}

// Sends throttled camera snapshots, plus the known destination of flyTo/easeTo animations (MapLibre's events do
// not carry it, so the two camera methods of this one map instance are wrapped to remember it). The returned
// function undoes everything: listeners off, and both methods restored (or, when something wrapped them after
// us, our wrapper left as a plain pass-through, so the other wrapper keeps working).
export function feedCamera(map: MapLibreMap, send: (camera: CameraSnapshot) => void): () => void {
  let destination: CameraSnapshot['destination'];
  let detached = false;
  const restores: (() => void)[] = [];
  let last = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const flush = () => {
    timer = undefined;
    last = performance.now();
    send(snapshotOf(map, map.isMoving() ? destination : undefined));
  };
  const onMove = () => {
    if (timer) return;
    const wait = Math.max(0, INTERVAL_MS - (performance.now() - last));
    timer = setTimeout(flush, wait);
  };
  const onMoveEnd = () => {
    destination = undefined;
    if (timer) clearTimeout(timer);
    flush();
  };

  const wrap = (name: 'flyTo' | 'easeTo') => {
    const own = Object.hasOwn(map, name) ? map[name] : undefined;
    const original = map[name].bind(map);
    const wrapper = ((options: Parameters<MapLibreMap['flyTo']>[0], eventData?: unknown) => {
      if (!detached && (options.center !== undefined || options.zoom !== undefined)) {
        const c = options.center ? toLngLat(options.center) : map.getCenter();
        const target = { center: [c.lng, c.lat] as [number, number], zoom: options.zoom ?? map.getZoom() };
        destination = name === 'flyTo' ? flyDestination(map, target, options) : { ...target, durationMs: options.duration ?? 1500 };
      }
      return original(options, eventData as never);
    }) as MapLibreMap[typeof name];
    map[name] = wrapper;
    restores.push(() => {
      if (map[name] !== wrapper) return;
      if (own) map[name] = own;
      else delete (map as Partial<Record<typeof name, unknown>>)[name];
    });
  };
  wrap('flyTo');
  wrap('easeTo');

  map.on('move', onMove);
  map.on('moveend', onMoveEnd);
  map.once('load', flush);
  return () => {
    detached = true;
    map.off('move', onMove);
    map.off('moveend', onMoveEnd);
    map.off('load', flush);
    if (timer) clearTimeout(timer);
    for (const restore of restores) restore();
  };
}

// A flyTo's destination with the duration MapLibre will take (it derives one from the path's length when none is
// given: 5 s from the US at z4 to Zürich at z11, not the 1.5 s assumed before) and the start and curve of its arc.
function flyDestination(map: MapLibreMap, target: { center: [number, number]; zoom: number }, options: Parameters<MapLibreMap['flyTo']>[0]): CameraDestination {
  const start = map.getCenter();
  const curve = options.curve ?? FLY_TO_DEFAULT_CURVE;
  const fly = { from: [start.lng, start.lat] as [number, number], fromZoom: map.getZoom(), curve };
  let durationMs = options.duration;
  if (durationMs === undefined) {
    const canvas = map.getCanvas();
    const speed = options.screenSpeed !== undefined ? options.screenSpeed / curve : (options.speed ?? FLY_TO_DEFAULT_SPEED);
    durationMs = flyToCurve(
      { world: lngLatToWorld(fly.from[0], fly.from[1]), zoom: fly.fromZoom },
      { world: lngLatToWorld(target.center[0], target.center[1]), zoom: target.zoom },
      { width: canvas.clientWidth, height: canvas.clientHeight },
      { curve, speed },
    ).durationMs;
    if (options.maxDuration !== undefined && durationMs > options.maxDuration) durationMs = 0;
  }
  return { ...target, durationMs, fly };
}

function toLngLat(center: NonNullable<Parameters<MapLibreMap['flyTo']>[0]['center']>): { lng: number; lat: number } {
  if (Array.isArray(center)) return { lng: center[0], lat: center[1] };
  if ('lng' in center) return { lng: center.lng, lat: center.lat };
  return { lng: center.lon, lat: center.lat };
}
