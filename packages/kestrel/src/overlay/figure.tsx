import type { BudgetStatus } from './budgets.ts';

export interface FigureProps {
  testId: string;
  text: string;
  // the raw number behind `text`, for Playwright and devtools: reading "1.52 s" back is fragile
  value?: number | string | null;
  status?: BudgetStatus;
  title?: string;
}

const STATUS_TEXT: Record<BudgetStatus, string> = { ok: '', warn: 'over warning budget', bad: 'over budget' };
const STATUS_MARK: Record<BudgetStatus, string> = { ok: '', warn: '▲', bad: '✖' };

// One number on the panel. The data-testid element holds only the formatted value; the budget mark sits beside it
// (a shape as well as a colour, and words for screen readers) so tests read clean text.
export function Figure({ testId, text, value, status = 'ok', title }: FigureProps) {
  return (
    <span className={`kpo-figure kpo-status-${status}`} title={title}>
      <span data-testid={testId} data-value={value ?? ''} data-status={status}>
        {text}
      </span>
      {status !== 'ok' && (
        <>
          <span className="kpo-mark" aria-hidden="true">
            {STATUS_MARK[status]}
          </span>
          <span className="kpo-sr"> ({STATUS_TEXT[status]})</span>
        </>
      )}
    </span>
  );
}
