/**
 * Display names of evidence files. The original name of a collected file is untrusted
 * (it comes from the organization being assessed): it is kept only as display text, never
 * used as a path — blobs are stored under their SHA-256.
 */

/** Longest display name in UTF-8 bytes: the limit of common file systems, should it ever be used as one. */
export const MAX_DISPLAY_NAME_BYTES = 255;
const FALLBACK_NAME = 'unnamed';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// Control characters (C0, DEL, C1) and line/paragraph separators would break lines in
// reports and spreadsheets: they become spaces.
const CONTROL = /[\p{Cc}\u2028\u2029]/gu;
// Format characters (bidi overrides such as U+202E, zero-width characters, BOM) can make a
// name display as something it is not ("invoice\u202Efdp.exe" shows as "invoiceexe.pdf").
const FORMAT = /\p{Cf}/gu;
// Characters Windows refuses in file names (separators are handled before).
const WINDOWS_FORBIDDEN = /[<>:"|?*]/g;
// Device names Windows reserves with or without an extension (also with trailing spaces).
const WINDOWS_RESERVED = /^(CON|PRN|AUX|NUL|COM[0-9¹²³]|LPT[0-9¹²³]|CONIN\$|CONOUT\$)\s*(\..*)?$/i;
const EXTENSION = /\.[A-Za-z0-9]{1,16}$/;

/**
 * Turns an untrusted file name into safe display text: the last path segment only (no
 * `..`, drive, UNC or absolute parts), NFC-normalized (macOS hands out NFD Japanese names),
 * without control or bidi-format characters, without characters Windows forbids, not a
 * reserved Windows device name, at most 255 UTF-8 bytes (the extension is kept when
 * truncating). Never empty. Idempotent: a sanitized name sanitizes to itself.
 */
export function sanitizeDisplayName(input: string): string {
  let name = input.replace(LONE_SURROGATE, '\uFFFD').normalize('NFC');
  const segments = name.split(/[/\\]/).filter((s) => s.trim() !== '');
  name = segments.length > 0 ? segments[segments.length - 1]! : '';
  name = name
    .replace(CONTROL, ' ')
    .replace(FORMAT, '')
    .replace(WINDOWS_FORBIDDEN, '_')
    .replace(/\s+/gu, ' ')
    .trim()
    // Windows drops trailing dots and spaces, which would make two names collide.
    .replace(/[. ]+$/u, '');
  if (name === '' || /^\.+$/.test(name)) return FALLBACK_NAME;
  if (WINDOWS_RESERVED.test(name)) name = `_${name}`;
  return truncateUtf8(name, MAX_DISPLAY_NAME_BYTES);
}

/** True when `name` is already what `sanitizeDisplayName` would produce. */
export function isSanitizedDisplayName(name: string): boolean {
  return sanitizeDisplayName(name) === name;
}

function utf8Length(text: string): number {
  let bytes = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
  return bytes;
}

function truncateUtf8(name: string, maxBytes: number): string {
  if (utf8Length(name) <= maxBytes) return name;
  const ext = EXTENSION.exec(name)?.[0] ?? '';
  const marker = '…';
  const budget = maxBytes - utf8Length(ext) - utf8Length(marker);
  let stem = '';
  let used = 0;
  // Iterating by code point never splits a surrogate pair.
  for (const ch of name.slice(0, name.length - ext.length)) {
    const size = utf8Length(ch);
    if (used + size > budget) break;
    stem += ch;
    used += size;
  }
  return `${stem.trimEnd()}${marker}${ext}`;
}
