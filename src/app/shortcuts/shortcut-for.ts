/** A page-wide shortcut of the viewer. */
export type Shortcut = 'show-shortcuts' | 'focus-search';

interface KeyEventLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  target?: unknown;
}

// A key typed into a text field is text, not a command ("?" in a search, "/" in a name).
function isTextField(target: unknown): boolean {
  if (typeof target !== 'object' || target === null) return false;
  const element = target as { tagName?: unknown; isContentEditable?: unknown; type?: unknown };
  if (element.isContentEditable === true) return true;
  const tag = typeof element.tagName === 'string' ? element.tagName.toUpperCase() : '';
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  return tag === 'INPUT' && !['checkbox', 'radio', 'button', 'submit', 'reset', 'range'].includes(String(element.type));
}

/**
 * The shortcut a key press means, if any: `?` lists the shortcuts, `/` goes to the search box. Ignored while typing
 * in a field and with Ctrl, Cmd or Alt (the browser's). Shift is allowed: `?` needs it on most layouts.
 */
export function shortcutFor(event: KeyEventLike): Shortcut | undefined {
  if (event.ctrlKey || event.metaKey || event.altKey || isTextField(event.target)) return undefined;
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
