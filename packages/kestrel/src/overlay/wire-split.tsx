import { memo } from 'react';
import type { LatencySummary, NetworkStats } from '../contract/engine-api.ts';
import { Figure } from './figure.tsx';
import { formatCount, formatMs } from './format.ts';
import { QuantileHead } from './quantile-head.tsx';

const PARTS = [
  // ask → first attempt starting: slots, paused or paced hosts, the priority queue
  { key: 'queueMs', label: 'queue', title: "from the engine's ask to the first attempt starting" },
  // request sent → last byte (Resource Timing): comparable with the server's own service time
  { key: 'wireMs', label: 'wire', title: 'from the request leaving the browser to its last byte (Resource Timing)' },
] as const;
const QUANTILES = ['p50', 'p95'] as const;

/**
 * A network answer's latency in its two halves, per request: time queued in the engine and time on the wire. The
 * tier table above shows what MapLibre waits for; this says whether the wait is ours or the server's.
 */
export const WireSplit = memo(function WireSplit({ network, attempts }: {
  network: Pick<NetworkStats, 'queueMs' | 'wireMs'>;
  attempts: number;
}) {
  return (
    <table className="kpo-table" data-testid="overlay-latency-split">
      <caption className="kpo-sr">Network requests: time queued in the engine and time on the wire</caption>
      <QuantileHead
        quantiles={QUANTILES}
        first={
          <th scope="col" title={`${attempts} requests sent to hosts`}>
            network
          </th>
        }
      />
      <tbody>
        {PARTS.map((part) => (
          <SplitRow key={part.key} name={part.label} title={part.title} summary={network[part.key]} />
        ))}
      </tbody>
    </table>
  );
});

function SplitRow({ name, title, summary }: { name: string; title: string; summary: LatencySummary }) {
  const empty = summary.count <= 0;
  return (
    <tr>
      <th scope="row" title={title}>
        {name}
      </th>
      {QUANTILES.map((q) => (
        <td key={q}>
          <Figure testId={`overlay-latency-${name}-${q}`} text={empty ? formatMs(null) : formatMs(summary[q])} value={empty ? null : summary[q]} />
        </td>
      ))}
      <td>
        <Figure testId={`overlay-latency-${name}-count`} text={formatCount(summary.count)} value={summary.count} />
      </td>
    </tr>
  );
}
