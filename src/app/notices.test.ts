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
});
