import { describe, expect, it } from 'vitest';
import { abortable } from './abortable.ts';

describe('abortable', () => {
  it('settles with the promise when the signal stays quiet', async () => {
    await expect(abortable(Promise.resolve(1), new AbortController().signal)).resolves.toBe(1);
    await expect(abortable(Promise.reject(new Error('x')), new AbortController().signal)).rejects.toThrow('x');
  });

  it('rejects with the abort reason as soon as the signal aborts, even if the promise never settles', async () => {
    const c = new AbortController();
    const pending = abortable(new Promise(() => undefined), c.signal);
    const reason = new Error('stop');
    c.abort(reason);
    await expect(pending).rejects.toBe(reason);
  });

  it('rejects at once for an already aborted signal', async () => {
    const c = new AbortController();
    c.abort('gone');
    await expect(abortable(Promise.resolve(1), c.signal)).rejects.toBe('gone');
  });
});
