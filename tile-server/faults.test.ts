import { describe, expect, test } from 'vitest';
import { FaultDocumentError, parseFaultDocument } from './faults.ts';

function errorOf(input: unknown): string {
  try {
    parseFaultDocument(input);
  } catch (error) {
    expect(error).toBeInstanceOf(FaultDocumentError);
    return (error as Error).message;
  }
  throw new Error(`accepted ${JSON.stringify(input)}`);
}

describe('parseFaultDocument', () => {
  test('accepts {} as "no faults"', () => {
    expect(parseFaultDocument({})).toEqual({});
  });

  test('accepts the full documented document', () => {
    const doc = {
      seed: 1,
      latencyMs: { base: 80, jitter: 20 },
      status: { '500': 0.05, '502': 0, '503': 0.1 },
      rateLimit: { rate: 0.05, retryAfterS: 1 },
      hangRate: 0.02,
      garbageRate: 0.01,
      htmlRate: 0.01,
      truncateRate: 0.01,
      slowBody: { rate: 0.01, bytesPerSecond: 2000 },
      oversizeRate: 0.01,
      maxConnections: 0,
      down: false,
    };
    expect(parseFaultDocument(doc)).toEqual(doc);
  });

  test('accepts a lognormal latency given as median and p99', () => {
    expect(parseFaultDocument({ latencyMs: { median: 100, p99: 400 } })).toEqual({ latencyMs: { median: 100, p99: 400 } });
  });

  test('fills in defaults: jitter 0, retryAfterS 1, bytesPerSecond 2000', () => {
    expect(parseFaultDocument({ latencyMs: { base: 50 }, rateLimit: { rate: 0.1 }, slowBody: { rate: 0.1 } })).toEqual({
      latencyMs: { base: 50, jitter: 0 },
      rateLimit: { rate: 0.1, retryAfterS: 1 },
      slowBody: { rate: 0.1, bytesPerSecond: 2000 },
    });
  });

  test('rejects a document that is not an object', () => {
    expect(errorOf([])).toMatch(/must be a JSON object/);
    expect(errorOf(null)).toMatch(/must be a JSON object/);
    expect(errorOf('hang')).toMatch(/must be a JSON object/);
  });

  test('rejects an unknown key and names it and the allowed keys', () => {
    const message = errorOf({ hangrate: 0.1 });
    expect(message).toContain('unknown key "hangrate"');
    expect(message).toContain('hangRate');
  });

  test('rejects an unknown nested key with its full path', () => {
    expect(errorOf({ latencyMs: { base: 10, jiter: 5 } })).toContain('unknown key "latencyMs.jiter"');
    expect(errorOf({ rateLimit: { rate: 0.1, retryAfter: 1 } })).toContain('unknown key "rateLimit.retryAfter"');
    expect(errorOf({ rateLimit: { rate: 0.1, retryAfterForm: 'date' } })).toContain('rateLimit.retryAfterForm must be one of seconds, http-date, none');
  });

  test('rejects rates outside [0, 1] and wrong types, naming the key', () => {
    expect(errorOf({ hangRate: 1.5 })).toBe('"hangRate" must be a number in [0, 1], got 1.5');
    expect(errorOf({ garbageRate: '0.1' })).toBe('"garbageRate" must be a number in [0, 1], got "0.1"');
    expect(errorOf({ status: { '503': -0.1 } })).toContain('"status.503"');
    expect(errorOf({ down: 'yes' })).toContain('"down" must be true or false');
    expect(errorOf({ maxConnections: 1.5 })).toContain('"maxConnections" must be an integer');
    expect(errorOf({ seed: -1 })).toContain('"seed" must be an integer');
  });

  test('rejects status keys that are not HTTP error codes', () => {
    expect(errorOf({ status: { '200': 0.1 } })).toContain('HTTP error codes 400–599, got "200"');
  });

  test('rejects a latency that mixes the two shapes or has p99 below the median', () => {
    expect(errorOf({ latencyMs: { base: 10, median: 100, p99: 200 } })).toContain('latencyMs.base');
    expect(errorOf({ latencyMs: { median: 100, p99: 50 } })).toContain('must be ≥ "latencyMs.median"');
    expect(errorOf({ latencyMs: 100 })).toContain('"latencyMs" must be an object');
  });

  test('counts oversizeRate among the outcome rates', () => {
    expect(errorOf({ oversizeRate: 0.6, htmlRate: 0.5 })).toContain('add up to 1.1');
    expect(errorOf({ oversizeRate: -0.1 })).toBe('"oversizeRate" must be a number in [0, 1], got -0.1');
  });

  test('rejects outcome rates that add up to more than 1', () => {
    expect(errorOf({ hangRate: 0.6, status: { '500': 0.5 } })).toContain('add up to 1.1');
  });
});
