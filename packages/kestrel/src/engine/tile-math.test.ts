import { bboxPolygon, booleanIntersects, polygon } from '@turf/turf';
import { describe, expect, it } from 'vitest';
import {
  childTiles,
  lngLatToTile,
  lngLatToWorld,
  MAX_LATITUDE,
  parentTile,
  PITCH_FAR_LIMIT,
  tileBBox,
  tileCentreDistance,
  tileKey,
  tileToLngLat,
  tileZoomFor,
  tilesForViewport,
  tilesInBBox,
  viewportQuad,
  worldToLngLat,
  WORLD_TILE_SIZE,
  type Viewport,
} from './tile-math.ts';
import type { TileCoord } from '../contract/engine-api.ts';

const keys = (tiles: TileCoord[]) => tiles.map(tileKey).sort();
const view = (over: Partial<Viewport> = {}): Viewport => ({
  center: [0, 0],
  zoom: 2,
  bearing: 0,
  pitch: 0,
  width: 1024,
  height: 1024,
  ...over,
});

describe('lng/lat ↔ tile coordinates', () => {
  it('puts known places in their well-known tiles', () => {
    const berlin = lngLatToTile(13.405, 52.52, 10);
    expect([Math.floor(berlin.x), Math.floor(berlin.y)]).toEqual([550, 335]);
    const sf = lngLatToTile(-122.4194, 37.7749, 12);
    expect([Math.floor(sf.x), Math.floor(sf.y)]).toEqual([655, 1583]);
  });

  it('maps the origin to the middle of the world and the corners to its edges', () => {
    expect(lngLatToTile(0, 0, 1)).toEqual({ x: 1, y: 1 });
    const nw = lngLatToTile(-180, MAX_LATITUDE, 0);
    expect(nw.x).toBe(0);
    expect(nw.y).toBeCloseTo(0, 9);
  });

  it('clamps latitude to ±85.0511° instead of running off to infinity', () => {
    expect(lngLatToWorld(0, 90).y).toBeCloseTo(0, 9);
    expect(lngLatToWorld(0, -90).y).toBeCloseTo(1, 9);
  });

  it('round-trips through tile coordinates', () => {
    for (const [lng, lat] of [[13.405, 52.52], [-179.99, -60], [151.2, -33.87]] as const) {
      const t = lngLatToTile(lng, lat, 14);
      const [lng2, lat2] = tileToLngLat(t.x, t.y, 14);
      expect(lng2).toBeCloseTo(lng, 9);
      expect(lat2).toBeCloseTo(lat, 9);
    }
    expect(worldToLngLat(lngLatToWorld(10, 20))[1]).toBeCloseTo(20, 9);
  });

  it('leaves x unwrapped past the antimeridian', () => {
    expect(lngLatToTile(190, 0, 1).x).toBeCloseTo(2 + 10 / 180, 9);
  });
});

describe('tileBBox', () => {
  it('spans the whole mercator world at zoom 0', () => {
    const [w, s, e, n] = tileBBox({ z: 0, x: 0, y: 0 });
    expect([w, e]).toEqual([-180, 180]);
    expect(s).toBeCloseTo(-MAX_LATITUDE, 9);
    expect(n).toBeCloseTo(MAX_LATITUDE, 9);
  });

  it('gives the north-east quadrant for 1/1/0', () => {
    const [w, s, e, n] = tileBBox({ z: 1, x: 1, y: 0 });
    expect([w, e]).toEqual([0, 180]);
    expect(s).toBeCloseTo(0, 9);
    expect(n).toBeCloseTo(MAX_LATITUDE, 9);
  });
});

describe('tilesInBBox', () => {
  it('covers a bbox around the origin with the four central tiles', () => {
    expect(keys(tilesInBBox([-10, -10, 10, 10], 2))).toEqual(['2/1/1', '2/1/2', '2/2/1', '2/2/2']);
  });

  it('wraps a bbox whose west is greater than its east across the antimeridian', () => {
    expect(keys(tilesInBBox([170, -10, -170, 10], 3))).toEqual(['3/0/3', '3/0/4', '3/7/3', '3/7/4']);
  });

  it('wraps a bbox that runs past 180° to the same tiles', () => {
    expect(keys(tilesInBBox([170, -10, 190, 10], 3))).toEqual(keys(tilesInBBox([170, -10, -170, 10], 3)));
    expect(keys(tilesInBBox([-190, -10, -170, 10], 3))).toEqual(keys(tilesInBBox([170, -10, -170, 10], 3)));
  });

  it('lists each tile once when the bbox is wider than the world', () => {
    const tiles = tilesInBBox([-200, -10, 200, 10], 1);
    expect(keys(tiles)).toEqual(['1/0/0', '1/0/1', '1/1/0', '1/1/1']);
    expect(tilesInBBox([-180, -90, 180, 90], 3)).toHaveLength(64);
  });
});

describe('tileZoomFor', () => {
  it('floors the map zoom for 512-px tiles and goes one deeper for 256-px tiles', () => {
    expect(tileZoomFor(10.99)).toBe(10);
    expect(tileZoomFor(11)).toBe(11);
    expect(tileZoomFor(10.5, 256)).toBe(11);
    expect(tileZoomFor(-0.5)).toBe(0);
  });
});

describe('tilesForViewport', () => {
  it('covers exactly the tiles under a north-up view whose edges sit on tile edges', () => {
    // zoom 2: the world is 2048 px, so a 1024-px view at the origin is the four central tiles
    expect(keys(tilesForViewport(view()))).toEqual(['2/1/1', '2/1/2', '2/2/1', '2/2/2']);
  });

  it('covers one tile for a tile-sized view at its centre, five when rotated 45°', () => {
    const centre = tileToLngLat(550.5, 335.5, 10);
    const small = view({ center: centre, zoom: 10, width: WORLD_TILE_SIZE, height: WORLD_TILE_SIZE });
    expect(keys(tilesForViewport(small))).toEqual(['10/550/335']);
    // the rotated square's corners reach 0.71 tile out along the axes, its edges never reach the diagonal tiles
    expect(keys(tilesForViewport({ ...small, bearing: 45 }))).toEqual(
      ['10/549/335', '10/550/334', '10/550/335', '10/550/336', '10/551/335'].sort(),
    );
  });

  it('uses the tile zoom of the map zoom and honours the source zoom range', () => {
    const berlin = view({ center: [13.405, 52.52], zoom: 12.7, width: 800, height: 600 });
    expect(new Set(tilesForViewport(berlin).map((t) => t.z))).toEqual(new Set([12]));
    expect(new Set(tilesForViewport(berlin, { maxZoom: 10 }).map((t) => t.z))).toEqual(new Set([10]));
    expect(tilesForViewport(berlin, { minZoom: 13 })).toEqual([]);
  });

  it('wraps a view straddling the antimeridian without duplicates', () => {
    const tiles = tilesForViewport(view({ center: [179.9, 0], zoom: 3, width: 800, height: 600 }));
    const xs = new Set(tiles.map((t) => t.x));
    expect(xs).toEqual(new Set([0, 7]));
    expect(new Set(keys(tiles)).size).toBe(tiles.length);
  });

  it('stretches a pitched view ahead of the centre, at most PITCH_FAR_LIMIT half-heights', () => {
    const flat = view({ center: [13.405, 52.52], zoom: 10.5, width: 1024, height: 768 });
    const quad = viewportQuad({ ...flat, pitch: 60 });
    const centre = lngLatToWorld(13.405, 52.52);
    const scale = WORLD_TILE_SIZE * 2 ** 10.5;
    const ahead = (centre.y - quad[0].y) * scale;
    const behind = (quad[3].y - centre.y) * scale;
    expect(ahead).toBeCloseTo(PITCH_FAR_LIMIT * 384, 6);
    expect(behind).toBeGreaterThan(384);
    expect(behind).toBeLessThan(ahead);
    // the far edge is wider than the near edge
    expect(quad[1].x - quad[0].x).toBeGreaterThan(quad[2].x - quad[3].x);
    expect(tilesForViewport({ ...flat, pitch: 60 }).length).toBeGreaterThan(tilesForViewport(flat).length);
  });

  it('matches turf on which tiles a rotated, pitched view touches', () => {
    const v = view({ center: [13.405, 52.52], zoom: 12.3, width: 1280, height: 720, bearing: 30, pitch: 40 });
    const quad = viewportQuad(v);
    const cx = quad.reduce((s, p) => s + p.x, 0) / 4;
    const cy = quad.reduce((s, p) => s + p.y, 0) / 4;
    // scaled a hair in and out, so tiles that only touch an edge do not depend on rounding
    const ringAt = (k: number) => {
      const ring = quad.map((p) => worldToLngLat({ x: cx + (p.x - cx) * k, y: cy + (p.y - cy) * k }));
      return polygon([[...ring, ring[0]]]);
    };
    const inner = ringAt(0.99);
    const outer = ringAt(1.01);
    const cover = new Set(keys(tilesForViewport(v)));
    expect(cover.size).toBeGreaterThan(6);
    const xs = [...cover].map((k) => Number(k.split('/')[1]));
    const ys = [...cover].map((k) => Number(k.split('/')[2]));
    for (let x = Math.min(...xs) - 2; x <= Math.max(...xs) + 2; x++) {
      for (let y = Math.min(...ys) - 2; y <= Math.max(...ys) + 2; y++) {
        const tile = { z: 12, x, y };
        const box = bboxPolygon(tileBBox(tile));
        if (booleanIntersects(box, inner)) expect(cover.has(tileKey(tile)), tileKey(tile)).toBe(true);
        if (cover.has(tileKey(tile))) expect(booleanIntersects(box, outer), tileKey(tile)).toBe(true);
      }
    }
  });
});

describe('parents and children', () => {
  it('finds the parent of a tile and none above zoom 0', () => {
    expect(parentTile({ z: 3, x: 5, y: 2 })).toEqual({ z: 2, x: 2, y: 1 });
    expect(parentTile({ z: 0, x: 0, y: 0 })).toBeUndefined();
  });

  it('lists four children whose parent is the tile again', () => {
    const children = childTiles({ z: 1, x: 1, y: 0 });
    expect(keys(children)).toEqual(['2/2/0', '2/2/1', '2/3/0', '2/3/1']);
    for (const c of children) expect(parentTile(c)).toEqual({ z: 1, x: 1, y: 0 });
  });
});

describe('tileCentreDistance', () => {
  it('measures in tile units from the tile centre', () => {
    expect(tileCentreDistance({ z: 4, x: 3, y: 4 }, { x: 3.5, y: 7.5 })).toBe(3);
  });

  it('goes the short way round the antimeridian', () => {
    expect(tileCentreDistance({ z: 3, x: 7, y: 4 }, { x: 0.5, y: 4.5 })).toBe(1);
  });
});
