import type { SavedArea } from 'kestrel-maps';

// Decimal units, as the engine states its limits ("500 MB") in its refusal messages.
export function formatBytes(bytes: number): string {
  const units: [number, string][] = [
    [1e12, 'TB'],
    [1e9, 'GB'],
    [1e6, 'MB'],
    [1e3, 'kB'],
  ];
  for (const [size, unit] of units) if (bytes >= size) return `${(bytes / size).toFixed(bytes / size >= 100 ? 0 : 1)} ${unit}`;
  return `${Math.max(0, Math.round(bytes))} B`;
}

// en-US separators so e2e tests read the same text on every machine.
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

export function formatKm2(km2: number): string {
  return `${km2 >= 10 ? formatCount(km2) : km2.toFixed(1)} km²`;
}

export interface ZoomRange {
  minZoom: number;
  maxZoom: number;
}

// What the user sees now and three levels of detail below it, within what the sources serve.
export const DEFAULT_EXTRA_LEVELS = 3;

export function defaultZoomRange(zoom: number, maxZoom: number): ZoomRange {
  const from = Math.max(0, Math.min(Math.floor(zoom), maxZoom));
  return { minZoom: from, maxZoom: Math.min(from + DEFAULT_EXTRA_LEVELS, maxZoom) };
}

// An edit of one end keeps the range ordered by moving the other end along.
export function editZoomRange(range: ZoomRange, end: keyof ZoomRange, value: number, maxZoom: number): ZoomRange {
  if (!Number.isFinite(value)) return range;
  const z = Math.max(0, Math.min(Math.round(value), maxZoom));
  if (end === 'minZoom') return { minZoom: z, maxZoom: Math.max(z, range.maxZoom) };
  return { minZoom: Math.min(z, range.minZoom), maxZoom: z };
}

// Saved share, floored: 100 only once every tile is saved.
export function savedPercent(area: Pick<SavedArea, 'done' | 'total'>): number {
  return area.total > 0 ? Math.floor((100 * area.done) / area.total) : 0;
}

const STATUS_TEXT: Record<SavedArea['status'], string> = {
  queued: 'Waiting',
  downloading: 'Saving',
  paused: 'Paused',
  done: 'Saved',
  failed: 'Incomplete',
};

export function statusText(status: SavedArea['status']): string {
  return STATUS_TEXT[status];
}

export function defaultAreaName(center: [number, number], zoom: number): string {
  const [lng, lat] = center;
  const ns = lat >= 0 ? 'N' : 'S';
  const ew = lng >= 0 ? 'E' : 'W';
  return `${Math.abs(lat).toFixed(2)}°${ns} ${Math.abs(lng).toFixed(2)}°${ew}, z${Math.floor(zoom)}`;
}
