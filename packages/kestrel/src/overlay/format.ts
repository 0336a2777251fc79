// Display formatting for the overlay. Every helper returns DASH for values that are missing or not finite, so a
// snapshot taken before the first sample never shows "NaN ms". Numbers are written with Intl.NumberFormat in the
// reader's locale (the browser's, unless a BCP 47 `locale` is given): "1,234.5" in en-US, "1.234,5" in de-DE. Units
// stay as they are (ms, s, KiB), as in every locale's technical writing.

export const DASH = '—';

// The panel refreshes 4 times a second; building a formatter each time would cost more than the formatting.
const formatters = new Map<string, Intl.NumberFormat>();

/** A cached Intl.NumberFormat for `locale` (undefined: the runtime's) with a fixed range of fraction digits. */
export function numberFormat(locale: string | undefined, minFraction: number, maxFraction = minFraction, style: 'decimal' | 'percent' = 'decimal'): Intl.NumberFormat {
  const key = `${locale ?? ''}|${minFraction}|${maxFraction}|${style}`;
  let format = formatters.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, { style, minimumFractionDigits: minFraction, maximumFractionDigits: maxFraction });
    formatters.set(key, format);
  }
  return format;
}

function isNumber(value: number | null | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

// Three significant figures at most: enough to see a trend, few enough to read at 4 updates per second.
export function formatMs(ms: number | null | undefined, locale?: string): string {
  if (!isNumber(ms)) return DASH;
  const abs = Math.abs(ms);
  if (abs >= 1000) return `${numberFormat(locale, 0, abs >= 10_000 ? 1 : 2).format(ms / 1000)} s`;
  if (abs >= 100) return `${numberFormat(locale, 0).format(Math.round(ms))} ms`;
  if (abs >= 10) return `${numberFormat(locale, 0, 1).format(ms)} ms`;
  if (abs === 0) return '0 ms';
  return `${numberFormat(locale, 0, 2).format(ms)} ms`;
}

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

// Binary units, because cache budgets are configured in powers of two (e.g. 64 MiB).
export function formatBytes(bytes: number | null | undefined, locale?: string): string {
  if (!isNumber(bytes)) return DASH;
  const sign = bytes < 0 ? '-' : '';
  let value = Math.abs(bytes);
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  if (unit === 0) return `${sign}${numberFormat(locale, 0).format(Math.round(value))} B`;
  // 1023.96 KiB would print as "1024.0 KiB": promote it instead
  const digits = value >= 100 ? 0 : 1;
  if (Number(value.toFixed(digits)) >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${sign}${numberFormat(locale, 0, value >= 100 ? 0 : 1).format(value)} ${BYTE_UNITS[unit]}`;
}

// `ratio` is a share in [0, 1]. One decimal below 100 % so 99.96 % does not round up to a perfect score.
export function formatPercent(ratio: number | null | undefined, locale?: string): string {
  if (!isNumber(ratio)) return DASH;
  const pct = ratio * 100;
  const percent = numberFormat(locale, 0, 1, 'percent');
  if (pct >= 99.95 && pct < 100) return percent.format(0.999);
  return percent.format(ratio);
}

// Whole numbers with the locale's grouping ("12,345" in en-US, "12.345" in de-DE, "12 345" in fr-FR).
export function formatCount(count: number | null | undefined, locale?: string): string {
  if (!isNumber(count)) return DASH;
  return numberFormat(locale, 0).format(Math.round(count));
}

// CLS is a unitless score whose thresholds (0.1, 0.25) need three decimals to compare by eye.
export function formatScore(score: number | null | undefined, locale?: string): string {
  if (!isNumber(score)) return DASH;
  return numberFormat(locale, 3).format(score);
}

export function formatFps(fps: number | null | undefined, locale?: string): string {
  if (!isNumber(fps)) return DASH;
  return `${numberFormat(locale, 0).format(Math.round(fps))} fps`;
}

// "1000 samples · 60 s": the span the engine's percentiles cover.
export function formatWindow(window: { maxSamples: number; maxAgeMs: number } | null | undefined, locale?: string): string {
  if (!window) return DASH;
  const parts: string[] = [];
  if (isNumber(window.maxSamples) && window.maxSamples > 0) parts.push(`${formatCount(window.maxSamples, locale)} samples`);
  if (isNumber(window.maxAgeMs) && window.maxAgeMs > 0) parts.push(formatMs(window.maxAgeMs, locale));
  return parts.length > 0 ? parts.join(' · ') : DASH;
}
