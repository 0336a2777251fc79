import { describe, expect, it } from 'vitest';
import { CacheKey } from '../../packages/kestrel/src/engine/cache-key.ts';
import { auditedCoord } from './audited-coord.ts';

describe('auditedCoord', () => {
  it('reads the address from an engine cache key and a bridge URL, on the tile host only', () => {
    const key = new CacheKey().keyFor({ url: 'http://127.0.0.1:8787/tiles/4/3/5.pbf?key=k', source: '127.0.0.1:8787/tiles', coord: { z: 4, x: 3, y: 5 } });
    expect(auditedCoord(key, '127.0.0.1:8787')).toBe('4/3/5');
    expect(auditedCoord('http://127.0.0.1:8787/tiles/4/3/5.pbf', '127.0.0.1:8787')).toBe('4/3/5');
    expect(auditedCoord('http://other.test/tiles/4/3/5.pbf', '127.0.0.1:8787')).toBeUndefined();
    expect(auditedCoord('not a url', '127.0.0.1:8787')).toBeUndefined();
  });
});
