import { memo } from 'react';
import type { BudgetMetric, BudgetStatus, Budgets } from './budgets.ts';
import { Figure } from './figure.tsx';
import { formatBytes, formatCount, formatFps, formatMs, formatScore } from './format.ts';
import { FigureRow, OverlaySection } from './overlay-section.tsx';
import type { PageHealthSnapshot, VitalName, VitalsSnapshot } from './overlay-types.ts';

const VITALS: ReadonlyArray<{ name: VitalName; metric: BudgetMetric; format: (v: number | null) => string }> = [
  { name: 'LCP', metric: 'lcp', format: formatMs },
  { name: 'INP', metric: 'inp', format: formatMs },
  { name: 'CLS', metric: 'cls', format: formatScore },
  { name: 'FCP', metric: 'fcp', format: formatMs },
  { name: 'TTFB', metric: 'ttfb', format: formatMs },
];

// memo: the panel hands over structurally stable props, so an idle engine costs no re-render here
export const PageHealthSection = memo(function PageHealthSection({ vitals, health, statuses, budgets }: {
  vitals: VitalsSnapshot;
  health: PageHealthSnapshot;
  statuses: Record<BudgetMetric, BudgetStatus>;
  budgets: Budgets;
}) {
  return (
    <OverlaySection title="Page health" testId="overlay-section-page">
      <dl className="kpo-grid">
        {VITALS.map(({ name, metric, format }) => {
          const reading = vitals[name];
          const key = name.toLowerCase();
          return (
            <FigureRow key={name} label={name}>
              <Figure
                testId={`overlay-vitals-${key}`}
                text={format(reading?.value ?? null)}
                value={reading?.value ?? null}
                status={statuses[metric]}
                title={`budget: amber > ${format(budgets[metric].warn)}, red > ${format(budgets[metric].bad)}`}
              />
              <span className="kpo-sub" data-testid={`overlay-vitals-${key}-rating`} data-value={reading?.rating ?? ''}>
                {reading ? reading.rating : name === 'INP' ? 'waiting for an interaction' : 'not reported yet'}
              </span>
            </FigureRow>
          );
        })}
        <FigureRow label="frame rate">
          <Figure
            testId="overlay-page-fps"
            text={formatFps(health.fps)}
            value={health.fps}
            status={statuses.fps}
            title={`requestAnimationFrame rate over the last ${formatMs(health.fpsWindowMs)}; budget: amber < ${budgets.fps.warn}, red < ${budgets.fps.bad}`}
          />
        </FigureRow>
        <FigureRow label="long tasks">
          {health.longTasks.supported ? (
            <>
              <Figure testId="overlay-page-long-tasks" text={formatCount(health.longTasks.count)} value={health.longTasks.count} />
              <span className="kpo-sub">
                total <Figure testId="overlay-page-long-task-total" text={formatMs(health.longTasks.totalMs)} value={health.longTasks.totalMs} />
                {' · '}max <Figure testId="overlay-page-long-task-max" text={formatMs(health.longTasks.maxMs)} value={health.longTasks.maxMs} />
              </span>
            </>
          ) : (
            <span className="kpo-muted" data-testid="overlay-page-long-tasks" data-value="">
              not measurable in this browser
            </span>
          )}
        </FigureRow>
        <FigureRow label="JS heap">
          {health.heap ? (
            <>
              <Figure testId="overlay-page-heap" text={formatBytes(health.heap.usedBytes)} value={health.heap.usedBytes} />
              <span className="kpo-sub">
                of <Figure testId="overlay-page-heap-limit" text={formatBytes(health.heap.limitBytes)} value={health.heap.limitBytes} />
              </span>
            </>
          ) : (
            <span className="kpo-muted" data-testid="overlay-page-heap" data-value="">
              not exposed by this browser
            </span>
          )}
        </FigureRow>
      </dl>
    </OverlaySection>
  );
});
