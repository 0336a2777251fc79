import { describe, expect, it } from 'vitest';
import { CacheKey, parseCacheKey } from './cache-key.ts';
import { CredentialParams, digestSecret } from './credential-params.ts';

const keys = new CacheKey();
const coord = { z: 3, x: 4, y: 2 };

describe('CacheKey', () => {
  it('strips access_token, api_key and apikey, whatever their case', () => {
    const url = keys.normaliseUrl('https://t.example/3/4/2.pbf?Access_Token=a&api_key=c&apiKey=d&style=x');
    expect(url).toBe('https://t.example/3/4/2.pbf?style=x');
  });

  it('keeps key and token as digests: never in clear, but two values are two resources', () => {
    const roads = keys.keyFor({ url: 'https://t.example/3/4/2.pbf?key=roads-SECRET', source: 't.example/', coord });
    const water = keys.keyFor({ url: 'https://t.example/3/4/2.pbf?key=water-SECRET', source: 't.example/', coord });
    expect(roads).not.toBe(water);
    expect(roads + water).not.toContain('SECRET');
    expect(roads).toContain(`key=${digestSecret('roads-SECRET')}`);
    expect(keys.normaliseUrl('https://t.example/a?TOKEN=t1')).toBe(`https://t.example/a?TOKEN=${digestSecret('t1')}`);
  });

  it('strips user:password@ from the authority', () => {
    expect(keys.normaliseUrl('https://user:secret@t.example/a.pbf')).toBe('https://t.example/a.pbf');
  });

  it('sorts query parameters by name and keeps repeated names in their order', () => {
    expect(keys.normaliseUrl('https://t.example/a?z=1&layer=b&a=2&layer=a')).toBe('https://t.example/a?a=2&layer=b&layer=a&z=1');
  });

  it('drops the fragment and normalises scheme and host case', () => {
    expect(keys.normaliseUrl('HTTPS://T.Example:443/a.pbf#frag')).toBe('https://t.example/a.pbf');
  });

  it('gives a rotated token the same key, so the old tiles still hit', () => {
    const before = keys.keyFor({ url: 'https://t.example/3/4/2?access_token=old', source: 'osm', coord });
    const after = keys.keyFor({ url: 'https://t.example/3/4/2?access_token=new', source: 'osm', coord });
    expect(after).toBe(before);
    expect(before).not.toContain('old');
  });

  it('keeps source and coordinates apart', () => {
    const url = 'https://t.example/tile';
    expect(keys.keyFor({ url, source: 'a', coord })).not.toBe(keys.keyFor({ url, source: 'b', coord }));
    expect(keys.keyFor({ url, source: 'a', coord })).not.toBe(keys.keyFor({ url, source: 'a', coord: { z: 3, x: 4, y: 3 } }));
  });

  it('uses configured credential names instead of the defaults', () => {
    const custom = new CacheKey(new CredentialParams(['sig'], []));
    expect(custom.normaliseUrl('https://t.example/a?sig=1&key=layer')).toBe('https://t.example/a?key=layer');
  });

  it('strips credentials from a URL it cannot parse', () => {
    expect(keys.normaliseUrl('//u:p@t.example/a?access_token=x&b=1#f')).toBe('//t.example/a?b=1');
    expect(keys.normaliseUrl('tiles/a.pbf?access_token=x')).toBe('tiles/a.pbf');
  });
});

describe('parseCacheKey', () => {
  it('recovers source, coordinates and URL, even with | in the source and the URL', () => {
    const key = keys.keyFor({ url: 'https://t.example/a?x=1|2', source: 'we|ird', coord });
    expect(parseCacheKey(key)).toEqual({ source: 'we|ird', coord, url: 'https://t.example/a?x=1%7C2' });
  });

  it('parses a key made without coordinates', () => {
    const key = keys.keyFor({ url: 'https://t.example/style.json' });
    expect(parseCacheKey(key)).toEqual({ source: '', url: 'https://t.example/style.json' });
  });

  it('returns undefined for a string that is not a cache key', () => {
    expect(parseCacheKey('nonsense')).toBeUndefined();
    expect(parseCacheKey('a|1/x/2|https://t')).toBeUndefined();
  });
});
