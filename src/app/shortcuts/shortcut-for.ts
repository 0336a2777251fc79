import { isTextEntry } from 'kestrel-maps';

/** A page-wide shortcut of the viewer. */
export type Shortcut = 'show-shortcuts' | 'focus-search';

interface KeyEventLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  target?: unknown;
}

/**
 * The shortcut a key press means, if any: `?` lists the shortcuts, `/` goes to the search box. Ignored while typing
 * in a field and with Ctrl, Cmd or Alt (the browser's). Shift is allowed: `?` needs it on most layouts.
 */
export function shortcutFor(event: KeyEventLike): Shortcut | undefined {
  if (event.ctrlKey || event.metaKey || event.altKey || isTextEntry(event.target)) return undefined;
  if (event.key === '?') return 'show-shortcuts';
  if (event.key === '/') return 'focus-search';
  return undefined;
}

/** The list the `?` dialog shows, in the order a newcomer needs them. */
export const SHORTCUT_LIST: ReadonlyArray<{ keys: string[]; action: string }> = [
  { keys: ['/'], action: 'Search places' },
  { keys: ['↑', '↓'], action: 'Move through search results (Enter flies there)' },
  { keys: ['Esc'], action: 'Close the search results, a panel or this list' },
  { keys: ['?'], action: 'Show this list' },
  { keys: ['Shift', 'P'], action: 'Show or hide the performance overlay' },
  { keys: ['←', '→', '↑', '↓'], action: 'Pan the map (when the map has focus)' },
  { keys: ['+', '−'], action: 'Zoom in or out (when the map has focus)' },
  { keys: ['Shift', '←', '→'], action: 'Rotate the map (when the map has focus)' },
  { keys: ['Shift', '↑', '↓'], action: 'Tilt the map (when the map has focus)' },
];
