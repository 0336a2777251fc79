import { describe, expect, it } from 'vitest';
import { PREFS_STORAGE_KEY, clampPosition, initialPrefs, loadPrefs, perfParam, savePrefs } from './overlay-prefs.ts';

function memoryStorage(initial: Record<string, string> = {}) {
  const data = new Map(Object.entries(initial));
  return {
    getItem: (key: string) => data.get(key) ?? null,
    setItem: (key: string, value: string) => void data.set(key, value),
    data,
  };
}

describe('loadPrefs and savePrefs', () => {
  it('round-trip open, collapsed and position', () => {
    const storage = memoryStorage();
    savePrefs(storage, { open: true, collapsed: true, position: { x: 10, y: 20 } });
    expect(loadPrefs(storage)).toEqual({ open: true, collapsed: true, position: { x: 10, y: 20 } });
  });
  it('keep the valid fields of a damaged value', () => {
    const storage = memoryStorage({ [PREFS_STORAGE_KEY]: '{"open":"yes","collapsed":true,"position":{"x":"1"}}' });
    expect(loadPrefs(storage)).toEqual({ collapsed: true });
  });
  it('ignore invalid JSON and missing storage', () => {
    expect(loadPrefs(memoryStorage({ [PREFS_STORAGE_KEY]: '{' }))).toEqual({});
    expect(loadPrefs(undefined)).toEqual({});
  });
  it('swallow a storage that refuses writes', () => {
    const storage = {
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
    };
    expect(() => savePrefs(storage, { open: true, collapsed: false, position: null })).not.toThrow();
  });
});

describe('perfParam', () => {
  it('reads ?perf=1 as open and ?perf=0 as closed', () => {
    expect(perfParam('?perf=1')).toBe(true);
    expect(perfParam('?lang=en&perf=true')).toBe(true);
    expect(perfParam('?perf=ON')).toBe(true);
    expect(perfParam('?perf=0')).toBe(false);
  });
  it('has no opinion without the parameter or with an unknown value', () => {
    expect(perfParam('')).toBeNull();
    expect(perfParam('?perf=maybe')).toBeNull();
    expect(perfParam('?perf')).toBeNull();
  });
});

describe('initialPrefs', () => {
  it('lets the URL beat what was stored and the app default', () => {
    expect(initialPrefs({ open: false }, true, false).open).toBe(true);
    expect(initialPrefs({ open: true }, false, true).open).toBe(false);
  });
  it('prefers the stored state over the app default', () => {
    expect(initialPrefs({ open: false }, null, true).open).toBe(false);
    expect(initialPrefs({}, null, true).open).toBe(true);
    expect(initialPrefs({}, null, undefined)).toEqual({ open: false, collapsed: false, position: null });
  });
});

describe('clampPosition', () => {
  const panel = { width: 300, height: 400 };
  const viewport = { width: 1000, height: 700 };
  it('leaves a position inside the viewport alone', () => {
    expect(clampPosition({ x: 100, y: 50 }, panel, viewport)).toEqual({ x: 100, y: 50 });
  });
  it('keeps a grip of the panel on screen on every side', () => {
    expect(clampPosition({ x: 5000, y: 5000 }, panel, viewport)).toEqual({ x: 952, y: 652 });
    expect(clampPosition({ x: -5000, y: -50 }, panel, viewport)).toEqual({ x: -252, y: 0 });
  });
  it('pins the panel to the top of a viewport smaller than the grip', () => {
    expect(clampPosition({ x: 40, y: 40 }, panel, { width: 20, height: 20 })).toEqual({ x: -28, y: 0 });
  });
});
