import RBush from 'rbush';
import type { TileCoord } from '../contract/engine-api.ts';
import { MAX_LATITUDE, tileBBox, type BBox } from './tile-math.ts';

export interface TileExtent {
  key: string;
  source: string;
  coord: TileCoord;
}

export interface ZoomRange {
  minZoom: number;
  maxZoom: number;
}

interface IndexedTile extends TileExtent {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

// Where cached tiles are, for invalidating a region and answering "what is cached here". One R-tree per
// zoom level: a query at z14 over a large area must not wade through every z15–z22 tile under it.
export class SpatialIndex {
  private readonly trees = new Map<number, RBush<IndexedTile>>();
  private readonly byKey = new Map<string, IndexedTile>();

  get size(): number {
    return this.byKey.size;
  }

  has(key: string): boolean {
    return this.byKey.has(key);
  }

  // Bulk load at start-up (rbush's packed load is several times faster than one insert per tile);
  // keys already indexed are skipped, so tiles put while the store was still opening are not doubled.
  load(extents: readonly TileExtent[]): void {
    const byZoom = new Map<number, IndexedTile[]>();
    for (const extent of extents) {
      if (this.byKey.has(extent.key)) continue;
      const item = toItem(extent);
      this.byKey.set(extent.key, item);
      const list = byZoom.get(extent.coord.z) ?? [];
      list.push(item);
      byZoom.set(extent.coord.z, list);
    }
    for (const [z, items] of byZoom) this.tree(z).load(items);
  }

  insert(extent: TileExtent): void {
    if (this.byKey.has(extent.key)) return;
    const item = toItem(extent);
    this.byKey.set(extent.key, item);
    this.tree(extent.coord.z).insert(item);
  }

  remove(key: string): boolean {
    const item = this.byKey.get(key);
    if (!item) return false;
    this.byKey.delete(key);
    this.trees.get(item.coord.z)?.remove(item);
    return true;
  }

  clear(): void {
    this.trees.clear();
    this.byKey.clear();
  }

  // Tiles whose area overlaps the box (sharing only an edge does not count) within the zoom range.
  // The box is [west, south, east, north] in degrees; west > east crosses the antimeridian.
  search(bbox: BBox, zoom: ZoomRange): TileExtent[] {
    const out: TileExtent[] = [];
    for (const [z, tree] of this.trees) {
      if (z < zoom.minZoom || z > zoom.maxZoom) continue;
      for (const box of splitAtAntimeridian(bbox)) {
        for (const item of tree.search(box)) {
          if (overlaps(item, box)) out.push({ key: item.key, source: item.source, coord: item.coord });
        }
      }
    }
    return out;
  }

  private tree(z: number): RBush<IndexedTile> {
    let tree = this.trees.get(z);
    if (!tree) {
      tree = new RBush<IndexedTile>();
      this.trees.set(z, tree);
    }
    return tree;
  }
}

function toItem(extent: TileExtent): IndexedTile {
  const [minX, minY, maxX, maxY] = tileBBox(extent.coord);
  return { key: extent.key, source: extent.source, coord: extent.coord, minX, minY, maxX, maxY };
}

type Box = { minX: number; minY: number; maxX: number; maxY: number };

function splitAtAntimeridian([west, south, east, north]: BBox): Box[] {
  const minY = Math.max(-MAX_LATITUDE, south);
  const maxY = Math.min(MAX_LATITUDE, north);
  if (west <= east) return [{ minX: west, minY, maxX: east, maxY }];
  return [
    { minX: west, minY, maxX: 180, maxY },
    { minX: -180, minY, maxX: east, maxY },
  ];
}

// rbush counts touching boxes as intersecting; a tile that only shares an edge with the query is outside
// it. A degenerate query (a point or a line) keeps the touching rule, or it could never match anything.
function overlaps(item: Box, box: Box): boolean {
  const strictX = box.maxX > box.minX ? item.minX < box.maxX && item.maxX > box.minX : true;
  const strictY = box.maxY > box.minY ? item.minY < box.maxY && item.maxY > box.minY : true;
  return strictX && strictY;
}
