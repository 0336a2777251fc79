import { describe, expect, it } from 'vitest';
import { EngineError, isAborted, toEngineFailure } from './engine-error.ts';

describe('EngineError', () => {
  it('carries its failure as plain, cloneable data', () => {
    const error = EngineError.of('http-5xx', 'HTTP 502', 3, 502);
    expect(error.failure).toEqual({ reason: 'http-5xx', message: 'HTTP 502', attempts: 3, status: 502 });
    expect(structuredClone(error.failure)).toEqual(error.failure);
    expect(error.reason).toBe('http-5xx');
  });

  it('is named AbortError when it reports a cancellation', () => {
    expect(EngineError.aborted().name).toBe('AbortError');
    expect(isAborted(EngineError.aborted())).toBe(true);
    expect(isAborted(EngineError.of('network', 'x'))).toBe(false);
  });

  it('toEngineFailure maps foreign errors without losing their message', () => {
    expect(toEngineFailure(new DOMException('stop', 'AbortError'))).toMatchObject({ reason: 'aborted' });
    expect(toEngineFailure(new TypeError('boom'))).toMatchObject({ reason: 'network', message: expect.stringContaining('boom') });
  });
});
