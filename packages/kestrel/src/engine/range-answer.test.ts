import { describe, expect, it } from 'vitest';
import { checkRangeAnswer } from './range-answer.ts';

describe('checkRangeAnswer: a 206 is the range that was asked for', () => {
  const asked = { offset: 100, length: 50 };

  it('accepts the exact range and reports the file size', () => {
    expect(checkRangeAnswer(asked, 'bytes 100-149/1000', 50)).toEqual({ ok: true, totalBytes: 1000 });
  });

  it('accepts a shorter body that ends the file (the caller decides whether the end may come that soon)', () => {
    expect(checkRangeAnswer(asked, 'bytes 100-119/120', 20)).toEqual({ ok: true, totalBytes: 120 });
  });

  it('accepts a length-only check when the host hides Content-Range (cross-origin without Expose-Headers)', () => {
    expect(checkRangeAnswer(asked, undefined, 50)).toEqual({ ok: true });
    expect(checkRangeAnswer(asked, 'bytes 100-149/*', 50)).toEqual({ ok: true });
  });

  it('refuses more bytes than asked, another start, a body that disagrees with its header, or garbage', () => {
    expect(checkRangeAnswer(asked, undefined, 51).ok).toBe(false);
    expect(checkRangeAnswer(asked, 'bytes 0-49/1000', 50).ok).toBe(false);
    expect(checkRangeAnswer(asked, 'bytes 100-149/1000', 40).ok).toBe(false);
    expect(checkRangeAnswer(asked, 'bytes 100-149/120', 50).ok).toBe(false);
    expect(checkRangeAnswer(asked, 'items 1-2/3', 50).ok).toBe(false);
  });
});
