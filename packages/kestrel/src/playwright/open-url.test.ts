import { describe, expect, it } from 'vitest';
import { openUrl } from './open-url.ts';

describe('openUrl (the address kestrel.open navigates to)', () => {
  it('is baseURL itself without options', () => {
    expect(openUrl('http://127.0.0.1:4173')).toBe('http://127.0.0.1:4173/');
    expect(openUrl('http://127.0.0.1:4173/app/', {})).toBe('http://127.0.0.1:4173/app/');
  });

  it('resolves a path against baseURL as a link would', () => {
    expect(openUrl('http://host/app/', { url: 'map.html' })).toBe('http://host/app/map.html');
    expect(openUrl('http://host/app/', { url: '/viewer' })).toBe('http://host/viewer');
  });

  it('takes an absolute url as it is, with or without baseURL', () => {
    expect(openUrl('http://host/', { url: 'https://maps.example.org/view?x=1' })).toBe('https://maps.example.org/view?x=1');
    expect(openUrl(undefined, { url: 'https://maps.example.org/' })).toBe('https://maps.example.org/');
  });

  it('sets every defined parameter, encoded, and leaves undefined ones out', () => {
    const url = new URL(openUrl('http://host/', { params: { style: 'http://t:1/style.json', engineOptions: '{"maxInFlight":4}', engine: undefined } }));
    expect([...url.searchParams]).toEqual([
      ['style', 'http://t:1/style.json'],
      ['engineOptions', '{"maxInFlight":4}'],
    ]);
    expect(url.search).toBe('?style=http%3A%2F%2Ft%3A1%2Fstyle.json&engineOptions=%7B%22maxInFlight%22%3A4%7D');
  });

  it("replaces a parameter already in the url, keeping the url's others", () => {
    expect(openUrl('http://host/', { url: '/?a=1&b=2', params: { b: '3', c: '4' } })).toBe('http://host/?a=1&b=3&c=4');
  });

  it('sets the hash, with or without its #, replacing one in the url', () => {
    expect(openUrl('http://host/', { hash: '6/48.85/2.35' })).toBe('http://host/#6/48.85/2.35');
    expect(openUrl('http://host/', { url: '/#1/0/0', hash: '#6/48.85/2.35', params: { perf: '1' } })).toBe('http://host/?perf=1#6/48.85/2.35');
  });

  it('says what is missing when there is no address to open', () => {
    expect(() => openUrl(undefined)).toThrow(/set `use\.baseURL`.*or pass an absolute `url`/);
    expect(() => openUrl(undefined, { url: '/viewer' })).toThrow(/use\.baseURL/);
    expect(() => openUrl('http://host/', { url: 'http://[::1' })).toThrow(/"http:\/\/\[::1" is not a URL/);
  });
});
