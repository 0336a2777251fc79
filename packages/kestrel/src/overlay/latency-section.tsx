import { memo } from 'react';
import type { EngineStats, LatencySummary } from '../contract/engine-api.ts';
import type { BudgetMetric, BudgetStatus, Budgets } from './budgets.ts';
import { Figure } from './figure.tsx';
import { formatCount, formatMs, formatWindow } from './format.ts';
import { LatencyChart } from './latency-chart.tsx';
import type { LatencyPoint } from './latency-history.ts';
import { OverlaySection } from './overlay-section.tsx';
import { WireSplit } from './wire-split.tsx';
import { QuantileHead } from './quantile-head.tsx';

const TIERS = ['memory', 'idb', 'network', 'all'] as const;
const QUANTILES = ['p50', 'p95', 'p99'] as const;

// Budgets apply to p95 only: p50 hides the tail, p99 over a small window is one unlucky tile.
const P95_BUDGET: Partial<Record<(typeof TIERS)[number], BudgetMetric>> = { network: 'networkP95', all: 'allP95' };

// The chart changes every tick (time moves); the table only when the engine's numbers do, hence the split.
export function LatencySection({ latency, history, statuses, budgets, network }: {
  latency: EngineStats['latencyMs'];
  history: readonly LatencyPoint[];
  statuses: Record<BudgetMetric, BudgetStatus>;
  budgets: Budgets;
  // absent from an engine that predates it
  network?: EngineStats['network'];
}) {
  return (
    <OverlaySection title="Latency" testId="overlay-section-latency">
      <LatencyTable latency={latency} statuses={statuses} budgets={budgets} />
      {network && <WireSplit network={network} attempts={network.attempts} />}
      <LatencyChart history={history} budgets={budgets} />
    </OverlaySection>
  );
}

// memo: the panel hands over structurally stable props, so an idle engine costs no re-render here
const LatencyTable = memo(function LatencyTable({ latency, statuses, budgets }: {
  latency: EngineStats['latencyMs'];
  statuses: Record<BudgetMetric, BudgetStatus>;
  budgets: Budgets;
}) {
  return (
    <>
      <table className="kpo-table">
        <caption className="kpo-sr">Request latency percentiles by the tier that answered</caption>
        <QuantileHead quantiles={QUANTILES} first={<th scope="col">tier</th>} />
        <tbody>
          {TIERS.map((tier) => (
            <LatencyRow key={tier} tier={tier} summary={latency[tier]} statuses={statuses} budgets={budgets} />
          ))}
        </tbody>
      </table>
      {/* A tier's latency is what MapLibre waits for, not the server's time: a network answer includes its wait in
          the engine's queue and for the worker's CPU (e2e/overlay-accuracy.spec.ts measures the difference). */}
      <p className="kpo-note" title="from MapLibre's ask to the engine's answer; network includes the queue wait">
        ask → answer, queue included · window{' '}
        <span data-testid="overlay-latency-window" data-value={latency.window.maxAgeMs}>
          {formatWindow(latency.window)}
        </span>
      </p>
    </>
  );
});

function LatencyRow({ tier, summary, statuses, budgets }: {
  tier: (typeof TIERS)[number];
  summary: LatencySummary;
  statuses: Record<BudgetMetric, BudgetStatus>;
  budgets: Budgets;
}) {
  const empty = summary.count <= 0;
  const metric = P95_BUDGET[tier];
  return (
    <tr>
      <th scope="row">{tier}</th>
      {QUANTILES.map((q) => {
        const budgeted = q === 'p95' && metric !== undefined;
        return (
          <td key={q}>
            <Figure
              testId={`overlay-latency-${tier}-${q}`}
              text={empty ? formatMs(null) : formatMs(summary[q])}
              value={empty ? null : summary[q]}
              status={budgeted ? statuses[metric] : 'ok'}
              title={budgeted ? `budget: amber > ${formatMs(budgets[metric].warn)}, red > ${formatMs(budgets[metric].bad)}` : undefined}
            />
          </td>
        );
      })}
      <td>
        <Figure testId={`overlay-latency-${tier}-count`} text={formatCount(summary.count)} value={summary.count} />
      </td>
    </tr>
  );
}
