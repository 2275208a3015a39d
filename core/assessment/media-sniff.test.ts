import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PDFDocument } from 'pdf-lib';
import { SNIFF_BYTES, imageSize, sniffMedia, utf8PrefixLength } from './media-sniff';
import { utf8Encode } from '../criteria/utf8';

const bytes = (...parts: (number[] | string)[]): Uint8Array =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...utf8Encode(p)] : p)));

const fromBase64 = (b64: string): Uint8Array => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));

// A real 1×1 PNG (signature, IHDR, IDAT, IEND).
const PNG_1X1 = fromBase64('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==');
// A real 1×1 GIF89a.
const GIF_1X1 = fromBase64('R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==');
const JPEG_HEAD = bytes([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10], 'JFIF', [0]);
const WEBP_HEAD = bytes('RIFF', [0x24, 0, 0, 0], 'WEBPVP8 ', [0x18, 0, 0, 0]);

describe('sniffMedia', () => {
  it('recognizes the raster images the app shows', () => {
    expect(sniffMedia(PNG_1X1)).toEqual({ kind: 'image', mediaType: 'image/png' });
    expect(sniffMedia(GIF_1X1)).toEqual({ kind: 'image', mediaType: 'image/gif' });
    expect(sniffMedia(JPEG_HEAD)).toEqual({ kind: 'image', mediaType: 'image/jpeg' });
    expect(sniffMedia(WEBP_HEAD)).toEqual({ kind: 'image', mediaType: 'image/webp' });
    expect(sniffMedia(bytes('RIFF', [0, 0, 0, 0], 'WEBPVP8L', [0, 0, 0, 0]))).toEqual({ kind: 'image', mediaType: 'image/webp' });
  });

  it('recognizes a PDF made by a real PDF writer', async () => {
    const doc = await PDFDocument.create();
    doc.addPage();
    expect(sniffMedia(await doc.save())).toEqual({ kind: 'pdf', mediaType: 'application/pdf' });
  });

  it('goes by the bytes, not the name: a PNG renamed .pdf stays an image', () => {
    // The sniffer takes no name at all; the handler test stores this file as "report.pdf".
    expect(sniffMedia(PNG_1X1)).toEqual({ kind: 'image', mediaType: 'image/png' });
    expect(sniffMedia(bytes('%PDF-1.4 but really a text note')).kind).toBe('pdf');
  });

  it('refuses SVG, even though it is UTF-8 text', () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>';
    expect(sniffMedia(bytes(svg))).toEqual({ kind: 'none', mediaType: 'image/svg+xml' });
    expect(sniffMedia(bytes('<?xml version="1.0"?>\n<!-- a drawing -->\n<SVG width="10">'))).toEqual({ kind: 'none', mediaType: 'image/svg+xml' });
    expect(sniffMedia(bytes([0xef, 0xbb, 0xbf], '  \n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN">'))).toEqual({ kind: 'none', mediaType: 'image/svg+xml' });
  });

  it('never calls a file cut off inside its header an image or a PDF', () => {
    // Binary prefixes are nothing; prefixes that happen to be ASCII ("GIF8") are at most
    // text, which the app shows as characters.
    for (let n = 1; n < 16; n++) expect(sniffMedia(PNG_1X1.subarray(0, n)).kind, `PNG cut at ${n}`).toBe('none');
    for (let n = 1; n < 4; n++) expect(sniffMedia(JPEG_HEAD.subarray(0, n)).kind, `JPEG cut at ${n}`).toBe('none');
    for (let n = 1; n < 13; n++) expect(sniffMedia(GIF_1X1.subarray(0, n)).kind, `GIF cut at ${n}`).not.toBe('image');
    for (let n = 1; n < 16; n++) expect(sniffMedia(WEBP_HEAD.subarray(0, n)).kind, `WebP cut at ${n}`).not.toBe('image');
    expect(sniffMedia(GIF_1X1.subarray(0, 10)).kind).toBe('none');
    expect(sniffMedia(bytes('%PDF-')).kind).toBe('none');
    expect(sniffMedia(bytes('%PDF-1')).kind).toBe('none');
    expect(sniffMedia(bytes('%PDF-1.7\n')).kind).toBe('pdf');
  });

  it('refuses look-alikes: a PNG signature without IHDR, a RIFF that is not WebP', () => {
    const noIhdr = PNG_1X1.slice();
    noIhdr.set(utf8Encode('IDAT'), 12);
    expect(sniffMedia(noIhdr).kind).toBe('none');
    expect(sniffMedia(bytes('RIFF', [0, 0, 0, 0], 'WAVEfmt ', [16, 0, 0, 0])).kind).toBe('none');
  });

  it('shows UTF-8 text (Japanese included) and refuses binary or other encodings', () => {
    expect(sniffMedia(bytes('認証ポリシー v3\r\n\t- パスワードは 12 文字以上\n'))).toEqual({ kind: 'text', mediaType: 'text/plain' });
    expect(sniffMedia(bytes([0xef, 0xbb, 0xbf], 'with BOM'))).toEqual({ kind: 'text', mediaType: 'text/plain' });
    // HTML is shown as its source text, which runs nothing.
    expect(sniffMedia(bytes('<!doctype html><p>policy</p>')).kind).toBe('text');
    expect(sniffMedia(bytes('abc', [0], 'def')).kind).toBe('none');
    expect(sniffMedia(bytes('abc', [0x1b], '[31m')).kind).toBe('none');
    // Shift_JIS "認証" is not UTF-8.
    expect(sniffMedia(bytes([0x94, 0x46, 0x8f, 0xd8])).kind).toBe('none');
    // Overlong "/" and an encoded surrogate are malformed UTF-8.
    expect(sniffMedia(bytes([0xc0, 0xaf])).kind).toBe('none');
    expect(sniffMedia(bytes([0xed, 0xa0, 0x80])).kind).toBe('none');
    expect(sniffMedia(new Uint8Array(0)).kind).toBe('none');
  });

  it('accepts a character cut off by the end of the sniffed prefix, but not by the end of the file', () => {
    const text = bytes('a'.repeat(SNIFF_BYTES - 1), '認');
    expect(text.length).toBeGreaterThan(SNIFF_BYTES);
    expect(sniffMedia(text.subarray(0, SNIFF_BYTES)).kind).toBe('text');
    expect(sniffMedia(bytes('ab', [0xe8, 0xaa]), { complete: true }).kind).toBe('none');
    expect(sniffMedia(bytes('ab', [0xe8, 0xaa]), { complete: false }).kind).toBe('text');
  });

  it('never throws on arbitrary bytes and always answers a known kind', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (b) => {
        expect(['image', 'pdf', 'text', 'none']).toContain(sniffMedia(b).kind);
      }),
    );
  });
});

describe('utf8PrefixLength', () => {
  it('cuts before a character the limit would split', () => {
    const b = bytes('ab認証');
    expect(utf8PrefixLength(b, 2)).toBe(2);
    expect(utf8PrefixLength(b, 3)).toBe(2);
    expect(utf8PrefixLength(b, 4)).toBe(2);
    expect(utf8PrefixLength(b, 5)).toBe(5);
    expect(utf8PrefixLength(b, 100)).toBe(8);
  });
});

describe('imageSize', () => {
  it('reads the size each image format declares in its header', () => {
    expect(imageSize(PNG_1X1)).toEqual({ width: 1, height: 1 });
    expect(imageSize(GIF_1X1)).toEqual({ width: 1, height: 1 });
    // JPEG: APP0, then SOF0 with height 600 and width 800.
    const jpeg = bytes([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10], 'JFIF', [0, 1, 1, 0, 0, 1, 0, 1, 0, 0], [0xff, 0xc0, 0x00, 0x11, 0x08, 0x02, 0x58, 0x03, 0x20, 0x03]);
    expect(imageSize(jpeg)).toEqual({ width: 800, height: 600 });
    // Progressive JPEG (SOF2) after fill bytes.
    expect(imageSize(bytes([0xff, 0xd8, 0xff, 0xff, 0xc2, 0x00, 0x11, 0x08, 0x00, 0x10, 0x00, 0x20]))).toEqual({ width: 32, height: 16 });
    // WebP extended: canvas 4000 × 3000 stored minus one, 24-bit little-endian.
    const vp8x = bytes('RIFF', [0, 0, 0, 0], 'WEBPVP8X', [10, 0, 0, 0], [0, 0, 0, 0], [0x9f, 0x0f, 0x00], [0xb7, 0x0b, 0x00]);
    expect(imageSize(vp8x)).toEqual({ width: 4000, height: 3000 });
    // WebP lossless: 14-bit width-1 and height-1 after the 0x2f signature.
    const w = 640 - 1;
    const h = 480 - 1;
    const packed = w | (h << 14);
    const vp8l = bytes('RIFF', [0, 0, 0, 0], 'WEBPVP8L', [0, 0, 0, 0], [0x2f, packed & 0xff, (packed >> 8) & 0xff, (packed >> 16) & 0xff, (packed >>> 24) & 0xff]);
    expect(imageSize(vp8l)).toEqual({ width: 640, height: 480 });
    // WebP lossy: frame tag, start code, 14-bit width and height.
    const vp8 = bytes('RIFF', [0, 0, 0, 0], 'WEBPVP8 ', [0, 0, 0, 0], [0, 0, 0], [0x9d, 0x01, 0x2a], [0x40, 0x01, 0xf0, 0x00]);
    expect(imageSize(vp8)).toEqual({ width: 320, height: 240 });
  });

  it('answers null when the size is not in the bytes', () => {
    expect(imageSize(PNG_1X1.subarray(0, 20))).toBeNull();
    // A JPEG whose scan starts before any frame header.
    expect(imageSize(bytes([0xff, 0xd8, 0xff, 0xda, 0x00, 0x02]))).toBeNull();
    expect(imageSize(bytes([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x00]))).toBeNull();
    expect(imageSize(bytes('%PDF-1.7'))).toBeNull();
  });

  it('never throws or loops on arbitrary bytes after a JPEG signature', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (tail) => {
        const r = imageSize(Uint8Array.from([0xff, 0xd8, 0xff, ...tail]));
        expect(r === null || (Number.isInteger(r.width) && Number.isInteger(r.height))).toBe(true);
      }),
    );
  });
});
