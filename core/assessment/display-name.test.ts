import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MAX_DISPLAY_NAME_BYTES, sanitizeDisplayName } from './display-name';

const utf8 = (s: string) => new TextEncoder().encode(s).length;

describe('sanitizeDisplayName', () => {
  it.each([
    ['../x', 'x'],
    ['../../etc/passwd', 'passwd'],
    ['/etc/passwd', 'passwd'],
    ['C:\\x', 'x'],
    ['C:\\Windows\\System32\\cmd.exe', 'cmd.exe'],
    ['\\\\server\\share', 'share'],
    ['\\\\?\\C:\\secret.txt', 'secret.txt'],
    ['C:relative.txt', 'C_relative.txt'],
    ['CON', '_CON'],
    ['nul.txt', '_nul.txt'],
    ['COM1', '_COM1'],
    ['lpt9.log', '_lpt9.log'],
    ['CON .txt', '_CON .txt'],
    ['report.', 'report'],
    ['report. . ', 'report'],
    ['..', 'unnamed'],
    ['.', 'unnamed'],
    ['', 'unnamed'],
    ['   ', 'unnamed'],
    ['///', 'unnamed'],
    ['a\u0000b.pdf', 'a b.pdf'],
    ['line1\nline2\r\t.txt', 'line1 line2 .txt'],
    ['\u0007bell\u007f\u009b.txt', 'bell .txt'],
    ['invoice\u202Efdp.exe', 'invoicefdp.exe'],
    ['\u2066isolate\u2069\u200B\uFEFF.png', 'isolate.png'],
    ['what?<is>:this|"*.txt', 'what__is__this___.txt'],
    ['\uD800lonely.txt', '\uFFFDlonely.txt'],
    ['写真 2025-06-02.jpg', '写真 2025-06-02.jpg'],
  ])('%j → %j', (input, expected) => {
    expect(sanitizeDisplayName(input)).toBe(expected);
  });

  it('normalizes macOS NFD names to NFC (Japanese dakuten)', () => {
    const nfd = 'ガイドライン.pdf'.normalize('NFD');
    expect(nfd).not.toBe('ガイドライン.pdf');
    expect(sanitizeDisplayName(nfd)).toBe('ガイドライン.pdf');
  });

  it('cuts a 10,000-character name to 255 UTF-8 bytes, keeping the extension and whole characters', () => {
    const ascii = sanitizeDisplayName(`${'a'.repeat(10_000)}.pdf`);
    expect(utf8(ascii)).toBeLessThanOrEqual(MAX_DISPLAY_NAME_BYTES);
    expect(ascii.endsWith('….pdf')).toBe(true);
    const japanese = sanitizeDisplayName(`${'証'.repeat(10_000)}.xlsx`);
    expect(utf8(japanese)).toBeLessThanOrEqual(MAX_DISPLAY_NAME_BYTES);
    expect(japanese).toMatch(/^証+….xlsx$/);
    const emoji = sanitizeDisplayName('😀'.repeat(10_000));
    expect(utf8(emoji)).toBeLessThanOrEqual(MAX_DISPLAY_NAME_BYTES);
    expect(emoji).toMatch(/^(😀)+…$/u);
  });

  it('always gives a short, single-segment, printable, non-reserved name, and is idempotent', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (input) => {
        const out = sanitizeDisplayName(input);
        expect(out.length).toBeGreaterThan(0);
        expect(utf8(out)).toBeLessThanOrEqual(MAX_DISPLAY_NAME_BYTES);
        expect(out).not.toMatch(/[/\\<>:"|?*]/);
        expect(out).not.toMatch(/[\p{Cc}\p{Cf}\u2028\u2029]/u);
        expect(out).not.toMatch(/^(CON|PRN|AUX|NUL|COM\d|LPT\d)(\..*)?$/i);
        expect(out).not.toMatch(/[. ]$/);
        expect(out).not.toBe('..');
        expect(sanitizeDisplayName(out)).toBe(out);
      }),
      { numRuns: 1000 },
    );
  });
});
