import { describe, expect, test } from 'vitest';
import { acceptsGzip, etagMatches, notModifiedSince } from './http-negotiation.ts';

describe('acceptsGzip', () => {
  test.each([
    ['gzip, deflate, br', true],
    ['br;q=1.0, gzip;q=0.8', true],
    ['gzip;q=0', false],
    ['identity', false],
    ['*', true],
    ['*;q=0', false],
    ['*, gzip;q=0', false],
  ])('Accept-Encoding "%s" → %s', (header, expected) => {
    expect(acceptsGzip({ 'accept-encoding': header })).toBe(expected);
  });

  test('is false without an Accept-Encoding header', () => {
    expect(acceptsGzip({})).toBe(false);
  });
});

describe('etagMatches', () => {
  test('matches one tag in a list, ignoring weak prefixes', () => {
    expect(etagMatches('"a", W/"b"', '"b"')).toBe(true);
    expect(etagMatches('"a"', '"b"')).toBe(false);
  });

  test('matches anything for *', () => {
    expect(etagMatches('*', '"x"')).toBe(true);
  });
});

describe('notModifiedSince', () => {
  const lastModified = new Date('2026-01-01T00:00:00Z');

  test('is true for a date at or after Last-Modified', () => {
    expect(notModifiedSince({ 'if-modified-since': lastModified.toUTCString() }, lastModified)).toBe(true);
    expect(notModifiedSince({ 'if-modified-since': 'Thu, 31 Dec 2025 23:59:59 GMT' }, lastModified)).toBe(false);
  });

  test('is ignored when If-None-Match is present', () => {
    expect(notModifiedSince({ 'if-modified-since': lastModified.toUTCString(), 'if-none-match': '"x"' }, lastModified)).toBe(false);
  });

  test('ignores an unparseable date', () => {
    expect(notModifiedSince({ 'if-modified-since': 'yesterday' }, lastModified)).toBe(false);
  });
});
