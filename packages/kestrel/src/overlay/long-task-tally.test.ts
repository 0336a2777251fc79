import { describe, expect, it } from 'vitest';
import { addLongTask, emptyLongTasks } from './long-task-tally.ts';

describe('addLongTask', () => {
  it('counts, sums and keeps the longest task', () => {
    let tally = emptyLongTasks(true);
    for (const ms of [60, 250, 90]) tally = addLongTask(tally, ms);
    expect(tally).toEqual({ supported: true, count: 3, totalMs: 400, maxMs: 250 });
  });
  it('ignores nonsense durations', () => {
    const tally = emptyLongTasks(true);
    expect(addLongTask(tally, Number.NaN)).toBe(tally);
    expect(addLongTask(tally, -1)).toBe(tally);
  });
});
