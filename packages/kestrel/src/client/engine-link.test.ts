import { afterEach, describe, expect, it, vi } from 'vitest';
import { resolveSharing } from './engine-link.ts';

describe('resolveSharing', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('auto picks a SharedWorker where there is one and the script is a URL', () => {
    vi.stubGlobal('SharedWorker', class {});
    vi.stubGlobal('navigator', { locks: {} });
    expect(resolveSharing('auto', true)).toBe('shared-worker');
  });

  it('auto falls back to Web Locks leader election without SharedWorker (Chrome for Android)', () => {
    vi.stubGlobal('SharedWorker', undefined);
    vi.stubGlobal('navigator', { locks: {} });
    expect(resolveSharing('auto', true)).toBe('leader');
  });

  it("auto falls back to leader election when the app starts the worker itself (a SharedWorker needs the script's URL)", () => {
    vi.stubGlobal('SharedWorker', class {});
    vi.stubGlobal('navigator', { locks: {} });
    expect(resolveSharing('auto', false)).toBe('leader');
    expect(resolveSharing('shared-worker', false)).toBe('leader');
  });

  it('keeps an engine per tab when neither SharedWorker nor Web Locks exist, whatever was asked', () => {
    vi.stubGlobal('SharedWorker', undefined);
    vi.stubGlobal('navigator', {});
    expect(resolveSharing('auto', true)).toBe('off');
    expect(resolveSharing('shared-worker', true)).toBe('off');
    expect(resolveSharing('leader', true)).toBe('off');
  });

  it('forces the fallback when asked, even where SharedWorker exists', () => {
    vi.stubGlobal('SharedWorker', class {});
    vi.stubGlobal('navigator', { locks: {} });
    expect(resolveSharing('leader', true)).toBe('leader');
    expect(resolveSharing('off', true)).toBe('off');
  });
});
