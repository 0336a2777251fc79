import { describe, expect, it } from 'vitest';
import { TILE_CHANNEL, pageTileChannel, tileChannelFrom } from './tile-channel.ts';

describe('per-page tile channels', () => {
  it('gives each page its own channel name', () => {
    expect(pageTileChannel('a1')).toBe('kestrel-tiles:a1');
    expect(pageTileChannel('a1')).not.toBe(pageTileChannel('b2'));
  });

  it('reads the channel back from the engine worker name and from the bridge URL', () => {
    const channel = pageTileChannel('x9');
    expect(tileChannelFrom(`kestrel-engine#${channel}`)).toBe(channel);
    expect(tileChannelFrom(`http://app.test/assets/maplibre-bridge-1234.mjs#${encodeURIComponent(channel)}.mjs`)).toBe(channel);
  });

  it('falls back to the shared channel without one, and never to a foreign name', () => {
    expect(tileChannelFrom('kestrel-engine')).toBe(TILE_CHANNEL);
    expect(tileChannelFrom('http://app.test/assets/maplibre-bridge-1234.mjs')).toBe(TILE_CHANNEL);
    expect(tileChannelFrom('kestrel-engine#something-else')).toBe(TILE_CHANNEL);
  });
});
