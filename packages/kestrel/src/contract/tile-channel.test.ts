import { describe, expect, it } from 'vitest';
import { bridgedTileUrl, pageTileChannel, parseBridgedTileUrl } from './tile-channel.ts';

describe('bridged tile URLs', () => {
  it('carry the page id and give back the upstream URL unchanged, query and all', () => {
    const upstream = 'https://t.test/tiles/5/16/11.pbf?access_token=x&v=2';
    expect(parseBridgedTileUrl(bridgedTileUrl('ab12', upstream))).toEqual({ pageId: 'ab12', url: upstream });
  });
  it('name one channel per page', () => {
    expect(pageTileChannel('ab12')).not.toBe(pageTileChannel('cd34'));
  });
});
