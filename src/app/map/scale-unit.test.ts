import { describe, expect, test } from 'vitest';
import { scaleUnitFor } from './scale-unit.ts';

describe('scaleUnitFor', () => {
  test('imperial for the US, Liberia and Myanmar', () => {
    expect(scaleUnitFor('en-US')).toBe('imperial');
    expect(scaleUnitFor('en-LR')).toBe('imperial');
    expect(scaleUnitFor('my-MM')).toBe('imperial');
    expect(scaleUnitFor('es-US')).toBe('imperial');
  });

  test('uses the likely region of a language without one ("en" is the US, "my" Myanmar)', () => {
    expect(scaleUnitFor('en')).toBe('imperial');
    expect(scaleUnitFor('my')).toBe('imperial');
    expect(scaleUnitFor('de')).toBe('metric');
  });

  test('metric everywhere else, the UK included, and for a missing or malformed tag', () => {
    for (const locale of ['en-GB', 'en-CA', 'fr-FR', 'de-CH', 'ja-JP', 'es-MX']) expect(scaleUnitFor(locale), locale).toBe('metric');
    expect(scaleUnitFor(undefined)).toBe('metric');
    expect(scaleUnitFor('not a locale!')).toBe('metric');
  });
});
