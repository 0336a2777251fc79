export interface PanelPosition {
  // px from the viewport's top-left corner to the panel's
  x: number;
  y: number;
}

export interface OverlayPrefs {
  open: boolean;
  collapsed: boolean;
  // null: the default spot (top right, clear of MapLibre's zoom buttons)
  position: PanelPosition | null;
}

export const PREFS_STORAGE_KEY = 'kestrel.perf.overlay';

export const DEFAULT_PREFS: OverlayPrefs = { open: false, collapsed: false, position: null };

type ReadableStorage = Pick<Storage, 'getItem'>;
type WritableStorage = Pick<Storage, 'setItem'>;

// Reads whatever valid fields were stored; a corrupt or foreign value falls back field by field.
export function loadPrefs(storage: ReadableStorage | undefined): Partial<OverlayPrefs> {
  let raw: unknown;
  try {
    raw = JSON.parse(storage?.getItem(PREFS_STORAGE_KEY) ?? 'null');
  } catch {
    return {};
  }
  if (typeof raw !== 'object' || raw === null) return {};
  const record = raw as Record<string, unknown>;
  const prefs: Partial<OverlayPrefs> = {};
  if (typeof record.open === 'boolean') prefs.open = record.open;
  if (typeof record.collapsed === 'boolean') prefs.collapsed = record.collapsed;
  if (record.position === null) prefs.position = null;
  else if (isPosition(record.position)) prefs.position = { x: record.position.x, y: record.position.y };
  return prefs;
}

export function savePrefs(storage: WritableStorage | undefined, prefs: OverlayPrefs): void {
  try {
    storage?.setItem(PREFS_STORAGE_KEY, JSON.stringify(prefs));
  } catch {
    // quota or privacy mode: the overlay still works, it just forgets its place on reload
  }
}

// `?perf=1` (or `on`, `true`, the spellings src/app/url-options.ts accepts) opens the overlay for this load;
// `?perf=0` (`off`, `false`) keeps it closed; anything else: no opinion.
export function perfParam(search: string): boolean | null {
  const value = (new URLSearchParams(search).get('perf') ?? '').toLowerCase();
  if (['1', 'on', 'true'].includes(value)) return true;
  if (['0', 'off', 'false'].includes(value)) return false;
  return null;
}

// The URL wins (a shared link should show what it promises), then what the user last did, then the app's default.
export function initialPrefs(stored: Partial<OverlayPrefs>, urlOpen: boolean | null, initiallyOpen: boolean | undefined): OverlayPrefs {
  return {
    open: urlOpen ?? stored.open ?? initiallyOpen ?? DEFAULT_PREFS.open,
    collapsed: stored.collapsed ?? DEFAULT_PREFS.collapsed,
    position: stored.position ?? DEFAULT_PREFS.position,
  };
}

// Keeps at least `grip` px of the panel (its header) inside the viewport, so a panel dragged off-screen or
// restored on a smaller window can always be grabbed again.
export function clampPosition(
  position: PanelPosition,
  panel: { width: number; height: number },
  viewport: { width: number; height: number },
  grip = 48,
): PanelPosition {
  const minX = Math.min(0, grip - panel.width);
  const maxX = Math.max(minX, viewport.width - grip);
  const maxY = Math.max(0, viewport.height - Math.min(grip, panel.height));
  return {
    x: Math.round(Math.min(Math.max(position.x, minX), maxX)),
    y: Math.round(Math.min(Math.max(position.y, 0), maxY)),
  };
}

function isPosition(value: unknown): value is PanelPosition {
  if (typeof value !== 'object' || value === null) return false;
  const { x, y } = value as Record<string, unknown>;
  return typeof x === 'number' && typeof y === 'number' && Number.isFinite(x) && Number.isFinite(y);
}
