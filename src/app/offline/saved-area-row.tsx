import type { SavedArea } from 'kestrel-maps';
import { formatBytes, formatCount, formatPercentWhole, savedPercent, statusText } from './offline-format.ts';

export type AreaAction = 'pause' | 'resume' | 'cancel' | 'delete';

export interface SavedAreaRowProps {
  area: SavedArea;
  onAction: (action: AreaAction, area: SavedArea) => void;
}

// One saved area: status, a progress bar, counts, and the actions its status allows.
export function SavedAreaRow({ area, onAction }: SavedAreaRowProps) {
  const percent = savedPercent(area);
  const running = area.status === 'queued' || area.status === 'downloading';
  const finished = area.status === 'done' || area.status === 'failed';
  const button = (action: AreaAction, label: string, verb: string) => (
    <button type="button" className="kof-small" aria-label={`${verb} ${area.name}`} data-testid={`offline-area-${action}`} onClick={() => onAction(action, area)}>
      {label}
    </button>
  );
  return (
    <li className="kof-area" data-testid="offline-area" data-area-id={area.id} data-status={area.status}>
      <div className="kof-area-head">
        <span className="kof-area-name">{area.name}</span>
        <span className={`kof-status kof-status-${area.status}`} data-testid="offline-area-status">
          {statusText(area.status)}
        </span>
      </div>
      <div
        className="kof-progress"
        role="progressbar"
        aria-label={`${area.name}: tiles saved`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={`${formatPercentWhole(percent)} (${formatCount(area.done)} of ${formatCount(area.total)} tiles)`}
        data-testid="offline-area-progress"
      >
        <div className="kof-progress-fill" style={{ width: `${percent}%` }} />
      </div>
      <div className="kof-area-counts" data-testid="offline-area-counts">
        {formatCount(area.done)} / {formatCount(area.total)} tiles · {formatBytes(area.bytes)} · z{area.minZoom}–{area.maxZoom}
        {area.failed > 0 && <span className="kof-failed"> · {formatCount(area.failed)} failed</span>}
      </div>
      {area.detail && area.status !== 'done' && (
        <div className="kof-detail" data-testid="offline-area-detail">
          {area.detail}
        </div>
      )}
      <div className="kof-actions">
        {running && button('pause', 'Pause', 'Pause saving')}
        {(area.status === 'paused' || area.status === 'failed') && button('resume', area.status === 'failed' ? 'Retry' : 'Resume', area.status === 'failed' ? 'Retry failed tiles of' : 'Resume saving')}
        {!finished && button('cancel', 'Cancel', 'Cancel saving')}
        {button('delete', 'Delete', 'Delete saved area')}
      </div>
    </li>
  );
}
