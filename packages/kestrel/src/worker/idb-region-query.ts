import type { IDBPIndex } from 'idb';
import type { TileRange } from '../engine/tile-ranges.ts';
import type { KestrelSchema } from './tile-db-schema.ts';

type TileIndex = IDBPIndex<KestrelSchema, ('tiles' | 'tileBytes' | 'meta')[] | ['tiles'], 'tiles', 'tile', 'readonly'>;

/**
 * The stored tiles in the ranges, from the [z, x, y] index: one key cursor per range that skips from column to
 * column, so the cost follows the tiles found and the columns that hold any, not the store's size or the range's
 * area (a region at z22 spans millions of columns, almost all empty).
 */
export async function tilesInRanges(index: TileIndex, ranges: readonly TileRange[]): Promise<{ key: string; coord: { z: number; x: number; y: number } }[]> {
  const found: { key: string; coord: { z: number; x: number; y: number } }[] = [];
  for (const { z, minX, maxX, minY, maxY } of ranges) {
    let cursor = await index.openKeyCursor(IDBKeyRange.bound([z, minX, minY], [z, maxX, maxY]));
    while (cursor) {
      const [, x, y] = cursor.key as [number, number, number];
      if (y < minY) cursor = await cursor.continue([z, x, minY]);
      else if (y > maxY) cursor = x < maxX ? await cursor.continue([z, x + 1, minY]) : null;
      else {
        found.push({ key: cursor.primaryKey, coord: { z, x, y } });
        cursor = await cursor.continue();
      }
    }
  }
  return found;
}
