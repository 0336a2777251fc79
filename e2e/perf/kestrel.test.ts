import { describe, expect, it } from 'vitest';
import { viewerParams } from './kestrel.ts';

describe("the repository's kestrel.open: the viewer's URL options as parameters", () => {
  it('maps each option to its URL parameter and leaves the rest out', () => {
    expect(viewerParams({})).toEqual({ style: undefined, engine: undefined, prefetch: undefined, perf: undefined, engineOptions: undefined });
    expect(viewerParams({ tiles: { url: 'http://127.0.0.1:1' }, engine: false, prefetch: false, perf: true, engineOptions: { maxInFlight: 4 } })).toEqual({
      style: 'http://127.0.0.1:1/style.json',
      engine: 'off',
      prefetch: 'off',
      perf: '1',
      engineOptions: '{"maxInFlight":4}',
    });
  });

  it('lets `style` win over `tiles`, and `params` over both', () => {
    expect(viewerParams({ tiles: { url: 'http://t' }, style: 'http://s/style.json' }).style).toBe('http://s/style.json');
    expect(viewerParams({ style: 'http://s/style.json', engine: false, params: { style: 'http://p/style.json', engine: 'on', x: '1' } })).toMatchObject({
      style: 'http://p/style.json',
      engine: 'on',
      x: '1',
    });
  });

  it('sets no parameter for engine, prefetch or perf left at their defaults', () => {
    expect(viewerParams({ engine: true, prefetch: true, perf: false })).toMatchObject({ engine: undefined, prefetch: undefined, perf: undefined });
  });
});
