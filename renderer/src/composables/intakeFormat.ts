// Display forms of the intake screens' identifiers (no rules: main computes the values).

/** A SHA-256 fingerprint as people compare it by eye: upper-case, in groups of four. */
export function groupedFingerprint(hex: string): string {
  const clean = hex.replace(/[^0-9a-f]/gi, '').toUpperCase();
  return clean.match(/.{1,4}/g)?.join(' ') ?? '';
}
