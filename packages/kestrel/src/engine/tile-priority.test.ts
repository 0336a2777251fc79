import { describe, expect, it } from 'vitest';
import type { CameraSnapshot, RequestPurpose, TileCoord } from '../contract/engine-api.ts';
import { DROP } from './priority-queue.ts';
import { AGING_PER_MS, tileDistance, tilePriority } from './tile-priority.ts';

const options = { prefetchExpiryMs: 2000 };

function camera(center: [number, number], zoom: number): CameraSnapshot {
  return { center, zoom, bearing: 0, pitch: 0, width: 800, height: 600, bounds: [-180, -85, 180, 85], time: 0 };
}

function p(purpose: RequestPurpose, coord?: TileCoord, enqueuedAt = 0, cam = camera([0, 0], 3), now = enqueuedAt) {
  return tilePriority({ purpose, coord, enqueuedAt }, cam, now, options);
}

describe('tilePriority', () => {
  it('ranks visible before prefetch before revalidate and offline-save', () => {
    const c = { z: 3, x: 4, y: 4 };
    expect(p('visible', c)).toBeLessThan(p('prefetch', c));
    expect(p('prefetch', c)).toBeLessThan(p('revalidate', c));
    expect(p('revalidate', c)).toBe(p('offline-save', c));
  });

  it('puts tiles at the current rounded zoom before other zooms, however far they are', () => {
    const cam = camera([0, 0], 3.4);
    const farAtZoom = p('visible', { z: 3, x: 0, y: 0 }, 0, cam);
    const centreOneZoomOff = p('visible', { z: 4, x: 8, y: 8 }, 0, cam);
    expect(farAtZoom).toBeLessThan(centreOneZoomOff);
  });

  it('orders tiles at the same zoom by distance from the viewport centre', () => {
    const cam = camera([0, 0], 3);
    const centre = p('visible', { z: 3, x: 4, y: 4 }, 0, cam);
    const next = p('visible', { z: 3, x: 5, y: 4 }, 0, cam);
    const corner = p('visible', { z: 3, x: 7, y: 7 }, 0, cam);
    expect(centre).toBeLessThan(next);
    expect(next).toBeLessThan(corner);
  });

  it('measures distance the short way round the antimeridian', () => {
    // tile centre x 0.5 vs camera x 3.99 at z2: 0.51 tiles across the antimeridian, not 3.49
    expect(tileDistance({ z: 2, x: 0, y: 1 }, [179, 0])).toBeLessThan(1);
    expect(tileDistance({ z: 2, x: 3, y: 1 }, [-179, 0])).toBeLessThan(1);
    expect(tileDistance({ z: 2, x: 2, y: 1 }, [-179, 0])).toBeGreaterThan(1.5);
  });

  it('improves with time waited: an old far tile eventually beats a new central one, and background work beats new visible work', () => {
    const cam = camera([0, 0], 3);
    const oldFar = p('visible', { z: 3, x: 0, y: 0 }, 0, cam, 5000);
    const newCentre = p('visible', { z: 3, x: 4, y: 4 }, 5000, cam, 5000);
    expect(oldFar).toBeLessThan(newCentre);
    // revalidate sits three class bands (3000 units) behind visible: a background tab's visible band is between
    const waitedMs = 3000 / AGING_PER_MS + 1;
    expect(p('revalidate', undefined, 0, cam, waitedMs)).toBeLessThan(p('visible', undefined, waitedMs, cam, waitedMs));
  });

  it("ranks a background tab's visible tiles below every front tile and above any prefetch", () => {
    const cam = camera([0, 0], 3);
    const front = (coord: TileCoord) => p('visible', coord, 0, cam);
    const back = (coord: TileCoord) => tilePriority({ purpose: 'visible', coord, enqueuedAt: 0, background: true }, cam, 0, options);
    // the front tab's worst tile (far, zooms off) still beats the background tab's best (the centre)
    expect(front({ z: 12, x: 0, y: 0 })).toBeLessThan(back({ z: 3, x: 4, y: 4 }));
    expect(back({ z: 12, x: 0, y: 0 })).toBeLessThan(p('prefetch', { z: 3, x: 4, y: 4 }, 0, cam));
  });

  it('keeps tiles without coords first-in first-out within a class', () => {
    expect(p('visible', undefined, 10)).toBeLessThan(p('visible', undefined, 11));
  });

  it('is independent of the evaluation time except for prefetch expiry, so the heap order stays valid', () => {
    const c = { z: 3, x: 2, y: 2 };
    expect(p('visible', c, 100, camera([0, 0], 3), 100)).toBe(p('visible', c, 100, camera([0, 0], 3), 60_000));
  });

  it('drops a prefetch still queued after its expiry, but never a visible tile', () => {
    const c = { z: 3, x: 2, y: 2 };
    expect(p('prefetch', c, 0, camera([0, 0], 3), 2001)).toBe(DROP);
    expect(p('prefetch', c, 0, camera([0, 0], 3), 1999)).not.toBe(DROP);
    expect(p('visible', c, 0, camera([0, 0], 3), 60_000)).not.toBe(DROP);
  });

  it('treats every coord tile alike before the first camera arrives', () => {
    expect(tilePriority({ purpose: 'visible', coord: { z: 1, x: 0, y: 0 }, enqueuedAt: 0 }, undefined, 0, options)).toBe(
      tilePriority({ purpose: 'visible', coord: { z: 9, x: 5, y: 5 }, enqueuedAt: 0 }, undefined, 0, options),
    );
  });
});
