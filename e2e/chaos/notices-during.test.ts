import { describe, expect, it } from 'vitest';
import { noticesDuring } from './chaos-verdict.ts';

const shown = (key: string, wall: number) => ({ key, text: key, at: 0, wall });
const gone = (key: string, wall: number) => ({ key, text: '', at: 0, wall, gone: true });

describe('noticesDuring (what the page stated during a phase)', () => {
  it('counts a notice that appeared during the phase', () => {
    expect(noticesDuring([{ takenAt: 500, notices: [shown('network', 150)] }], 100, 200)).toEqual(['network']);
  });

  it('counts a notice already on screen when the phase began and still up', () => {
    expect(noticesDuring([{ takenAt: 500, notices: [shown('network', 50)] }], 100, 200)).toEqual(['network']);
  });

  it('does not count a notice that went away before the phase', () => {
    expect(noticesDuring([{ takenAt: 500, notices: [shown('network', 50), gone('network', 90)] }], 100, 200)).toEqual([]);
  });

  it('does not count a notice of a page that was gone before the phase began', () => {
    expect(noticesDuring([{ takenAt: 95, notices: [shown('network', 50)] }], 100, 200)).toEqual([]);
  });

  it('does not count one that appeared after the phase', () => {
    expect(noticesDuring([{ takenAt: 500, notices: [shown('engine', 300)] }], 100, 200)).toEqual([]);
  });
});
