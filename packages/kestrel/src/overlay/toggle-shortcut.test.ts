import { describe, expect, it } from 'vitest';
import { isToggleShortcut } from './toggle-shortcut.ts';

const keys = { key: 'P', shiftKey: true, ctrlKey: false, metaKey: false, altKey: false };

describe('isToggleShortcut', () => {
  it('accepts Shift+P', () => {
    expect(isToggleShortcut(keys)).toBe(true);
    expect(isToggleShortcut({ ...keys, key: 'p' })).toBe(true);
  });
  it('rejects P without Shift and Shift+P with another modifier', () => {
    expect(isToggleShortcut({ ...keys, key: 'p', shiftKey: false })).toBe(false);
    expect(isToggleShortcut({ ...keys, ctrlKey: true })).toBe(false);
    expect(isToggleShortcut({ ...keys, metaKey: true })).toBe(false);
    expect(isToggleShortcut({ ...keys, altKey: true })).toBe(false);
  });
  it('ignores auto-repeat so holding the keys does not flicker the panel', () => {
    expect(isToggleShortcut({ ...keys, repeat: true })).toBe(false);
  });
  it('stays out of the way while the user types', () => {
    expect(isToggleShortcut({ ...keys, target: { tagName: 'INPUT', type: 'text' } })).toBe(false);
    expect(isToggleShortcut({ ...keys, target: { tagName: 'textarea' } })).toBe(false);
    expect(isToggleShortcut({ ...keys, target: { tagName: 'DIV', isContentEditable: true } })).toBe(false);
  });
  it('still works with focus on a checkbox or the map canvas', () => {
    expect(isToggleShortcut({ ...keys, target: { tagName: 'INPUT', type: 'checkbox' } })).toBe(true);
    expect(isToggleShortcut({ ...keys, target: { tagName: 'CANVAS' } })).toBe(true);
  });
});
