import { useEffect, useId, useRef, useState, useSyncExternalStore } from 'react';
import { SavedAreaRow, type AreaAction } from './saved-area-row.tsx';
import { defaultAreaName, defaultZoomRange, editZoomRange, formatBytes, formatCount, formatKm2, type ZoomRange } from './offline-format.ts';
import type { OfflineSource } from './offline-types.ts';
import { useAreaPlan } from './use-area-plan.ts';
import { useSavedAreas } from './use-saved-areas.ts';
import './offline.css';

export interface OfflineControlProps {
  source: OfflineSource;
}

// Bottom right, above the attribution: a button that opens the "save for offline" panel. The plan (tile count,
// estimated size, or why not) shows before anything is downloaded; saved areas poll their progress while open.
export function OfflineControl({ source }: OfflineControlProps) {
  const [open, setOpen] = useState(false);
  const view = useSyncExternalStore(source.view.subscribe, source.view.current);
  const maxZoom = view?.maxZoom ?? 22;
  // Follows the map's zoom until the user picks a range.
  const [picked, setPicked] = useState<ZoomRange>();
  const range = picked ?? defaultZoomRange(view?.zoom ?? 0, maxZoom);
  const [name, setName] = useState('');
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string>();
  const plan = useAreaPlan(source.areas, view?.bbox, range.minZoom, range.maxZoom, open);
  const { areas, refresh } = useSavedAreas(source.areas, open);
  const openerRef = useRef<HTMLButtonElement>(null);
  const panelId = useId();
  const titleId = useId();

  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      setOpen(false);
      openerRef.current?.focus();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [open]);

  const ready = plan.state === 'ready' ? plan.plan : undefined;
  const refused = ready?.refused;
  const canSave = !!view && !!ready && !refused && !saving;

  const save = async () => {
    if (!view || !canSave) return;
    setSaving(true);
    setError(undefined);
    try {
      await source.areas.save({ name: name.trim() || defaultAreaName(view.center, view.zoom), bbox: view.bbox, ...range });
      setName('');
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setSaving(false);
      refresh();
    }
  };

  const act = (action: AreaAction, area: { id: string }) => {
    const { areas: api } = source;
    const done =
      action === 'pause'
        ? api.pause(area.id)
        : action === 'resume'
          ? api.resume(area.id)
          : action === 'cancel'
            ? api.cancel(area.id)
            : api.delete(area.id);
    void done.catch(() => undefined).finally(refresh);
  };

  return (
    <>
      <button
        ref={openerRef}
        type="button"
        className="kof-opener"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((o) => !o)}
        data-testid="offline-open-button"
      >
        Offline
      </button>
      {open && (
        <section id={panelId} className="kof-panel" role="dialog" aria-labelledby={titleId} data-testid="offline-panel">
          <header className="kof-header">
            <h2 id={titleId}>Save for offline use</h2>
            <button type="button" className="kof-close" aria-label="Close the offline panel" onClick={() => setOpen(false)} data-testid="offline-close">
              ×
            </button>
          </header>
          <form
            className="kof-form"
            onSubmit={(e) => {
              e.preventDefault();
              void save();
            }}
          >
            <p className="kof-hint">Save current view</p>
            <div className="kof-row">
              <label>
                From zoom
                <input
                  type="number"
                  min={0}
                  max={maxZoom}
                  step={1}
                  value={range.minZoom}
                  onChange={(e) => setPicked(editZoomRange(range, 'minZoom', e.target.valueAsNumber, maxZoom))}
                  data-testid="offline-min-zoom"
                />
              </label>
              <label>
                to
                <input
                  type="number"
                  min={0}
                  max={maxZoom}
                  step={1}
                  value={range.maxZoom}
                  onChange={(e) => setPicked(editZoomRange(range, 'maxZoom', e.target.valueAsNumber, maxZoom))}
                  data-testid="offline-max-zoom"
                />
              </label>
            </div>
            <label className="kof-name">
              Name
              <input
                type="text"
                value={name}
                maxLength={80}
                placeholder={view ? defaultAreaName(view.center, view.zoom) : ''}
                onChange={(e) => setName(e.target.value)}
                data-testid="offline-name"
              />
            </label>
            <p className="kof-estimate" aria-live="polite" data-testid="offline-estimate" data-state={plan.state}>
              {plan.state === 'ready' &&
                `${formatCount(plan.plan.tiles)} tiles · about ${formatBytes(plan.plan.estimatedBytes)} · ${formatKm2(plan.plan.areaKm2)}`}
              {(plan.state === 'planning' || plan.state === 'idle') && 'Counting tiles…'}
              {plan.state === 'error' && `Could not plan this area: ${plan.message}`}
            </p>
            {refused && (
              <p className="kof-refusal" role="alert" data-testid="offline-refusal">
                {refused}
              </p>
            )}
            {error && (
              <p className="kof-refusal" role="alert" data-testid="offline-save-error">
                {error}
              </p>
            )}
            <button type="submit" className="kof-save" disabled={!canSave} data-testid="offline-save">
              {saving ? 'Saving…' : 'Save'}
            </button>
          </form>
          <h3 className="kof-subtitle">Saved areas</h3>
          {areas && areas.length === 0 && <p className="kof-empty">None yet.</p>}
          <ul className="kof-areas" data-testid="offline-areas">
            {areas?.map((area) => <SavedAreaRow key={area.id} area={area} onAction={act} />)}
          </ul>
        </section>
      )}
    </>
  );
}
