import { describe, expect, it } from 'vitest';
import { redactUrl } from './redact-url.ts';

describe('redactUrl', () => {
  it('drops user info and the query string', () => {
    expect(redactUrl('https://me:pw@tiles.test/a/b.json?access_token=secret')).toBe('https://tiles.test/a/b.json?…');
  });
  it('keeps a plain URL as it is', () => {
    expect(redactUrl('http://127.0.0.1:8787/style.json')).toBe('http://127.0.0.1:8787/style.json');
  });
});
