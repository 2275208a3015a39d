/**
 * What an evidence file can safely be shown as, decided from its first bytes — never from its
 * name or the media type recorded at capture, both of which the person who supplied the file
 * chose. Only formats the app renders without running anything of the file qualify: raster
 * images the browser decodes, PDFs (rendered by pdf.js with scripting off) and plain UTF-8
 * text. SVG is text but can carry script, so it is refused like every other format.
 */

export type PreviewKind = 'image' | 'pdf' | 'text' | 'none';

export interface SniffResult {
  kind: PreviewKind;
  /** The media type the bytes prove, e.g. `image/png`; null when nothing was recognized. */
  mediaType: string | null;
}

/** How many leading bytes `sniffMedia` looks at; pass at least this many when the file is longer. */
export const SNIFF_BYTES = 8192;

const NONE: SniffResult = { kind: 'none', mediaType: null };

function startsWith(bytes: Uint8Array, signature: readonly number[], at = 0): boolean {
  if (bytes.length < at + signature.length) return false;
  for (let i = 0; i < signature.length; i++) if (bytes[at + i] !== signature[i]) return false;
  return true;
}

const ascii = (text: string): number[] => [...text].map((c) => c.charCodeAt(0));

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const IHDR = ascii('IHDR');
const JPEG = [0xff, 0xd8, 0xff];
const GIF87 = ascii('GIF87a');
const GIF89 = ascii('GIF89a');
const RIFF = ascii('RIFF');
const WEBP = ascii('WEBP');
const WEBP_CHUNKS = [ascii('VP8 '), ascii('VP8L'), ascii('VP8X')];
const PDF = ascii('%PDF-');
const UTF8_BOM = [0xef, 0xbb, 0xbf];

function isDigit(b: number | undefined): boolean {
  return b !== undefined && b >= 0x30 && b <= 0x39;
}

/**
 * Whether `bytes` are UTF-8 text: well-formed (no overlong forms, surrogates or values past
 * U+10FFFF) and free of control characters other than tab, line feed, form feed and carriage
 * return. When `complete` is false the bytes are a prefix of a longer file, so a sequence cut
 * off at the very end is accepted.
 */
function isUtf8Text(bytes: Uint8Array, complete: boolean): boolean {
  let i = startsWith(bytes, UTF8_BOM) ? 3 : 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0c && b !== 0x0d) return false;
      if (b === 0x7f) return false;
      i++;
      continue;
    }
    let need: number;
    let min: number;
    let cp: number;
    if (b >= 0xc2 && b <= 0xdf) [need, min, cp] = [1, 0x80, b & 0x1f];
    else if (b >= 0xe0 && b <= 0xef) [need, min, cp] = [2, 0x800, b & 0x0f];
    else if (b >= 0xf0 && b <= 0xf4) [need, min, cp] = [3, 0x10000, b & 0x07];
    else return false;
    for (let k = 1; k <= need; k++) {
      if (i + k >= bytes.length) return !complete;
      const c = bytes[i + k]!;
      if ((c & 0xc0) !== 0x80) return false;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    // C1 controls are as binary as C0 ones.
    if (cp >= 0x80 && cp <= 0x9f) return false;
    i += need + 1;
  }
  return true;
}

/** ASCII-lowercased text of the first bytes, for markup checks. */
function lowerAscii(bytes: Uint8Array, max: number): string {
  let s = '';
  for (let i = 0; i < Math.min(bytes.length, max); i++) {
    const b = bytes[i]!;
    s += b < 0x80 ? String.fromCharCode(b >= 0x41 && b <= 0x5a ? b + 32 : b) : ' ';
  }
  return s;
}

/** Markup that declares or contains an SVG root: an image format that may run script. */
function looksLikeSvg(bytes: Uint8Array): boolean {
  // Non-ASCII bytes (a BOM included) read as spaces here. An SVG whose root sits past the
  // sniffed prefix is called text: shown as text in a <pre>, it runs nothing either.
  const text = lowerAscii(bytes, bytes.length).trimStart();
  return text.startsWith('<') && /<svg[\s>/]|<!doctype\s+svg/.test(text);
}

/**
 * Decides what the bytes are from their signature. Headers must be whole: a file cut short
 * inside its own header is `none`, so the renderer never receives something it cannot decode.
 *
 * @param prefix the file's first bytes (at least `SNIFF_BYTES` of them, or all of a shorter file)
 * @param options.complete true when `prefix` is the whole file (decides how a cut-off UTF-8
 *   sequence at the end is judged); default: true when `prefix` is shorter than `SNIFF_BYTES`
 * @returns the preview kind and the media type the bytes prove
 */
export function sniffMedia(prefix: Uint8Array, options: { complete?: boolean } = {}): SniffResult {
  const complete = options.complete ?? prefix.length < SNIFF_BYTES;
  const bytes = prefix.length > SNIFF_BYTES ? prefix.subarray(0, SNIFF_BYTES) : prefix;
  if (bytes.length === 0) return NONE;

  // PNG: signature, then the IHDR chunk that must come first (length 4 bytes, then its type).
  if (startsWith(bytes, PNG)) return startsWith(bytes, IHDR, 12) ? { kind: 'image', mediaType: 'image/png' } : NONE;
  // JPEG: SOI, then the first marker's 0xFF and a marker code.
  if (startsWith(bytes, JPEG)) return bytes.length >= 4 && bytes[3] !== 0xff && bytes[3] !== 0x00 ? { kind: 'image', mediaType: 'image/jpeg' } : NONE;
  // GIF: version, then the logical screen descriptor (7 bytes).
  if (startsWith(bytes, GIF87) || startsWith(bytes, GIF89)) return bytes.length >= 13 ? { kind: 'image', mediaType: 'image/gif' } : NONE;
  // WebP: a RIFF container of form WEBP whose first chunk is one of the three VP8 kinds.
  if (startsWith(bytes, RIFF) && startsWith(bytes, WEBP, 8)) {
    return WEBP_CHUNKS.some((c) => startsWith(bytes, c, 12)) ? { kind: 'image', mediaType: 'image/webp' } : NONE;
  }
  // PDF: "%PDF-" and a version number "<digit>.<digit>".
  if (startsWith(bytes, PDF)) return isDigit(bytes[5]) && bytes[6] === 0x2e && isDigit(bytes[7]) ? { kind: 'pdf', mediaType: 'application/pdf' } : NONE;

  if (!isUtf8Text(bytes, complete)) return NONE;
  if (looksLikeSvg(bytes)) return { kind: 'none', mediaType: 'image/svg+xml' };
  return { kind: 'text', mediaType: 'text/plain' };
}

/**
 * The length of the longest prefix of `bytes` (at most `max`) that does not end inside a
 * UTF-8 sequence, so a text preview cut at `max` bytes never shows a broken last character.
 */
export function utf8PrefixLength(bytes: Uint8Array, max: number): number {
  if (bytes.length <= max) return bytes.length;
  let end = max;
  // Step back over continuation bytes to the start of the sequence the cut falls in.
  let back = 0;
  while (end > 0 && back < 3 && (bytes[end]! & 0xc0) === 0x80) {
    end--;
    back++;
  }
  return end;
}

const u16be = (b: Uint8Array, i: number) => (b[i]! << 8) | b[i + 1]!;
const u16le = (b: Uint8Array, i: number) => b[i]! | (b[i + 1]! << 8);
const u24le = (b: Uint8Array, i: number) => b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16);
const u32be = (b: Uint8Array, i: number) => ((b[i]! << 24) >>> 0) + ((b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!);

/** JPEG frame markers (SOF0–SOF15 except DHT, JPG and DAC), which carry the image size. */
function isSofMarker(m: number): boolean {
  return m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;
}

function jpegSize(b: Uint8Array): { width: number; height: number } | null {
  let i = 2;
  while (i + 4 <= b.length) {
    if (b[i] !== 0xff) return null;
    // Fill bytes: any number of 0xFF before a marker.
    while (i < b.length && b[i] === 0xff) i++;
    const marker = b[i];
    if (marker === undefined) return null;
    i++;
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) continue;
    // Entropy-coded data starts at SOS (or the image ends): no frame header came first.
    if (marker === 0xda || marker === 0xd9 || i + 2 > b.length) return null;
    const length = u16be(b, i);
    if (isSofMarker(marker)) return i + 7 <= b.length ? { height: u16be(b, i + 3), width: u16be(b, i + 5) } : null;
    if (length < 2) return null;
    i += length;
  }
  return null;
}

/**
 * The pixel size an image declares in its header, which is what a browser allocates to decode
 * it: a small file can declare an enormous image. Null when it cannot be read from `bytes`.
 */
export function imageSize(bytes: Uint8Array): { width: number; height: number } | null {
  const b = bytes;
  if (startsWith(b, PNG)) return b.length >= 24 && startsWith(b, IHDR, 12) ? { width: u32be(b, 16), height: u32be(b, 20) } : null;
  if (startsWith(b, GIF87) || startsWith(b, GIF89)) return b.length >= 10 ? { width: u16le(b, 6), height: u16le(b, 8) } : null;
  if (startsWith(b, JPEG)) return jpegSize(b);
  if (startsWith(b, RIFF) && startsWith(b, WEBP, 8)) {
    if (startsWith(b, ascii('VP8X'), 12)) return b.length >= 30 ? { width: u24le(b, 24) + 1, height: u24le(b, 27) + 1 } : null;
    if (startsWith(b, ascii('VP8L'), 12)) {
      if (b.length < 25 || b[20] !== 0x2f) return null;
      const bits = (b[21]! | (b[22]! << 8) | (b[23]! << 16) | (b[24]! << 24)) >>> 0;
      return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
    }
    if (startsWith(b, ascii('VP8 '), 12)) {
      return b.length >= 30 && startsWith(b, [0x9d, 0x01, 0x2a], 23) ? { width: u16le(b, 26) & 0x3fff, height: u16le(b, 28) & 0x3fff } : null;
    }
  }
  return null;
}
