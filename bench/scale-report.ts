// The bench:scale table: one row per figure, one column per store size, then the largest size against the smallest
// (a ratio, or a difference for memory) and the goal for it.

export interface ScaleGoal {
  // ratio: largest / smallest must be ≤ max; difference: largest − smallest must be ≤ max (in the row's unit)
  kind: 'ratio' | 'difference';
  max: number;
}

export interface ScaleRow {
  measure: string;
  unit: string;
  // store size (records) → figure; null when it could not be measured
  bySize: Record<number, number | null>;
  goal?: ScaleGoal;
}

export interface ComparedRow extends ScaleRow {
  ratio: number | null;
  difference: number | null;
  met?: boolean;
}

export function compareRow(row: ScaleRow, sizes: readonly number[]): ComparedRow {
  const small = row.bySize[sizes[0]];
  const large = row.bySize[sizes[sizes.length - 1]];
  const known = small !== null && small !== undefined && large !== null && large !== undefined;
  const ratio = known && small !== 0 ? large / small : null;
  const difference = known ? large - small : null;
  const judged = row.goal?.kind === 'ratio' ? ratio : difference;
  return { ...row, ratio, difference, ...(row.goal && judged !== null ? { met: judged <= row.goal.max } : {}) };
}

function figure(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function sizeLabel(n: number): string {
  return n >= 1000 && n % 1000 === 0 ? `${n / 1000}k` : String(n);
}

/** A Markdown table (it reads as plain text on a terminal too). */
export function formatScaleTable(rows: readonly ScaleRow[], sizes: readonly number[]): string {
  const first = sizeLabel(sizes[0]);
  const last = sizeLabel(sizes[sizes.length - 1]);
  const header = ['measure', ...sizes.map((n) => `${sizeLabel(n)} records`), `${last}/${first}`, `${last} − ${first}`, 'goal'];
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
  for (const row of rows.map((r) => compareRow(r, sizes))) {
    const goal = row.goal ? `${row.goal.kind === 'ratio' ? 'ratio' : 'difference'} ≤ ${row.goal.max}${row.met === undefined ? '' : row.met ? ' ✓' : ' ✗'}` : '';
    const cells = [`${row.measure} (${row.unit})`, ...sizes.map((n) => figure(row.bySize[n])), row.ratio === null ? '—' : `${row.ratio.toFixed(2)}×`, figure(row.difference), goal];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}
