import { formatPercent } from './format.ts';

// A horizontal fill for "x of budget". role="meter" with a text value, so it is more than a coloured strip.
export function UsageBar({ used, limit, label, testId, describe }: {
  used: number;
  limit: number;
  label: string;
  testId: string;
  describe: (used: number, limit: number) => string;
}) {
  const ratio = limit > 0 && Number.isFinite(used) ? Math.min(Math.max(used / limit, 0), 1) : 0;
  // a full cache tier is normal (the LRU is doing its job); only an over-full one is worth a colour
  const level = limit > 0 && used > limit ? 'bad' : ratio >= 0.9 ? 'high' : 'normal';
  return (
    <div
      className={`kpo-bar kpo-bar-${level}`}
      role="meter"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={limit > 0 ? limit : 1}
      aria-valuenow={Number.isFinite(used) ? used : 0}
      aria-valuetext={`${describe(used, limit)} (${formatPercent(limit > 0 ? used / limit : null)})`}
      data-testid={testId}
      data-value={limit > 0 ? used / limit : ''}
    >
      <div className="kpo-bar-fill" style={{ width: `${(ratio * 100).toFixed(1)}%` }} />
    </div>
  );
}
