export interface PlotBox {
  width: number;
  height: number;
  // time range drawn left to right
  fromT: number;
  toT: number;
  // value drawn at the top edge; values above it are clipped to the edge
  maxY: number;
}

// An SVG path through (t, value) points; null values break the line so missing data never looks like zero.
export function sparklinePath(points: ReadonlyArray<{ t: number; value: number | null }>, box: PlotBox): string {
  const span = box.toT - box.fromT;
  if (span <= 0 || box.maxY <= 0) return '';
  let d = '';
  let penDown = false;
  for (const { t, value } of points) {
    if (value === null || !Number.isFinite(value) || t < box.fromT || t > box.toT) {
      penDown = false;
      continue;
    }
    const x = ((t - box.fromT) / span) * box.width;
    const y = box.height - (Math.min(Math.max(value, 0), box.maxY) / box.maxY) * box.height;
    d += `${penDown ? 'L' : 'M'}${round(x)} ${round(y)}`;
    penDown = true;
  }
  return d;
}

// The top of the chart: the next 1, 2 or 5 × 10^n above the largest value, so the axis label is a round number.
export function niceCeiling(max: number): number {
  if (!Number.isFinite(max) || max <= 0) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 5, 10]) {
    if (step * magnitude >= max) return step * magnitude;
  }
  return 10 * magnitude;
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
