import { describe, expect, test } from 'vitest';
import { shortcutFor } from './shortcut-for.ts';

const key = (k: string, extra: Partial<{ ctrlKey: boolean; metaKey: boolean; altKey: boolean; target: unknown }> = {}) => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  ...extra,
});

describe('shortcutFor', () => {
  test('"?" shows the shortcut list and "/" goes to search', () => {
    expect(shortcutFor(key('?'))).toBe('show-shortcuts');
    expect(shortcutFor(key('/'))).toBe('focus-search');
    expect(shortcutFor(key('a'))).toBeUndefined();
  });

  test('is text, not a shortcut, while typing in a field', () => {
    expect(shortcutFor(key('?', { target: { tagName: 'INPUT', type: 'search' } }))).toBeUndefined();
    expect(shortcutFor(key('/', { target: { tagName: 'TEXTAREA' } }))).toBeUndefined();
    expect(shortcutFor(key('/', { target: { tagName: 'DIV', isContentEditable: true } }))).toBeUndefined();
    // a focused button or checkbox takes no text
    expect(shortcutFor(key('?', { target: { tagName: 'BUTTON' } }))).toBe('show-shortcuts');
    expect(shortcutFor(key('?', { target: { tagName: 'INPUT', type: 'checkbox' } }))).toBe('show-shortcuts');
  });

  test('leaves combinations with Ctrl, Cmd or Alt to the browser', () => {
    expect(shortcutFor(key('/', { ctrlKey: true }))).toBeUndefined();
    expect(shortcutFor(key('?', { metaKey: true }))).toBeUndefined();
    expect(shortcutFor(key('/', { altKey: true }))).toBeUndefined();
  });
});
