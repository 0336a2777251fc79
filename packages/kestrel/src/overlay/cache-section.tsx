import { memo } from 'react';
import type { CacheStats, EngineStats } from '../contract/engine-api.ts';
import type { BudgetMetric, BudgetStatus, Budgets } from './budgets.ts';
import { cacheHitRates } from './cache-rates.ts';
import { Figure } from './figure.tsx';
import { formatBytes, formatCount, formatPercent } from './format.ts';
import { FigureRow, OverlaySection } from './overlay-section.tsx';
import { UsageBar } from './usage-bar.tsx';

// Not a budget: a status word, coloured by how much of the persistent cache still works.
const IDB_LEVEL: Record<CacheStats['idb']['status'], BudgetStatus> = {
  ok: 'ok',
  opening: 'ok',
  reopening: 'warn',
  degraded: 'warn',
  unavailable: 'bad',
  disabled: 'ok',
};

// memo: the panel hands over structurally stable props, so an idle engine costs no re-render here
export const CacheSection = memo(function CacheSection({ cache, statuses, budgets }: {
  cache: EngineStats['cache'];
  statuses: Record<BudgetMetric, BudgetStatus>;
  budgets: Budgets;
}) {
  const rates = cacheHitRates(cache.hits);
  return (
    <OverlaySection title="Cache" testId="overlay-section-cache">
      <dl className="kpo-grid">
        <FigureRow label="hit rate">
          <Figure
            testId="overlay-cache-hit-rate-overall"
            text={formatPercent(rates.overall)}
            value={rates.overall}
            status={statuses.hitRate}
            title={`memory + IndexedDB hits over ${formatCount(rates.lookups)} lookups; budget: amber < ${formatPercent(budgets.hitRate.warn)}, red < ${formatPercent(budgets.hitRate.bad)}`}
          />
          <span className="kpo-sub">
            mem{' '}
            <Figure testId="overlay-cache-hit-rate-memory" text={formatPercent(rates.memory)} value={rates.memory} title="memory hits / all lookups" />
            {' · '}idb{' '}
            <Figure testId="overlay-cache-hit-rate-idb" text={formatPercent(rates.idb)} value={rates.idb} title="IndexedDB hits / lookups that missed memory" />
          </span>
        </FigureRow>
        <TierRows tier="memory" label="memory" usage={cache.memory} />
        <TierRows tier="idb" label="IndexedDB" usage={cache.idb} />
        <FigureRow label="stale served">
          <Figure testId="overlay-cache-stale-served" text={formatCount(cache.hits.staleServed)} value={cache.hits.staleServed} />
          <span className="kpo-sub">
            revalidated (304){' '}
            <Figure testId="overlay-cache-revalidated" text={formatCount(cache.hits.revalidated304)} value={cache.hits.revalidated304} title="revalidations answered 304 Not Modified" />
          </span>
        </FigureRow>
        <FigureRow label="IndexedDB">
          <Figure testId="overlay-cache-idb-status" text={cache.idb.status} value={cache.idb.status} status={IDB_LEVEL[cache.idb.status]} />
          {cache.idb.status !== 'ok' && cache.idb.detail && (
            <span className="kpo-detail" data-testid="overlay-cache-idb-detail">
              {cache.idb.detail}
            </span>
          )}
        </FigureRow>
        {(cache.idb.quotaErrors > 0 || cache.idb.corruptDropped > 0) && (
          <FigureRow label="idb errors">
            quota <Figure testId="overlay-cache-idb-quota-errors" text={formatCount(cache.idb.quotaErrors)} value={cache.idb.quotaErrors} />
            {' · '}corrupt <Figure testId="overlay-cache-idb-corrupt" text={formatCount(cache.idb.corruptDropped)} value={cache.idb.corruptDropped} />
          </FigureRow>
        )}
      </dl>
    </OverlaySection>
  );
});

function TierRows({ tier, label, usage }: {
  tier: 'memory' | 'idb';
  label: string;
  usage: { bytes: number; entries: number; budget: number; evictions: number };
}) {
  return (
    <FigureRow label={label}>
      <span className="kpo-usage">
        <Figure testId={`overlay-cache-${tier}-bytes`} text={formatBytes(usage.bytes)} value={usage.bytes} />
        {' / '}
        <Figure testId={`overlay-cache-${tier}-budget`} text={formatBytes(usage.budget)} value={usage.budget} />
      </span>
      <UsageBar
        used={usage.bytes}
        limit={usage.budget}
        label={`${label} cache use`}
        testId={`overlay-cache-${tier}-usage`}
        describe={(used, limit) => `${formatBytes(used)} of ${formatBytes(limit)}`}
      />
      <span className="kpo-sub">
        <Figure testId={`overlay-cache-${tier}-entries`} text={formatCount(usage.entries)} value={usage.entries} /> entries
        {' · '}
        <Figure testId={`overlay-cache-${tier}-evictions`} text={formatCount(usage.evictions)} value={usage.evictions} /> evicted
      </span>
    </FigureRow>
  );
}
