import { useState } from 'react';
import { copyText, downloadText } from './export-actions.ts';
import { exportFileName, snapshotToJson } from './export-snapshot.ts';
import type { OverlaySnapshot } from './overlay-types.ts';
import { PROMETHEUS_CONTENT_TYPE, toPrometheus } from './prometheus.ts';

// Exports the snapshot on screen (not a fresh pull), so the file matches what the user was looking at.
export function ExportControls({ snapshot }: { snapshot: OverlaySnapshot | null }) {
  const [message, setMessage] = useState('');
  const disabled = snapshot === null;

  const copy = async () => {
    if (!snapshot) return;
    setMessage((await copyText(snapshotToJson(snapshot))) ? 'Copied JSON' : 'Copy failed: use Download JSON');
  };
  const download = (kind: 'json' | 'prom') => {
    if (!snapshot) return;
    const ok =
      kind === 'json'
        ? downloadText(snapshotToJson(snapshot), exportFileName(snapshot.takenAt, 'json'), 'application/json')
        : downloadText(toPrometheus(snapshot), exportFileName(snapshot.takenAt, 'prom'), PROMETHEUS_CONTENT_TYPE);
    setMessage(ok ? `Saved ${kind === 'json' ? 'JSON' : 'Prometheus text'}` : 'Download failed');
  };

  return (
    <div className="kpo-export" role="group" aria-label="Export the current snapshot">
      <button type="button" onClick={() => void copy()} disabled={disabled} data-testid="overlay-export-copy">
        Copy JSON
      </button>
      <button type="button" onClick={() => download('json')} disabled={disabled} data-testid="overlay-export-json">
        Download JSON
      </button>
      <button
        type="button"
        onClick={() => download('prom')}
        disabled={disabled}
        data-testid="overlay-export-prometheus"
        aria-label="Download Prometheus text exposition"
      >
        Prometheus
      </button>
      <span className="kpo-export-status" role="status" aria-live="polite" data-testid="overlay-export-status">
        {message}
      </span>
    </div>
  );
}
