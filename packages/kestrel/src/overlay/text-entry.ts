/**
 * Whether a key event's target takes typed text (a text input, a textarea, a select, an editable element), so a
 * single-key shortcut must leave the key alone. Checkboxes, radios, buttons and ranges take no text: a shortcut still
 * works while one has focus. Exported for an app's own shortcuts, so they ignore typing as the overlay's Shift+P does.
 */
export function isTextEntry(target: unknown): boolean {
  if (typeof target !== 'object' || target === null) return false;
  const element = target as { tagName?: unknown; isContentEditable?: unknown; type?: unknown };
  if (element.isContentEditable === true) return true;
  const tag = typeof element.tagName === 'string' ? element.tagName.toUpperCase() : '';
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  return tag === 'INPUT' && !['checkbox', 'radio', 'button', 'submit', 'reset', 'range'].includes(String(element.type));
}
