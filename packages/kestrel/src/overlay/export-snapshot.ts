import type { OverlaySnapshot } from './overlay-types.ts';

// Pretty-printed: the file is read by people (bug reports) as often as by tools. Non-finite numbers become null,
// as JSON.stringify does, because JSON has no NaN.
export function snapshotToJson(snapshot: OverlaySnapshot): string {
  return `${JSON.stringify(snapshot, null, 2)}\n`;
}

// `kestrel-perf-2026-11-23T12-00-00Z.json`: sortable, and without the colons Windows refuses in file names.
export function exportFileName(takenAt: number, extension: 'json' | 'prom'): string {
  const stamp = new Date(takenAt).toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/:/g, '-');
  return `kestrel-perf-${stamp}.${extension}`;
}
