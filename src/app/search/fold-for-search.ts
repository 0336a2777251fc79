// Letters that NFD does not take apart (they are letters of their own, not a base plus a mark) but that a person
// typing on an English keyboard writes as plain Latin: "Lodz" for Łódź, "Orebro" for Örebro is NFD's job already.
const LETTER_FOLDS: Record<string, string> = { ß: 'ss', ł: 'l', ø: 'o', đ: 'd', ð: 'd', æ: 'ae', œ: 'oe', þ: 'th', ı: 'i', ħ: 'h' };
const FOLDABLE = new RegExp(`[${Object.keys(LETTER_FOLDS).join('')}]`, 'g');

/**
 * A name as search compares it: lower case, diacritics removed (NFD, then combining marks dropped), a few
 * stand-alone letters spelled as their Latin look-alikes, punctuation and runs of spaces as one space.
 * "Zürich" and "ZURICH" both become "zurich"; "Łódź" becomes "lodz"; "Washington, D.C." becomes "washington d c".
 */
export function foldForSearch(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(FOLDABLE, (ch) => LETTER_FOLDS[ch] ?? ch)
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}
