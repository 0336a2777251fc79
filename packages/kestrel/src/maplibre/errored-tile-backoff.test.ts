import { describe, expect, it } from 'vitest';
import { ErroredTileBackoff, failureReasonOf } from './errored-tile-backoff.ts';

// random() = 1: every delay is its ceiling, so the schedule can be read off exactly.
const make = () => new ErroredTileBackoff({ baseMs: 3000, capMs: 30_000, permanentBaseMs: 10_000, permanentCapMs: 300_000, random: () => 1 });
const calm = { openHosts: new Set<string>(), networkAnswered: false };

// Asks every second for `seconds` seconds; returns the times (s) the tile was retried.
function retriesOver(backoff: ErroredTileBackoff, seconds: number, tile = { id: 's/1/0/0', host: 'a.test' }, context = calm): number[] {
  const at: number[] = [];
  for (let s = 0; s <= seconds; s++) if (backoff.due([tile], s * 1000, context).length > 0) at.push(s);
  return at;
}

describe('ErroredTileBackoff', () => {
  it('retries a transient failure at once, then doubling up to its cap', () => {
    expect(retriesOver(make(), 120)).toEqual([0, 3, 9, 21, 45, 75, 105]);
  });

  it('waits much longer for a refusal the server will repeat (a 403, an HTML page, an oversized body)', () => {
    for (const reason of ['http-4xx', 'html-body', 'oversized', 'garbage', 'cors']) {
      const backoff = make();
      backoff.noteFailure('s/1/0/0', reason);
      expect(retriesOver(backoff, 600), reason).toEqual([0, 10, 30, 70, 150, 310]);
    }
  });

  it('costs a refused tile about 1 % of what retrying every 3 s did over an hour', () => {
    const backoff = make();
    backoff.noteFailure('s/1/0/0', 'oversized');
    const everyThreeSeconds = 3600 / 3;
    expect(retriesOver(backoff, 3600).length / everyThreeSeconds).toBeLessThan(0.02);
  });

  it('skips only the hosts whose breaker is open; the others carry on', () => {
    const backoff = make();
    const tiles = [{ id: 'a/1/0/0', host: 'down.test' }, { id: 'b/1/0/0', host: 'up.test' }];
    expect(backoff.due(tiles, 0, { openHosts: new Set(['down.test']), networkAnswered: false })).toEqual(['b/1/0/0']);
    // the breaker closed: the waiting tile is asked at once, it spent no attempt while the host was shut
    expect(backoff.due(tiles, 1000, calm)).toEqual(['a/1/0/0']);
  });

  it('retries transient failures at once when the network has just answered (the server is back)', () => {
    const backoff = make();
    backoff.noteFailure('s/1/0/1', 'http-4xx');
    const tiles = [{ id: 's/1/0/0' }, { id: 's/1/0/1' }];
    expect(backoff.due(tiles, 0, calm)).toEqual(['s/1/0/0', 's/1/0/1']);
    expect(backoff.due(tiles, 1000, calm)).toEqual([]);
    expect(backoff.due(tiles, 2000, { openHosts: new Set(), networkAnswered: true })).toEqual(['s/1/0/0']);
  });

  it('forgets a tile that loaded or left the view, so a new failure starts from the beginning', () => {
    const backoff = make();
    const tile = { id: 's/1/0/0' };
    backoff.due([tile], 0, calm);
    backoff.due([tile], 3000, calm);
    expect(backoff.due([], 4000, calm)).toEqual([]);
    expect(backoff.size).toBe(0);
    expect(backoff.due([tile], 5000, calm)).toEqual(['s/1/0/0']);
  });
});

describe('failureReasonOf', () => {
  it('reads the reason the engine and the bridge put in a tile error', () => {
    expect(failureReasonOf('Tile failed (http-4xx): HTTP 403')).toBe('http-4xx');
    expect(failureReasonOf('Tile failed (unreadable-error): …')).toBe('unreadable-error');
    expect(failureReasonOf('AJAXError: Not Found (404)')).toBeUndefined();
    expect(failureReasonOf(undefined)).toBeUndefined();
  });
});
