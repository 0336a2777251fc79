import { memo } from 'react';
import type { EngineStats } from '../contract/engine-api.ts';
import type { SharingStats } from '../contract/engine-hub.ts';
import { Figure } from './figure.tsx';
import { formatCount, formatPercent } from './format.ts';
import { FigureRow, OverlaySection } from './overlay-section.tsx';

const MODE_TEXT: Record<SharingStats['mode'], string> = { off: 'this tab only', 'shared-worker': 'shared (SharedWorker)', leader: 'shared (leader tab)' };

function memoryShare(hits: { memory: number; idb: number; network: number }): number | null {
  const total = hits.memory + hits.idb + hits.network;
  return total > 0 ? hits.memory / total : null;
}

// Whose figures are whose: every other section shows the engine as a whole (all the tabs it serves); this one puts
// this tab's share beside it.
export const TabsSection = memo(function TabsSection({ sharing, engineHits, engineRequests }: {
  sharing: SharingStats;
  engineHits: EngineStats['cache']['hits'];
  engineRequests: number;
}) {
  const tab = sharing.tab;
  const tabShare = tab ? memoryShare(tab.hits) : null;
  const engineShare = memoryShare(engineHits);
  return (
    <OverlaySection title="Tabs" testId="overlay-section-tabs">
      <dl className="kpo-grid">
        <FigureRow label="engine">
          <Figure testId="overlay-tabs-mode" text={MODE_TEXT[sharing.mode]} value={sharing.mode} />
          <span className="kpo-sub">
            tabs <Figure testId="overlay-tabs-count" text={formatCount(sharing.tabs)} value={sharing.tabs} />
          </span>
        </FigureRow>
        <FigureRow label="requests tab / all">
          <Figure testId="overlay-tabs-tab-requests" text={formatCount(tab?.requests ?? 0)} value={tab?.requests ?? 0} />
          {' / '}
          <Figure testId="overlay-tabs-engine-requests" text={formatCount(engineRequests)} value={engineRequests} />
        </FigureRow>
        <FigureRow label="memory hits tab / all">
          <Figure testId="overlay-tabs-tab-memory-share" text={formatPercent(tabShare)} value={tabShare} />
          {' / '}
          <Figure testId="overlay-tabs-engine-memory-share" text={formatPercent(engineShare)} value={engineShare} />
        </FigureRow>
      </dl>
    </OverlaySection>
  );
});
