import type { Budgets } from './budgets.ts';
import { formatMs } from './format.ts';
import { chartRange, type LatencyPoint } from './latency-history.ts';
import { niceCeiling, sparklinePath } from './sparkline-path.ts';

const WIDTH = 300;
const HEIGHT = 56;

// Network p95 and all-tier p95 over the last 30 s to 3 minutes of snapshots, with the network warn/bad budgets as dashed
// rules when they fall inside the scale: a trend and its distance from the budget at one glance.
export function LatencyChart({ history, budgets }: { history: readonly LatencyPoint[]; budgets: Budgets }) {
  const last = history.at(-1);
  const { fromT, toT } = chartRange(history);
  const spanText = formatMs(toT - fromT);
  let max = 0;
  for (const point of history) max = Math.max(max, point.networkP95 ?? 0, point.allP95 ?? 0);
  const maxY = niceCeiling(max);
  const box = { width: WIDTH, height: HEIGHT, fromT, toT, maxY };
  const network = sparklinePath(history.map((p) => ({ t: p.t, value: p.networkP95 })), box);
  const all = sparklinePath(history.map((p) => ({ t: p.t, value: p.allP95 })), box);
  const rules = [
    { key: 'warn', value: budgets.networkP95.warn },
    { key: 'bad', value: budgets.networkP95.bad },
  ].filter((rule) => rule.value > 0 && rule.value < maxY);
  const summary = last
    ? `p95 latency over the last ${spanText}: network ${formatMs(last.networkP95)}, all tiers ${formatMs(last.allP95)}; scale 0 to ${formatMs(maxY)}`
    : 'p95 latency chart: no data yet';

  return (
    <figure className="kpo-chart" data-testid="overlay-latency-chart" data-points={history.length}>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} width="100%" height={HEIGHT} role="img" aria-label={summary} preserveAspectRatio="none">
        <rect x="0" y="0" width={WIDTH} height={HEIGHT} className="kpo-chart-bg" />
        {rules.map((rule) => {
          const y = HEIGHT - (rule.value / maxY) * HEIGHT;
          return <line key={rule.key} x1="0" x2={WIDTH} y1={y} y2={y} className={`kpo-chart-rule kpo-chart-rule-${rule.key}`} />;
        })}
        <path d={all} className="kpo-chart-all" vectorEffect="non-scaling-stroke" />
        <path d={network} className="kpo-chart-network" vectorEffect="non-scaling-stroke" />
      </svg>
      <figcaption className="kpo-chart-legend">
        <span>
          <i className="kpo-swatch kpo-swatch-network" aria-hidden="true" /> network p95
        </span>
        <span>
          <i className="kpo-swatch kpo-swatch-all" aria-hidden="true" /> all p95
        </span>
        <span className="kpo-muted">
          0–{formatMs(maxY)} · last {spanText}
        </span>
      </figcaption>
    </figure>
  );
}
