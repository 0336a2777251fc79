import { describe as suite, expect, it } from 'vitest';
import type { EngineStats } from '../../contract/engine-api.ts';
import { NoticeBoard } from '../notices.ts';
import { makeStats } from '../overlay/overlay-fixture.ts';
import { describe } from './engine-health.ts';

function healthy(): EngineStats {
  return { ...makeStats(), breakers: {} };
}

function after(previous: EngineStats, change: { failed?: number; offline?: number; network?: number }): EngineStats {
  const next = structuredClone(previous);
  next.requests.failed += (change.failed ?? 0) + (change.offline ?? 0);
  next.failures.offline = (previous.failures.offline ?? 0) + (change.offline ?? 0);
  next.cache.hits.network += change.network ?? 0;
  return next;
}

suite('engine health notices', () => {
  it('says the tile server is not answering when requests fail and none succeed', () => {
    const notices = new NoticeBoard();
    const before = healthy();
    describe(after(before, { failed: 3 }), before, notices);
    expect(notices.list().map((n) => n.key)).toEqual(['network']);
  });

  it('leaves that to the offline notice while the device is offline', () => {
    const notices = new NoticeBoard();
    const before = healthy();
    describe(after(before, { failed: 3 }), before, notices);
    describe(after(before, { failed: 3 }), before, notices, false);
    expect(notices.list()).toEqual([]);
  });

  it('does not blame the server for failures that were the device being offline', () => {
    const notices = new NoticeBoard();
    const before = healthy();
    describe(after(before, { offline: 4 }), before, notices);
    expect(notices.list()).toEqual([]);
  });
});
