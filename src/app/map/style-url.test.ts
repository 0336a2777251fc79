import { describe, expect, it } from 'vitest';
import { resolveStyleUrl, styleUrlProblem } from './style-url.ts';

const page = { search: '', protocol: 'http:', hostname: 'example.test', href: 'http://example.test/app/?x=1' };

describe('resolveStyleUrl', () => {
  it('uses ?style= when given', () => {
    expect(resolveStyleUrl({ ...page, search: '?style=https%3A%2F%2Fa.test%2Fs.json' }, 'http://x:1')).toBe('https://a.test/s.json');
  });
  it('makes a relative or protocol-relative ?style= absolute against the page, so the engine routes it', () => {
    expect(resolveStyleUrl({ ...page, search: '?style=styles%2Fdark.json' }, '')).toBe('http://example.test/app/styles/dark.json');
    expect(resolveStyleUrl({ ...page, search: '?style=%2F%2Fcdn.test%2Fs.json' }, '')).toBe('http://cdn.test/s.json');
    expect(resolveStyleUrl({ ...page, search: '?style=javascript%3Aalert(1)' }, '')).toBe('javascript:alert(1)');
  });
  it('falls back to the tile server the dev build was told about', () => {
    expect(resolveStyleUrl(page, 'http://127.0.0.1:9000/')).toBe('http://127.0.0.1:9000/style.json');
  });
  it('falls back to the default tile port on the page host', () => {
    expect(resolveStyleUrl(page, '')).toBe('http://example.test:8787/style.json');
  });
});

describe('styleUrlProblem', () => {
  it('accepts http(s) addresses, absolute or relative to the page', () => {
    for (const url of ['http://127.0.0.1:8787/style.json', 'https://tiles.example/style.json?key=1', '/styles/dark.json']) expect(styleUrlProblem(url)).toBeUndefined();
  });

  it('refuses javascript:, data:, blob: and file: addresses, naming the scheme', () => {
    expect(styleUrlProblem('javascript:alert(1)')).toBe('the ?style= address must be http(s), not javascript:');
    expect(styleUrlProblem('JaVaScRiPt:alert(1)')).toMatch(/not javascript:/);
    for (const url of ['data:application/json,{}', 'blob:http://a.test/1', 'file:///etc/passwd']) expect(styleUrlProblem(url)).toMatch(/must be http\(s\)/);
  });
});
