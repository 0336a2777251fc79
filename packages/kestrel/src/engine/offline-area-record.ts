import type { AreaBBox, AreaStatus, SavedArea, SourceDescriptor } from '../contract/engine-api.ts';

// One saved area as it is persisted. Progress is a cursor plus two short lists rather than a done-list, so a
// 20,000-tile area is a record of a few hundred bytes that can be rewritten every second.
export interface AreaRecord {
  v: 1;
  id: string;
  name: string;
  bbox: AreaBBox;
  minZoom: number;
  maxZoom: number;
  created: number;
  status: AreaStatus;
  // the sources as they were when the area was saved, templates in their persisted form (credentials stripped,
  // secrets digested: tokens never persist); `stripped` says the live source (same id) must be back before
  // downloading resumes
  sources: (SourceDescriptor & { stripped: boolean })[];
  total: number;
  done: number;
  failed: number;
  bytes: number;
  estimatedBytes: number;
  // every tile index below the cursor has finished (saved or failed)
  cursor: number;
  // finished indices at or above the cursor (out-of-order completions; at most a few)
  finishedAbove: number[];
  // indices that failed and have not been saved since; resume asks them again
  failedTiles: number[];
  detail?: string;
}

// The persistent half of the queue (IndexedDB's `savedAreas` store in the worker). `list` may return anything a
// store can hold: records are checked before use.
export interface AreaStore {
  list(): Promise<unknown[]>;
  put(record: AreaRecord): Promise<void>;
  delete(id: string): Promise<void>;
}

export function summaryOf(r: AreaRecord, detail: string | undefined): SavedArea {
  return {
    id: r.id,
    name: r.name,
    bbox: r.bbox,
    minZoom: r.minZoom,
    maxZoom: r.maxZoom,
    status: r.status,
    done: r.done,
    failed: r.failed,
    total: r.total,
    bytes: r.bytes,
    estimatedBytes: r.estimatedBytes,
    created: r.created,
    ...(detail ? { detail } : {}),
  };
}

// Storage can hand back anything (a record from an older build, a value another program wrote): only a record
// that passes this check is resumed.
export function isAreaRecord(value: unknown): value is AreaRecord {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Partial<AreaRecord>;
  const counts = [r.total, r.done, r.failed, r.bytes, r.estimatedBytes, r.cursor, r.minZoom, r.maxZoom];
  return (
    r.v === 1 &&
    typeof r.id === 'string' &&
    typeof r.name === 'string' &&
    Array.isArray(r.bbox) &&
    r.bbox.length === 4 &&
    r.bbox.every(Number.isFinite) &&
    counts.every((n) => Number.isInteger(n) && (n as number) >= 0) &&
    typeof r.created === 'number' &&
    ['queued', 'downloading', 'paused', 'done', 'failed'].includes(r.status as string) &&
    Array.isArray(r.sources) &&
    r.sources.every((s) => typeof s?.id === 'string' && Array.isArray(s.tiles) && s.tiles.every((t) => typeof t === 'string')) &&
    Array.isArray(r.finishedAbove) &&
    Array.isArray(r.failedTiles)
  );
}
