// Structural equality for the plain data a snapshot holds (objects, arrays, numbers, strings, booleans, null).
// Used to keep unchanged parts of successive snapshots by reference, so memoised sections skip their render
// when the map is idle and only the clock moved.
export function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  if (keysA.length !== keysB.length) return false;
  const recordA = a as Record<string, unknown>;
  const recordB = b as Record<string, unknown>;
  for (const key of keysA) {
    if (!Object.prototype.hasOwnProperty.call(recordB, key) || !deepEqual(recordA[key], recordB[key])) return false;
  }
  return true;
}
