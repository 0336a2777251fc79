import { describe, expect, it } from 'vitest';
import { AppRequestMemory, MAX_REMEMBERED_ORIGINS, appRequestOf } from './app-request-memory.ts';

const KEY = { appHeaders: { 'X-Api-Key': 'secret-123' } };

describe('AppRequestMemory', () => {
  it('recalls what was remembered for the same origin (scheme, host and port), whatever the path', () => {
    const memory = new AppRequestMemory();
    memory.remember('https://a.test/tiles/1/0/0.pbf', KEY);
    expect(memory.recall('https://a.test/other/2/1/1.pbf?x=1')).toEqual(KEY);
    expect(memory.recall('https://a.test:443/1/0/0.pbf'), 'the default port is the same origin').toEqual(KEY);
    expect(memory.recall('http://a.test/1/0/0.pbf')).toBeUndefined();
    expect(memory.recall('https://a.test:8443/1/0/0.pbf')).toBeUndefined();
    expect(memory.recall('https://tiles.a.test/1/0/0.pbf')).toBeUndefined();
  });

  it('keeps the newest per origin, and ignores a request that carried nothing', () => {
    const memory = new AppRequestMemory();
    memory.remember('https://a.test/1.pbf', { appHeaders: { Authorization: 'Bearer old' } });
    memory.remember('https://a.test/2.pbf', { appHeaders: { Authorization: 'Bearer new' }, credentials: 'include' });
    memory.remember('https://a.test/3.pbf', undefined);
    expect(memory.recall('https://a.test/4.pbf')).toEqual({ appHeaders: { Authorization: 'Bearer new' }, credentials: 'include' });
  });

  it(`holds at most ${MAX_REMEMBERED_ORIGINS} origins, forgetting the one seen longest ago`, () => {
    const memory = new AppRequestMemory();
    const url = (i: number) => `https://host${i}.test/1/0/0.pbf`;
    for (let i = 0; i < MAX_REMEMBERED_ORIGINS; i++) memory.remember(url(i), KEY);
    memory.remember(url(0), KEY); // seen again: now the newest
    memory.remember(url(MAX_REMEMBERED_ORIGINS), KEY);
    expect(memory.recall(url(0))).toEqual(KEY);
    expect(memory.recall(url(1))).toBeUndefined();
    expect(memory.recall(url(2))).toEqual(KEY);
    expect(memory.recall(url(MAX_REMEMBERED_ORIGINS))).toEqual(KEY);
  });

  it('keeps its own copy: changing the caller’s headers afterwards changes nothing', () => {
    const memory = new AppRequestMemory();
    const headers: Record<string, string> = { 'X-Api-Key': 'secret-123' };
    memory.remember('https://a.test/1.pbf', { appHeaders: headers });
    headers['X-Api-Key'] = 'changed';
    expect(memory.recall('https://a.test/1.pbf')).toEqual(KEY);
  });

  it('remembers nothing for a URL without an origin, and forgets everything on clear()', () => {
    const memory = new AppRequestMemory();
    memory.remember('data:application/x-protobuf;base64,AA==', KEY);
    memory.remember('not a url', KEY);
    expect(memory.recall('data:application/x-protobuf;base64,AA==')).toBeUndefined();
    memory.remember('https://a.test/1.pbf', KEY);
    memory.clear();
    expect(memory.recall('https://a.test/1.pbf')).toBeUndefined();
  });
});

describe('appRequestOf', () => {
  it('is nothing when the request carried no headers and no credentials mode', () => {
    expect(appRequestOf(undefined, undefined)).toBeUndefined();
    expect(appRequestOf({}, undefined)).toBeUndefined();
    expect(appRequestOf({}, 'same-origin')).toEqual({ credentials: 'same-origin' });
    expect(appRequestOf({ A: '1' }, undefined)).toEqual({ appHeaders: { A: '1' } });
  });
});
