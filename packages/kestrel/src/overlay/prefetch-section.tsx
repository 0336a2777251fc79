import { memo } from 'react';
import type { PrefetchReason, PrefetchReasonStats, PrefetchStats } from '../contract/engine-api.ts';
import { Figure } from './figure.tsx';
import { formatBytes, formatCount, formatPercent } from './format.ts';
import { FigureRow, OverlaySection } from './overlay-section.tsx';

const OFF_BECAUSE: Record<NonNullable<PrefetchStats['disabledBy']>, string> = {
  option: 'off',
  'save-data': 'off (save-data)',
  'slow-connection': 'off (slow link)',
  background: 'paused (no tab in front)',
};

const statusText = (prefetch: PrefetchStats) => (prefetch.enabled ? 'on' : prefetch.disabledBy ? OFF_BECAUSE[prefetch.disabledBy] : 'off');

// memo: the panel hands over structurally stable props, so an idle engine costs no re-render here
export const PrefetchSection = memo(function PrefetchSection({ prefetch }: { prefetch: PrefetchStats }) {
  return (
    <OverlaySection title="Prefetch" testId="overlay-section-prefetch">
      <dl className="kpo-grid">
        <FigureRow label="status">
          <Figure testId="overlay-prefetch-status" text={statusText(prefetch)} value={prefetch.enabled ? 'on' : 'off'} />
        </FigureRow>
        {/* counters stay visible when off: tiles prefetched before it was switched off still count as used or wasted */}
        <FigureRow label="issued">
          <Figure testId="overlay-prefetch-issued" text={formatCount(prefetch.issued)} value={prefetch.issued} />
          <span className="kpo-sub">
            done <Figure testId="overlay-prefetch-completed" text={formatCount(prefetch.completed)} value={prefetch.completed} />
            {' · '}
            <Figure testId="overlay-prefetch-bytes" text={formatBytes(prefetch.bytes)} value={prefetch.bytes} />
          </span>
        </FigureRow>
        <FigureRow label="used / wasted">
          <Figure testId="overlay-prefetch-used" text={formatCount(prefetch.used)} value={prefetch.used} />
          {' / '}
          <Figure testId="overlay-prefetch-wasted" text={formatCount(prefetch.wasted)} value={prefetch.wasted} />
          <span className="kpo-sub">
            cancelled <Figure testId="overlay-prefetch-cancelled" text={formatCount(prefetch.cancelled)} value={prefetch.cancelled} />
          </span>
        </FigureRow>
        {/* where the prefetched bytes went: the cost of wrong guesses, which the tile counts hide (tiles differ 100× in size) */}
        <FigureRow label="bytes wasted">
          <Figure
            testId="overlay-prefetch-wasted-share"
            text={prefetch.bytes > 0 ? formatPercent(prefetch.wastedBytes / prefetch.bytes) : formatPercent(null)}
            value={prefetch.bytes > 0 ? prefetch.wastedBytes / prefetch.bytes : null}
          />
          <span className="kpo-sub">
            <Figure testId="overlay-prefetch-wasted-bytes" text={formatBytes(prefetch.wastedBytes)} value={prefetch.wastedBytes} />
            {' · unused yet '}
            <Figure testId="overlay-prefetch-unused-bytes" text={formatBytes(prefetch.unusedBytes)} value={prefetch.unusedBytes} />
          </span>
        </FigureRow>
        {/* which guesses pay: the share of each reason's prefetched bytes that a visible request used */}
        {reasonsOf(prefetch).map(([reason, r]) => (
          <FigureRow key={reason} label={`· ${reason}`}>
            <Figure testId={`overlay-prefetch-reason-${reason}-issued`} text={formatCount(r.issued)} value={r.issued} />
            <span className="kpo-sub">
              {'used '}
              <Figure testId={`overlay-prefetch-reason-${reason}-used-share`} text={formatPercent(usedShare(r))} value={usedShare(r)} />
              {' of '}
              {formatBytes(r.usedBytes + r.wastedBytes + r.unusedBytes)}
            </span>
          </FigureRow>
        ))}
        {prefetch.heldByWasteBudget !== undefined && (
          <FigureRow label="held (waste budget)">
            <Figure testId="overlay-prefetch-held" text={formatCount(prefetch.heldByWasteBudget)} value={prefetch.heldByWasteBudget} />
          </FigureRow>
        )}
        <FigureRow label="hit ratio">
          <Figure
            testId="overlay-prefetch-hit-ratio"
            text={prefetch.issued > 0 ? formatPercent(prefetch.hitRatio) : formatPercent(null)}
            value={prefetch.issued > 0 ? prefetch.hitRatio : null}
          />
        </FigureRow>
      </dl>
    </OverlaySection>
  );
});

// Every reason, in the order the rows show them; a Record, so a reason added to the contract cannot be left out.
const REASON_ROW: Record<PrefetchReason, number> = { destination: 0, path: 1, 'zoom-in': 2, 'zoom-out': 3, ring: 4 };
const REASONS = (Object.keys(REASON_ROW) as PrefetchReason[]).sort((a, b) => REASON_ROW[a] - REASON_ROW[b]);

function reasonsOf(prefetch: PrefetchStats): [PrefetchReason, PrefetchReasonStats][] {
  return REASONS.flatMap((reason) => {
    const r = prefetch.byReason?.[reason];
    return r && r.issued > 0 ? [[reason, r] as [PrefetchReason, PrefetchReasonStats]] : [];
  });
}

// null until some of the reason's bytes have arrived
function usedShare(r: PrefetchReasonStats): number | null {
  const total = r.usedBytes + r.wastedBytes + r.unusedBytes;
  return total > 0 ? r.usedBytes / total : null;
}
