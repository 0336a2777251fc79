import { describe, expect, it } from 'vitest';
import { TileSourceLog, tileSourceOf } from './tile-source-log.ts';

const at = (z: number, x: number, y: number, source = 'a.test/tiles') => ({ url: `https://${source}/${z}/${x}/${y}.pbf`, source, coord: { z, x, y } });

describe('TileSourceLog', () => {
  it('names a prefetched cache answer "prefetched" whatever tier held it, and any other answer by its tier', () => {
    expect(tileSourceOf({ tier: 'idb', prefetched: true })).toBe('prefetched');
    expect(tileSourceOf({ tier: 'memory' })).toBe('memory');
    expect(tileSourceOf({ tier: 'network', prefetched: false })).toBe('network');
  });

  it('keeps the latest answer per address and source', () => {
    const log = new TileSourceLog();
    log.record(at(3, 1, 2), { tier: 'network' });
    log.record(at(3, 1, 2), { tier: 'memory' });
    expect(log.lookup(['3/1/2'])).toEqual({ '3/1/2': 'memory' });
  });

  it('reports the slowest source when several sources answered one address', () => {
    const log = new TileSourceLog();
    log.record(at(3, 1, 2, 'a.test/vector'), { tier: 'memory' });
    log.record(at(3, 1, 2, 'a.test/raster'), { tier: 'idb', prefetched: true });
    expect(log.lookup(['3/1/2'])).toEqual({ '3/1/2': 'prefetched' });
    log.record(at(3, 1, 2, 'b.test/hillshade'), { tier: 'network' });
    expect(log.lookup(['3/1/2'])).toEqual({ '3/1/2': 'network' });
  });

  it('leaves out addresses it never saw, and ignores answers without an address', () => {
    const log = new TileSourceLog();
    log.record({ url: 'https://a.test/style-tile' }, { tier: 'network' });
    expect(log.size).toBe(0);
    expect(log.lookup(['0/0/0'])).toEqual({});
  });

  it('forgets the least recently answered address once over capacity', () => {
    const log = new TileSourceLog(2);
    log.record(at(1, 0, 0), { tier: 'network' });
    log.record(at(1, 1, 0), { tier: 'network' });
    log.record(at(1, 0, 0), { tier: 'memory' });
    log.record(at(1, 1, 1), { tier: 'idb' });
    expect(log.size).toBe(2);
    expect(log.lookup(['1/0/0', '1/1/0', '1/1/1'])).toEqual({ '1/0/0': 'memory', '1/1/1': 'idb' });
  });

  it('keeps a few sources per address: answers named by URL (no source id) do not pile up', () => {
    const log = new TileSourceLog();
    for (let i = 0; i < 1000; i++) log.record({ coord: { z: 1, x: 0, y: 0 }, url: `https://a.test/1/0/0.pbf?v=${i}` }, { tier: i === 999 ? 'network' : 'memory' });
    const inner = (log as unknown as { byCoord: Map<string, Map<string, unknown>> }).byCoord.get('1/0/0');
    expect(inner?.size).toBeLessThanOrEqual(8);
    expect(log.lookup(['1/0/0'])).toEqual({ '1/0/0': 'network' });
  });
});
