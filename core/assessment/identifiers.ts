/**
 * Organization identifiers with a check digit. A typo in a corporate number sends a
 * certification to the wrong legal entity, so the check digit is verified on entry.
 */

const FULL_WIDTH_DIGIT = /[０-９]/g;

/**
 * Canonical form of a Japanese corporate number (法人番号) as typed by a person: full-width
 * digits become ASCII, spaces and hyphens are dropped. The result is not validated.
 */
export function normalizeCorporateNumber(input: string): string {
  return input
    .replace(FULL_WIDTH_DIGIT, (d) => String.fromCharCode(d.charCodeAt(0) - 0xff10 + 0x30))
    .replace(/[\s\-‐－ー―]/g, '');
}

/**
 * Check digit of a corporate number's 12-digit base number, per the National Tax Agency's
 * rule: 9 − (Σ Pn × Qn mod 9), Pn the n-th digit counted from the right, Qn = 1 for odd n,
 * 2 for even n. The check digit is written first.
 */
export function corporateNumberCheckDigit(base12: string): number {
  if (!/^\d{12}$/.test(base12)) throw new Error('the base number must be 12 digits');
  let sum = 0;
  for (let n = 1; n <= 12; n++) {
    const digit = base12.charCodeAt(12 - n) - 48;
    sum += digit * (n % 2 === 1 ? 1 : 2);
  }
  return 9 - (sum % 9);
}

/** True when `value` is 13 ASCII digits whose first digit is the check digit of the other 12. */
export function isValidCorporateNumber(value: string): boolean {
  return /^\d{13}$/.test(value) && corporateNumberCheckDigit(value.slice(1)) === value.charCodeAt(0) - 48;
}

/** True for a well-formed ISO 17442 Legal Entity Identifier (20 characters, ISO 7064 mod 97-10). */
export function isValidLei(value: string): boolean {
  if (!/^[0-9A-Z]{18}[0-9]{2}$/.test(value)) return false;
  let remainder = 0;
  for (const ch of value) {
    const code = ch.charCodeAt(0);
    const digits = code <= 57 ? String(code - 48) : String(code - 55);
    for (const d of digits) remainder = (remainder * 10 + (d.charCodeAt(0) - 48)) % 97;
  }
  return remainder === 1;
}
