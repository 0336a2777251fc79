import { useEffect, useId, useRef } from 'react';
import { SHORTCUT_LIST, shortcutFor } from './shortcut-for.ts';
import './keyboard-shortcuts.css';

export interface KeyboardShortcutsProps {
  /** Where `/` sends focus: the search box's input. */
  focusSearch(): void;
}

/**
 * Page-wide shortcuts, and the list `?` opens: a modal `<dialog>` (focus moves into it and stays there, Escape
 * closes it and focus returns to where it was, as the browser does for `showModal()`).
 */
export function KeyboardShortcuts({ focusSearch }: KeyboardShortcutsProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const shortcut = shortcutFor(e);
      if (!shortcut || dialog.current?.open) return;
      e.preventDefault();
      if (shortcut === 'show-shortcuts') dialog.current?.showModal();
      else focusSearch();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [focusSearch]);

  return (
    <dialog ref={dialog} className="kks" aria-labelledby={titleId} data-testid="keyboard-shortcuts">
      <div className="kks-header">
        <h2 id={titleId}>Keyboard shortcuts</h2>
        <button type="button" className="kks-close" aria-label="Close" onClick={() => dialog.current?.close()}>
          ×
        </button>
      </div>
      <table className="kks-table">
        <tbody>
          {SHORTCUT_LIST.map(({ keys, action }) => (
            <tr key={action}>
              <th scope="row">
                {keys.map((k, i) => (
                  <span key={k}>
                    {i > 0 && ' '}
                    <kbd>{k}</kbd>
                  </span>
                ))}
              </th>
              <td>{action}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </dialog>
  );
}
