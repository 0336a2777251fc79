import { describe, expect, it } from 'vitest';
import { NoticeBoard } from './notices.ts';

describe('NoticeBoard', () => {
  it('replaces a notice with the same key instead of stacking it', () => {
    const board = new NoticeBoard();
    board.show({ key: 'net', level: 'warn', text: 'a' });
    board.show({ key: 'net', level: 'error', text: 'b' });
    expect(board.list()).toEqual([{ key: 'net', level: 'error', text: 'b' }]);
  });
  it('notifies subscribers only when something changed', () => {
    const board = new NoticeBoard();
    let calls = 0;
    board.subscribe(() => calls++);
    board.show({ key: 'k', level: 'info', text: 't' });
    board.show({ key: 'k', level: 'info', text: 't' });
    board.clear('k');
    board.clear('k');
    expect(calls).toBe(2);
  });
  it('keeps a notice with an action, and replaces it when the action changes', () => {
    const board = new NoticeBoard();
    let calls = 0;
    board.subscribe(() => calls++);
    let reloads = 0;
    board.show({ key: 'update', level: 'info', text: 'New version available.', action: { label: 'Reload', run: () => reloads++ } });
    board.show({ key: 'update', level: 'info', text: 'New version available.', action: { label: 'Reload', run: () => reloads++ } });
    board.show({ key: 'update', level: 'info', text: 'New version available.' });
    expect(calls).toBe(2);
    expect(board.list()[0].action).toBeUndefined();
    expect(reloads).toBe(0);
  });
});
