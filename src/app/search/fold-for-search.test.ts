import { describe, expect, test } from 'vitest';
import { foldForSearch } from './fold-for-search.ts';

describe('foldForSearch', () => {
  test('drops diacritics and case: Zürich, ZÜRICH and Zurich compare equal', () => {
    expect(foldForSearch('Zürich')).toBe('zurich');
    expect(foldForSearch('ZÜRICH')).toBe('zurich');
    expect(foldForSearch('Zu\u0308rich')).toBe('zurich');
    expect(foldForSearch('São Paulo')).toBe('sao paulo');
    expect(foldForSearch('Ḩalab')).toBe('halab');
  });

  test('spells stand-alone letters as their Latin look-alikes', () => {
    expect(foldForSearch('Łódź')).toBe('lodz');
    expect(foldForSearch('Straße')).toBe('strasse');
    expect(foldForSearch('Tromsø')).toBe('tromso');
  });

  test('turns punctuation into single spaces and trims', () => {
    expect(foldForSearch('  Washington, D.C. ')).toBe('washington d c');
    expect(foldForSearch('Saint-Étienne')).toBe('saint etienne');
  });

  test('keeps scripts other than Latin, lower-cased', () => {
    expect(foldForSearch('Москва')).toBe('москва');
    expect(foldForSearch('Αθήνα')).toBe('αθηνα');
    expect(foldForSearch('東京')).toBe('東京');
  });
});
