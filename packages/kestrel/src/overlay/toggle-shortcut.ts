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
  return !isEditable(event.target);
}

function isEditable(target: unknown): boolean {
  if (typeof target !== 'object' || target === null) return false;
  const element = target as { tagName?: unknown; isContentEditable?: unknown; type?: unknown };
  if (element.isContentEditable === true) return true;
  const tag = typeof element.tagName === 'string' ? element.tagName.toUpperCase() : '';
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  // checkboxes and buttons do not take text, so the shortcut still works when one has focus
  return tag === 'INPUT' && !['checkbox', 'radio', 'button', 'submit', 'reset', 'range'].includes(String(element.type));
}
