import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../test/fake-clock.ts';
import { throttle, UPDATE_INTERVAL_MS } from './tile-sources-layer.ts';

describe('tile-sources layer: the redraw throttle', () => {
  it('runs once for a burst of schedules, and at most every interval while events keep coming', async () => {
    const clock = new FakeClock();
    let runs = 0;
    const redraw = throttle(() => runs++, UPDATE_INTERVAL_MS, clock);
    redraw.schedule();
    redraw.schedule();
    await clock.advance(0);
    expect(runs).toBe(1);
    // a `move` every 16 ms for one second: about 4 redraws, never more than one per interval
    for (let t = 0; t < 1000; t += 16) {
      redraw.schedule();
      await clock.advance(16);
    }
    expect(runs).toBeGreaterThanOrEqual(4);
    expect(runs).toBeLessThanOrEqual(1 + Math.ceil(1000 / UPDATE_INTERVAL_MS));
  });

  it('runs nothing after cancel', async () => {
    const clock = new FakeClock();
    let runs = 0;
    const redraw = throttle(() => runs++, UPDATE_INTERVAL_MS, clock);
    redraw.schedule();
    await clock.advance(0);
    redraw.schedule();
    redraw.cancel();
    await clock.advance(1000);
    expect(runs).toBe(1);
  });
});
