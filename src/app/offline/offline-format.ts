import type { SavedArea } from 'kestrel-maps';

// Every number here is written with Intl.NumberFormat in the reader's locale (the browser's unless `locale` names
// one): "12,364 km²" in en-US, "12.364 km²" in de-DE. Formatters are cached; the panel re-renders as areas save.
const formatters = new Map<string, Intl.NumberFormat>();
function digits(locale: string | undefined, fraction: number): Intl.NumberFormat {
  const key = `${locale ?? ''}|${fraction}`;
  let format = formatters.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, { minimumFractionDigits: fraction, maximumFractionDigits: fraction });
    formatters.set(key, format);
  }
  return format;
}

// Decimal units, as the engine states its limits ("500 MB") in its refusal messages.
export function formatBytes(bytes: number, locale?: string): string {
  const units: [number, string][] = [
    [1e12, 'TB'],
    [1e9, 'GB'],
    [1e6, 'MB'],
    [1e3, 'kB'],
  ];
  for (const [size, unit] of units) if (bytes >= size) return `${digits(locale, bytes / size >= 100 ? 0 : 1).format(bytes / size)} ${unit}`;
  return `${digits(locale, 0).format(Math.max(0, Math.round(bytes)))} B`;
}

export function formatCount(n: number, locale?: string): string {
  return digits(locale, 0).format(Math.round(n));
}

export function formatKm2(km2: number, locale?: string): string {
  return `${km2 >= 10 ? formatCount(km2, locale) : digits(locale, 1).format(km2)} km²`;
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

export function defaultAreaName(center: [number, number], zoom: number, locale?: string): string {
  const [lng, lat] = center;
  const ns = lat >= 0 ? 'N' : 'S';
  const ew = lng >= 0 ? 'E' : 'W';
  const deg = digits(locale, 2);
  return `${deg.format(Math.abs(lat))}°${ns} ${deg.format(Math.abs(lng))}°${ew}, z${Math.floor(zoom)}`;
}

// "42%" in en-US, "42 %" in de-DE and fr-FR.
export function formatPercentWhole(percent: number, locale?: string): string {
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 }).format(percent / 100);
}
