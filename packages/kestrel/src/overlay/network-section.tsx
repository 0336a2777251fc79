import { memo } from 'react';
import type { BreakerState, EngineStats, RequestPurpose } from '../contract/engine-api.ts';
import type { BudgetMetric, BudgetStatus, Budgets } from './budgets.ts';
import { Figure } from './figure.tsx';
import { formatBytes, formatCount, formatPercent } from './format.ts';
import { FigureRow, OverlaySection } from './overlay-section.tsx';
import { UsageBar } from './usage-bar.tsx';

const PURPOSES: readonly RequestPurpose[] = ['visible', 'prefetch', 'revalidate', 'offline-save'];

const BREAKER_TEXT: Record<BreakerState, string> = { closed: 'closed', 'half-open': 'half-open', open: 'open' };

// memo: the panel hands over structurally stable props, so an idle engine costs no re-render here
// The parts of EngineStats this section reads; not `time`, which changes every tick and would defeat memo.
export type NetworkStats = Pick<EngineStats, 'requests' | 'inFlight' | 'queue' | 'retries' | 'failures' | 'breakers' | 'bytes'>;

export const NetworkSection = memo(function NetworkSection({ stats, statuses, budgets }: {
  stats: NetworkStats;
  statuses: Record<BudgetMetric, BudgetStatus>;
  budgets: Budgets;
}) {
  const { inFlight, queue, retries } = stats;
  const failures = Object.entries(stats.failures)
    .filter((entry): entry is [string, number] => typeof entry[1] === 'number' && entry[1] > 0)
    .sort((a, b) => b[1] - a[1]);
  const failed = stats.requests.failed;
  const failureRate = stats.requests.total > 0 ? failed / stats.requests.total : null;
  const hosts = Object.entries(stats.breakers).sort(([a], [b]) => a.localeCompare(b));

  return (
    <OverlaySection title="Network" testId="overlay-section-network">
      <dl className="kpo-grid">
        <FigureRow label="in flight">
          <span className="kpo-usage">
            <Figure testId="overlay-network-inflight" text={formatCount(inFlight.now)} value={inFlight.now} />
            {' / '}
            <Figure testId="overlay-network-limit" text={formatCount(inFlight.limit)} value={inFlight.limit} title="adaptive limit now" />
          </span>
          <UsageBar
            used={inFlight.now}
            limit={inFlight.limit}
            label="requests in flight against the adaptive limit"
            testId="overlay-network-inflight-usage"
            describe={(used, limit) => `${used} of ${limit}`}
          />
          <span className="kpo-sub">
            max <Figure testId="overlay-network-configured-max" text={formatCount(inFlight.configuredMax)} value={inFlight.configuredMax} title="configured ceiling of the adaptive limit" />
            {' · '}peak <Figure testId="overlay-network-inflight-peak" text={formatCount(inFlight.max)} value={inFlight.max} />
          </span>
        </FigureRow>
        <FigureRow label="queue">
          <Figure testId="overlay-network-queue" text={formatCount(queue.now)} value={queue.now} />
          <span className="kpo-sub">
            {PURPOSES.map((purpose, i) => (
              <span key={purpose}>
                {i > 0 && ' · '}
                {purpose}{' '}
                <Figure testId={`overlay-network-queue-${purpose}`} text={formatCount(queue.byPurpose[purpose] ?? 0)} value={queue.byPurpose[purpose] ?? 0} />
              </span>
            ))}
            {' · '}peak <Figure testId="overlay-network-queue-peak" text={formatCount(queue.max)} value={queue.max} />
          </span>
        </FigureRow>
        <FigureRow label="retries">
          <Figure testId="overlay-network-retries" text={formatCount(retries.total)} value={retries.total} />
          <span className="kpo-sub">
            waiting <Figure testId="overlay-network-retries-waiting" text={formatCount(retries.waitingNow)} value={retries.waitingNow} />
            {' · '}budget spent{' '}
            <Figure testId="overlay-network-retry-budget-exhausted" text={formatCount(retries.budgetExhausted)} value={retries.budgetExhausted} />
          </span>
        </FigureRow>
        <FigureRow label="failures">
          <Figure
            testId="overlay-network-failures"
            text={formatCount(failed)}
            value={failed}
            status={statuses.failureRate}
            title={`failed / total requests; budget: amber > ${formatPercent(budgets.failureRate.warn)}, red > ${formatPercent(budgets.failureRate.bad)}`}
          />
          <span className="kpo-sub">
            <Figure testId="overlay-network-failure-rate" text={formatPercent(failureRate)} value={failureRate} /> of{' '}
            {formatCount(stats.requests.total)}
          </span>
          {failures.length > 0 && (
            <ul className="kpo-list" aria-label="failures by reason">
              {failures.map(([reason, count]) => (
                <li key={reason}>
                  {reason} <Figure testId={`overlay-network-failure-${reason}`} text={formatCount(count)} value={count} />
                </li>
              ))}
            </ul>
          )}
        </FigureRow>
        <FigureRow label="breakers">
          {hosts.length === 0 ? (
            <span className="kpo-muted" data-testid="overlay-network-breakers-none">
              no hosts yet
            </span>
          ) : (
            <ul className="kpo-list" aria-label="circuit breaker per host">
              {hosts.map(([host, breaker]) => (
                <li key={host} className={`kpo-breaker kpo-breaker-${breaker.state}`} data-testid="overlay-breaker" data-host={host} data-state={breaker.state}>
                  <span className="kpo-breaker-dot" aria-hidden="true">
                    ●
                  </span>{' '}
                  <span className="kpo-host" title={host}>
                    {host}
                  </span>{' '}
                  <span className="kpo-breaker-state" data-testid={`overlay-breaker-state-${host}`}>
                    {BREAKER_TEXT[breaker.state]}
                  </span>
                  {breaker.consecutiveFailures > 0 && <span className="kpo-muted"> ({breaker.consecutiveFailures} failed)</span>}
                </li>
              ))}
            </ul>
          )}
        </FigureRow>
        <FigureRow label="received">
          <Figure testId="overlay-network-bytes" text={formatBytes(stats.bytes.network)} value={stats.bytes.network} />
          <span className="kpo-sub">
            <Figure testId="overlay-network-requests" text={formatCount(stats.requests.total)} value={stats.requests.total} /> requests
            {' · '}
            <Figure testId="overlay-network-coalesced" text={formatCount(stats.requests.coalesced)} value={stats.requests.coalesced} /> coalesced
          </span>
        </FigureRow>
      </dl>
    </OverlaySection>
  );
});
