import { isTextEntry } from './text-entry.ts';

// Shift+P toggles the overlay. Ignored while typing (a search box, the style editor) and with other modifiers,
// which belong to the browser (Ctrl+Shift+P is Chrome's command menu in devtools, Cmd+Shift+P private window).
export function isToggleShortcut(event: {
  key: string;
  shiftKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  repeat?: boolean;
  target?: unknown;
}): boolean {
  if (!event.shiftKey || event.ctrlKey || event.metaKey || event.altKey || event.repeat) return false;
  if (event.key !== 'P' && event.key !== 'p') return false;
  return !isTextEntry(event.target);
}
