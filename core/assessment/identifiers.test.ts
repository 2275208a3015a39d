import { describe, expect, it } from 'vitest';
import { corporateNumberCheckDigit, isValidCorporateNumber, isValidLei, normalizeCorporateNumber } from './identifiers';

describe('Japanese corporate number (法人番号)', () => {
  it('accepts published numbers and computes their check digits', () => {
    // Toyota Motor Corporation and Sony Group Corporation, from the NTA corporate number site.
    expect(isValidCorporateNumber('1180301018771')).toBe(true);
    expect(isValidCorporateNumber('5010401067252')).toBe(true);
    expect(corporateNumberCheckDigit('180301018771')).toBe(1);
    expect(corporateNumberCheckDigit('010401067252')).toBe(5);
  });

  it('rejects a wrong check digit, a typo, and wrong lengths', () => {
    expect(isValidCorporateNumber('2180301018771')).toBe(false);
    expect(isValidCorporateNumber('1180301018772')).toBe(false);
    expect(isValidCorporateNumber('118030101877')).toBe(false);
    expect(isValidCorporateNumber('11803010187710')).toBe(false);
    expect(isValidCorporateNumber('1180-3010-1877')).toBe(false);
  });

  it('normalizes what people type: full-width digits, hyphens, spaces', () => {
    expect(normalizeCorporateNumber('１１８０３０１０１８７７１')).toBe('1180301018771');
    expect(normalizeCorporateNumber('1-1803-0101-8771')).toBe('1180301018771');
    expect(normalizeCorporateNumber(' 1180 3010 18771 ')).toBe('1180301018771');
  });
});

describe('LEI', () => {
  it('checks ISO 7064 mod 97-10', () => {
    expect(isValidLei('5493001KJTIIGC8Y1R12')).toBe(true);
    expect(isValidLei('5493001KJTIIGC8Y1R13')).toBe(false);
    expect(isValidLei('5493001kjtiigc8y1r12')).toBe(false);
  });
});
