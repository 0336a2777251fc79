// Non-blocking messages for the user (style failed, tile server unreachable, offline…), keyed so a condition
// that persists updates one notice instead of stacking new ones.
export interface Notice {
  key: string;
  level: 'info' | 'warn' | 'error';
  text: string;
  // one button beside the text (e.g. "Reload" for a new version); the notice stays until its condition clears
  action?: NoticeAction;
}

export interface NoticeAction {
  label: string;
  run: () => void;
}

export class NoticeBoard {
  private notices: Notice[] = [];
  private listeners = new Set<() => void>();

  show(notice: Notice): void {
    const current = this.notices.find((n) => n.key === notice.key);
    if (current && current.text === notice.text && current.level === notice.level && current.action?.label === notice.action?.label) return;
    this.notices = [...this.notices.filter((n) => n.key !== notice.key), notice];
    this.emit();
  }

  clear(key: string): void {
    if (!this.notices.some((n) => n.key === key)) return;
    this.notices = this.notices.filter((n) => n.key !== key);
    this.emit();
  }

  list = (): Notice[] => this.notices;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private emit(): void {
    for (const listener of this.listeners) listener();
  }
}
