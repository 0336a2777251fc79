// Display formatting for the overlay. Every helper returns DASH for values that are missing or not finite, so a
// snapshot taken before the first sample never shows "NaN ms".

export const DASH = '—';

function isNumber(value: number | null | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

// Three significant figures at most: enough to see a trend, few enough to read at 4 updates per second.
export function formatMs(ms: number | null | undefined): string {
  if (!isNumber(ms)) return DASH;
  const abs = Math.abs(ms);
  if (abs >= 1000) return `${trimZeros((ms / 1000).toFixed(abs >= 10_000 ? 1 : 2))} s`;
  if (abs >= 100) return `${Math.round(ms)} ms`;
  if (abs >= 10) return `${trimZeros(ms.toFixed(1))} ms`;
  if (abs === 0) return '0 ms';
  return `${trimZeros(ms.toFixed(2))} ms`;
}

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

// Binary units, because cache budgets are configured in powers of two (e.g. 64 MiB).
export function formatBytes(bytes: number | null | undefined): string {
  if (!isNumber(bytes)) return DASH;
  const sign = bytes < 0 ? '-' : '';
  let value = Math.abs(bytes);
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  if (unit === 0) return `${sign}${Math.round(value)} B`;
  // 1023.96 KiB would print as "1024.0 KiB": promote it instead
  const digits = value >= 100 ? 0 : 1;
  if (Number(value.toFixed(digits)) >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${sign}${trimZeros(value.toFixed(value >= 100 ? 0 : 1))} ${BYTE_UNITS[unit]}`;
}

// `ratio` is a share in [0, 1]. One decimal below 100 % so 99.96 % does not round up to a perfect score.
export function formatPercent(ratio: number | null | undefined): string {
  if (!isNumber(ratio)) return DASH;
  const pct = ratio * 100;
  if (pct >= 99.95 && pct < 100) return '99.9%';
  if (pct === 0 || pct === 100) return `${pct}%`;
  return `${trimZeros(pct.toFixed(1))}%`;
}

// Thousands separators fixed to en-US so e2e tests read the same text on every machine.
export function formatCount(count: number | null | undefined): string {
  if (!isNumber(count)) return DASH;
  return Math.round(count).toLocaleString('en-US');
}

// CLS is a unitless score whose thresholds (0.1, 0.25) need three decimals to compare by eye.
export function formatScore(score: number | null | undefined): string {
  if (!isNumber(score)) return DASH;
  return score.toFixed(3);
}

export function formatFps(fps: number | null | undefined): string {
  if (!isNumber(fps)) return DASH;
  return `${Math.round(fps)} fps`;
}

// "1000 samples · 60 s": the span the engine's percentiles cover.
export function formatWindow(window: { maxSamples: number; maxAgeMs: number } | null | undefined): string {
  if (!window) return DASH;
  const parts: string[] = [];
  if (isNumber(window.maxSamples) && window.maxSamples > 0) parts.push(`${formatCount(window.maxSamples)} samples`);
  if (isNumber(window.maxAgeMs) && window.maxAgeMs > 0) parts.push(formatMs(window.maxAgeMs));
  return parts.length > 0 ? parts.join(' · ') : DASH;
}

function trimZeros(fixed: string): string {
  return fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
}
