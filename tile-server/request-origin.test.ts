import type { IncomingMessage } from 'node:http';
import { describe, expect, test } from 'vitest';
import { requestOrigin } from './request-origin.ts';

const FALLBACK = 'http://127.0.0.1:4100';

function origin(headers: Record<string, string>): string {
  return requestOrigin({ headers } as unknown as IncomingMessage, FALLBACK);
}

describe('requestOrigin', () => {
  test('uses the Host header', () => {
    expect(origin({ host: 'localhost:5555' })).toBe('http://localhost:5555');
  });

  test('prefers X-Forwarded-Host and X-Forwarded-Proto (first value of a list)', () => {
    expect(origin({ host: '127.0.0.1:1', 'x-forwarded-host': 'maps.example.com, proxy.internal', 'x-forwarded-proto': 'https' })).toBe('https://maps.example.com');
  });

  test('accepts an IPv6 literal host', () => {
    expect(origin({ host: '[::1]:8080' })).toBe('http://[::1]:8080');
  });

  test('falls back to the listening address for a missing or malformed host', () => {
    expect(origin({})).toBe(FALLBACK);
    expect(origin({ host: 'evil.com/"><script>' })).toBe(FALLBACK);
  });

  test('ignores a forwarded protocol other than http or https', () => {
    expect(origin({ host: 'a.test', 'x-forwarded-proto': 'javascript' })).toBe('http://a.test');
  });
});
