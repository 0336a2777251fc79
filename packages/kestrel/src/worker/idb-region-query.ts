import type { IDBPIndex } from 'idb';
import type { TileRange } from '../engine/tile-ranges.ts';
import type { KestrelSchema } from './tile-db-schema.ts';

type TileIndex = IDBPIndex<KestrelSchema, ['tiles'], 'tiles', 'tile', 'readonly'>;

/** A stored tile found by place: its key and where it is. */
export interface StoredTileAt {
  key: string;
  coord: { z: number; x: number; y: number };
}

// Up to this many columns a range is read one column per request (all in flight at once): one round trip in all. A
// wider range (a region at z22 spans millions of columns, almost all empty) is walked with a skipping cursor instead.
const COLUMN_REQUESTS_MAX = 64;

/**
 * The stored tiles in the ranges, from the [z, x, y] index. The cost follows the tiles found (and, for wide ranges,
 * the columns that hold any), never the store's size or the range's area.
 */
export async function tilesInRanges(index: TileIndex, ranges: readonly TileRange[]): Promise<StoredTileAt[]> {
  const parts = await Promise.all(ranges.map((range) => (range.maxX - range.minX < COLUMN_REQUESTS_MAX ? byColumn(index, range) : skipScan(index, range))));
  return parts.flat();
}

async function byColumn(index: TileIndex, { z, minX, maxX, minY, maxY }: TileRange): Promise<StoredTileAt[]> {
  const columns: Promise<StoredTileAt[]>[] = [];
  for (let x = minX; x <= maxX; x++) {
    columns.push(index.getAll(IDBKeyRange.bound([z, x, minY], [z, x, maxY])).then((metas) => metas.map((m) => ({ key: m.key, coord: { z, x, y: m.coord!.y } }))));
  }
  return (await Promise.all(columns)).flat();
}

// One key cursor over the range's span of the index, jumping past the rows outside [minY, maxY] of each column.
async function skipScan(index: TileIndex, { z, minX, maxX, minY, maxY }: TileRange): Promise<StoredTileAt[]> {
  const found: StoredTileAt[] = [];
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
  return found;
}
