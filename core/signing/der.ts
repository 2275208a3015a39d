/**
 * A small DER writer and a bounds-checked TLV reader.
 *
 * The writer exists so the structures whose exact bytes matter — PKCS#12 containers,
 * extension values, ESS attributes — are encoded exactly as written here (DER, sorted
 * SET OF), with no library re-encoding in between. Parsing of whole certificates and CMS
 * messages goes through PKI.js; the reader covers the few places where the original bytes
 * of an element are needed (certificate fingerprints, the CMS inside a PDF placeholder).
 */
import { concatBytes } from './bytes';
import { utf8Encode } from '../criteria/utf8';

function lengthBytes(n: number): Uint8Array {
  if (n < 0x80) return Uint8Array.of(n);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 255);
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

/** A DER element: tag byte, definite length, content. */
export function tlv(tag: number, ...content: Uint8Array[]): Uint8Array {
  const body = concatBytes(...content);
  return concatBytes(Uint8Array.of(tag), lengthBytes(body.length), body);
}

export const seq = (...items: Uint8Array[]): Uint8Array => tlv(0x30, ...items);

/** SET OF in DER order: elements sorted by their encodings (X.690 11.6). */
export function setOf(items: Uint8Array[]): Uint8Array {
  return tlv(0x31, ...sortDer(items));
}

/** Sorts encodings as DER requires for SET OF: byte-wise, a prefix before a longer value. */
export function sortDer(items: Uint8Array[]): Uint8Array[] {
  return [...items].sort((a, b) => {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
    return a.length - b.length;
  });
}

/** `[n]` EXPLICIT (constructed, context-specific). */
export const explicit = (n: number, ...content: Uint8Array[]): Uint8Array => tlv(0xa0 | n, ...content);

/** `[n]` IMPLICIT primitive (context-specific). */
export const implicitPrimitive = (n: number, content: Uint8Array): Uint8Array => tlv(0x80 | n, content);

export function oid(dotted: string): Uint8Array {
  const parts = dotted.split('.').map(Number);
  if (parts.length < 2 || parts.some((p) => !Number.isSafeInteger(p) || p < 0)) throw new Error(`bad OID ${dotted}`);
  const out: number[] = [];
  const arcs = [parts[0]! * 40 + parts[1]!, ...parts.slice(2)];
  for (const arc of arcs) {
    const bytes: number[] = [arc & 0x7f];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) bytes.unshift(0x80 | (v & 0x7f));
    out.push(...bytes);
  }
  return tlv(0x06, Uint8Array.from(out));
}

export const octetString = (bytes: Uint8Array): Uint8Array => tlv(0x04, bytes);
export const nullValue = (): Uint8Array => Uint8Array.of(0x05, 0x00);
export const utf8String = (text: string): Uint8Array => tlv(0x0c, utf8Encode(text));
export const printableString = (text: string): Uint8Array => tlv(0x13, Uint8Array.from(text, (c) => c.charCodeAt(0)));

/** BMPString: UTF-16BE (PKCS#12 friendlyName). */
export function bmpString(text: string): Uint8Array {
  const out = new Uint8Array(text.length * 2);
  for (let i = 0; i < text.length; i++) {
    out[2 * i] = text.charCodeAt(i) >> 8;
    out[2 * i + 1] = text.charCodeAt(i) & 255;
  }
  return tlv(0x1e, out);
}

export const booleanValue = (v: boolean): Uint8Array => Uint8Array.of(0x01, 0x01, v ? 0xff : 0x00);

/** A non-negative INTEGER from a number. */
export function integer(n: number): Uint8Array {
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`bad integer ${n}`);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 255);
  if (bytes.length === 0 || bytes[0]! & 0x80) bytes.unshift(0);
  return tlv(0x02, Uint8Array.from(bytes));
}

/** A non-negative INTEGER from big-endian magnitude bytes (leading zeros trimmed, sign byte added). */
export function unsignedInteger(magnitude: Uint8Array): Uint8Array {
  let i = 0;
  while (i < magnitude.length - 1 && magnitude[i] === 0) i++;
  const m = magnitude.subarray(i);
  return tlv(0x02, m.length > 0 && m[0]! & 0x80 ? concatBytes(Uint8Array.of(0), m) : m.length ? m : Uint8Array.of(0));
}

/** BIT STRING with `unused` padding bits in the last byte. */
export const bitString = (bytes: Uint8Array, unused = 0): Uint8Array => tlv(0x03, Uint8Array.of(unused), bytes);

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** RFC 5280 / RFC 5652 Time: UTCTime for 1950–2049, GeneralizedTime otherwise; whole seconds, Z. */
export function time(date: Date): Uint8Array {
  const y = date.getUTCFullYear();
  const rest = `${pad2(date.getUTCMonth() + 1)}${pad2(date.getUTCDate())}${pad2(date.getUTCHours())}${pad2(date.getUTCMinutes())}${pad2(date.getUTCSeconds())}Z`;
  if (y >= 1950 && y < 2050) return tlv(0x17, Uint8Array.from(`${pad2(y % 100)}${rest}`, (c) => c.charCodeAt(0)));
  return tlv(0x18, Uint8Array.from(`${String(y).padStart(4, '0')}${rest}`, (c) => c.charCodeAt(0)));
}

/** One parsed TLV header: where the element and its content start and end. */
export interface Tlv {
  tag: number;
  /** Offset of the tag byte. */
  start: number;
  /** Offset of the first content byte. */
  contentStart: number;
  /** Offset just past the element. */
  end: number;
}

/**
 * Reads the DER/BER header at `offset` (definite lengths only, single-byte tags) and checks
 * that the element fits inside `limit`. Throws on anything malformed.
 */
export function readTlv(bytes: Uint8Array, offset = 0, limit = bytes.length): Tlv {
  if (offset + 2 > limit) throw new Error('truncated ASN.1 element');
  const tag = bytes[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new Error('multi-byte ASN.1 tags are not supported here');
  let p = offset + 1;
  const first = bytes[p++]!;
  let len: number;
  if (first < 0x80) len = first;
  else {
    const n = first & 0x7f;
    if (n === 0) throw new Error('indefinite-length ASN.1 element');
    if (n > 4 || p + n > limit) throw new Error('ASN.1 length too large');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + bytes[p++]!;
  }
  if (p + len > limit) throw new Error('truncated ASN.1 element');
  return { tag, start: offset, contentStart: p, end: p + len };
}

/** The child elements of a constructed element. */
export function children(bytes: Uint8Array, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let p = parent.contentStart; p < parent.end; ) {
    const t = readTlv(bytes, p, parent.end);
    out.push(t);
    p = t.end;
  }
  return out;
}

export const slice = (bytes: Uint8Array, t: Tlv): Uint8Array => bytes.subarray(t.start, t.end);
export const content = (bytes: Uint8Array, t: Tlv): Uint8Array => bytes.subarray(t.contentStart, t.end);

/** Dotted form of an OBJECT IDENTIFIER's content bytes. */
export function decodeOid(contentBytes: Uint8Array): string {
  const arcs: number[] = [];
  let v = 0;
  for (const b of contentBytes) {
    v = v * 128 + (b & 0x7f);
    if (!(b & 0x80)) {
      arcs.push(v);
      v = 0;
    }
  }
  if (arcs.length === 0) throw new Error('empty OBJECT IDENTIFIER');
  const first = arcs[0]!;
  const head = first < 80 ? [Math.floor(first / 40), first % 40] : [2, first - 80];
  return [...head, ...arcs.slice(1)].join('.');
}
