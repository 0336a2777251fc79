import { describe, expect, it } from 'vitest';
import { resolveStyleUrl } from './style-url.ts';

const page = { search: '', protocol: 'http:', hostname: 'example.test' };

describe('resolveStyleUrl', () => {
  it('uses ?style= when given', () => {
    expect(resolveStyleUrl({ ...page, search: '?style=https%3A%2F%2Fa.test%2Fs.json' }, 'http://x:1')).toBe('https://a.test/s.json');
  });
  it('falls back to the tile server the dev build was told about', () => {
    expect(resolveStyleUrl(page, 'http://127.0.0.1:9000/')).toBe('http://127.0.0.1:9000/style.json');
  });
  it('falls back to the default tile port on the page host', () => {
    expect(resolveStyleUrl(page, '')).toBe('http://example.test:8787/style.json');
  });
});
