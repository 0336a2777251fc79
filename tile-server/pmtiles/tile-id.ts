// PMTiles v3 tile IDs (spec §4.1): one number per z/x/y, counting along a Hilbert curve per zoom, the zooms laid
// end to end. Zoom z starts at (4^z − 1) / 3, the number of tiles in all lower zooms, so 0/0/0 is 0 and z1 runs
// 1 (0/0) → 2 (0/1) → 3 (1/1) → 4 (1/0).
//
// Arithmetic stays exact up to z26 (4^26 < 2^53): x and y use bit operations (< 2^26), the ID only + − × ÷.

export const MAX_TILE_ZOOM = 26;

// Number of tiles in zooms 0 … z−1, i.e. the first ID of zoom z.
export function firstTileIdOfZoom(z: number): number {
  return (4 ** z - 1) / 3;
}

function checkZoom(z: number): void {
  if (!Number.isInteger(z) || z < 0 || z > MAX_TILE_ZOOM) throw new RangeError(`tile zoom must be an integer 0–${MAX_TILE_ZOOM}, got ${z}`);
}

// The Hilbert curve's quadrant step (Wikipedia's "rot"): reflect and/or transpose so the sub-square is walked
// in the base orientation. `n` is the side of the square being walked.
function rotate(n: number, x: number, y: number, rx: number, ry: number): [number, number] {
  if (ry === 0) {
    if (rx === 1) {
      x = n - 1 - x;
      y = n - 1 - y;
    }
    return [y, x];
  }
  return [x, y];
}

export function zxyToTileId(z: number, x: number, y: number): number {
  checkZoom(z);
  const n = 2 ** z;
  if (!Number.isInteger(x) || !Number.isInteger(y) || x < 0 || y < 0 || x >= n || y >= n) {
    throw new RangeError(`tile ${z}/${x}/${y} is outside zoom ${z} (x and y must be 0–${n - 1})`);
  }
  let d = 0;
  for (let s = n / 2; s >= 1; s /= 2) {
    const rx = (x & s) > 0 ? 1 : 0;
    const ry = (y & s) > 0 ? 1 : 0;
    d += s * s * ((3 * rx) ^ ry);
    [x, y] = rotate(n, x, y, rx, ry);
  }
  return firstTileIdOfZoom(z) + d;
}

// The zoom whose ID range holds `id`: the largest z with (4^z − 1) / 3 ≤ id.
export function tileIdZoom(id: number): number {
  if (!Number.isSafeInteger(id) || id < 0) throw new RangeError(`tile ID must be a non-negative safe integer, got ${id}`);
  let z = 0;
  while (z < MAX_TILE_ZOOM && firstTileIdOfZoom(z + 1) <= id) z++;
  if (id >= firstTileIdOfZoom(MAX_TILE_ZOOM + 1)) throw new RangeError(`tile ID ${id} is beyond zoom ${MAX_TILE_ZOOM}`);
  return z;
}

export function tileIdToZxy(id: number): [z: number, x: number, y: number] {
  const z = tileIdZoom(id);
  const n = 2 ** z;
  let t = id - firstTileIdOfZoom(z);
  let x = 0;
  let y = 0;
  for (let s = 1; s < n; s *= 2) {
    const digit = t % 4;
    const rx = (digit >> 1) & 1;
    const ry = (digit ^ rx) & 1;
    [x, y] = rotate(s, x, y, rx, ry);
    x += s * rx;
    y += s * ry;
    t = Math.floor(t / 4);
  }
  return [z, x, y];
}
