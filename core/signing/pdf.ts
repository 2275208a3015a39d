/**
 * Verifying PDF signatures as a certification body does: find each signature dictionary's
 * /ByteRange and /Contents, check the byte ranges cover the whole file but the signature
 * itself, and verify the CMS over exactly those bytes. Pure: works on the file's bytes.
 *
 * Also the PDF text-string encoding the signer uses for /Name, /Reason, /Location.
 */
import { concatBytes, fromHex, latin1 } from './bytes';
import { isoSeconds } from './certificate';
import { verifyDetached, type DetachedVerification, type VerifyDetachedOptions } from './cms';
import { readTlv } from './der';

/**
 * The body of a PDF literal string for `text`, one char per output byte: printable ASCII
 * as is, anything else UTF-16BE with a byte-order mark, written as octal escapes so the
 * result is 7-bit clean and has no unbalanced parentheses.
 */
export function pdfLiteralBody(text: string): string {
  const ascii = /^[\x20-\x7e]*$/.test(text);
  const bytes: number[] = [];
  if (ascii) for (const ch of text) bytes.push(ch.charCodeAt(0));
  else {
    bytes.push(0xfe, 0xff);
    for (let i = 0; i < text.length; i++) bytes.push(text.charCodeAt(i) >> 8, text.charCodeAt(i) & 255);
  }
  return bytes.map((b) => (b >= 0x20 && b <= 0x7e && b !== 0x28 && b !== 0x29 && b !== 0x5c ? String.fromCharCode(b) : `\\${b.toString(8).padStart(3, '0')}`)).join('');
}

/** Decodes PDF string bytes: UTF-16BE with a BOM, UTF-8 with a BOM, else PDFDocEncoding ≈ Latin-1. */
function decodeTextString(bytes: number[]): string {
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    let s = '';
    for (let i = 2; i + 1 < bytes.length; i += 2) s += String.fromCharCode((bytes[i]! << 8) | bytes[i + 1]!);
    return s;
  }
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    try {
      return decodeURIComponent(bytes.slice(3).map((b) => `%${b.toString(16).padStart(2, '0')}`).join(''));
    } catch {
      /* fall through to Latin-1 */
    }
  }
  return String.fromCharCode(...bytes);
}

/** Reads a literal `( … )` or hex `< … >` string starting at `pos` in a Latin-1 view. */
function readPdfString(s: string, pos: number): number[] | undefined {
  if (s[pos] === '<') {
    const end = s.indexOf('>', pos);
    if (end < 0) return undefined;
    let hex = s.slice(pos + 1, end).replace(/\s+/g, '');
    if (!/^[0-9a-fA-F]*$/.test(hex)) return undefined;
    if (hex.length % 2) hex += '0';
    return [...fromHex(hex)];
  }
  if (s[pos] !== '(') return undefined;
  const out: number[] = [];
  let depth = 1;
  for (let i = pos + 1; i < s.length && i < pos + 65_536; i++) {
    const ch = s[i]!;
    if (ch === '\\') {
      const n = s[++i];
      if (n === undefined) return undefined;
      const simple: Record<string, number> = { n: 10, r: 13, t: 9, b: 8, f: 12, '(': 40, ')': 41, '\\': 92 };
      if (n in simple) out.push(simple[n]!);
      else if (/[0-7]/.test(n)) {
        let oct = n;
        while (oct.length < 3 && /[0-7]/.test(s[i + 1] ?? '')) oct += s[++i];
        out.push(parseInt(oct, 8) & 255);
      } else if (n === '\r') {
        if (s[i + 1] === '\n') i++;
      } else if (n !== '\n') out.push(n.charCodeAt(0));
      continue;
    }
    if (ch === '(') depth++;
    if (ch === ')' && --depth === 0) return out;
    out.push(ch.charCodeAt(0));
  }
  return undefined;
}

/** Parses a PDF date `D:YYYYMMDDHHmmSSOHH'mm'` (fields after the year optional). */
export function parsePdfDate(text: string): Date | undefined {
  const m = /^D:(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(?:(Z)|([+-])(\d{2})'?(\d{2})?'?)?/.exec(text);
  if (!m) return undefined;
  const t = Date.UTC(Number(m[1]), Number(m[2] ?? 1) - 1, Number(m[3] ?? 1), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0));
  const offset = m[8] ? (m[8] === '-' ? -1 : 1) * (Number(m[9]) * 60 + Number(m[10] ?? 0)) : 0;
  return new Date(t - offset * 60_000);
}

export interface PdfSignatureVerification extends DetachedVerification {
  byteRange: [number, number, number, number];
  /** The signed ranges cover the whole file except the /Contents value. */
  coversWholeDocument: boolean;
  subFilter?: string;
  /** /M: the signing time claimed in the signature dictionary (PAdES puts it here). */
  pdfSigningTime?: Date;
  name?: string;
  reason?: string;
  location?: string;
  contactInfo?: string;
  /** Departures from PAdES baseline B-B that do not invalidate the signature. */
  warnings: string[];
}

export interface PdfVerification {
  /** At least one signature, and every one valid. */
  valid: boolean;
  signatures: PdfSignatureVerification[];
  /** Problems of the file as a whole (e.g. no signature at all). */
  reasons: string[];
}

const BYTE_RANGE = /\/ByteRange\s*\[\s*(\d{1,12})\s+(\d{1,12})\s+(\d{1,12})\s+(\d{1,12})\s*\]/g;
const MAX_SIGNATURES = 32;

function dictionaryValue(window: string, key: string): number[] | undefined {
  const re = new RegExp(`/${key}\\s*([(<])`);
  const m = re.exec(window);
  if (!m) return undefined;
  if (m[1] === '<' && window[m.index + m[0].length] === '<') return undefined; // a dictionary, not a string
  return readPdfString(window, m.index + m[0].length - 1);
}

/**
 * Verifies every signature in a PDF against the verifier's trust anchors: the CMS over the
 * /ByteRange bytes (digest, signature, chain, validity at /M or the given time), that the
 * ranges cover the whole file, and notes departures from PAdES baseline B-B as warnings.
 * Never throws on a malformed file: problems are reported.
 */
export async function verifyPdfSignature(pdf: Uint8Array, options: VerifyDetachedOptions): Promise<PdfVerification> {
  const s = latin1(pdf);
  const signatures: PdfSignatureVerification[] = [];
  const reasons: string[] = [];
  const matches = [...s.matchAll(BYTE_RANGE)].slice(0, MAX_SIGNATURES);
  const lastEnd = Math.max(0, ...matches.map((m) => Number(m[3]) + Number(m[4])));
  for (const m of matches) {
    const br = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])] as [number, number, number, number];
    const base: PdfSignatureVerification = { valid: false, intact: false, chainTrusted: false, chain: [], checkedAt: options.at ?? new Date(), signedAttributes: [], reasons: [], byteRange: br, coversWholeDocument: false, warnings: [] };
    const [b0, b1, b2, b3] = br;
    if (b0 !== 0 || b1 <= 0 || b2 <= b1 + 1 || b2 + b3 > pdf.length || s[b1] !== '<' || s[b2 - 1] !== '>') {
      base.reasons.push(`the /ByteRange [${br.join(' ')}] does not frame a /Contents value in this file`);
      signatures.push(base);
      continue;
    }
    const hex = s.slice(b1 + 1, b2 - 1).replace(/\s+/g, '');
    let cms: Uint8Array;
    try {
      const raw = fromHex(hex.length % 2 ? `${hex}0` : hex);
      cms = raw.subarray(0, readTlv(raw).end);
    } catch {
      base.reasons.push('the /Contents value is not a DER signature');
      signatures.push(base);
      continue;
    }
    // The signature dictionary around the ranges (without the big /Contents value).
    const objStart = Math.max(s.lastIndexOf(' obj', m.index ?? 0), s.lastIndexOf('\nobj', m.index ?? 0), 0);
    const objEnd = s.indexOf('endobj', b2);
    const window = s.slice(objStart, b1) + s.slice(b2, objEnd < 0 ? Math.min(s.length, b2 + 4096) : objEnd);
    const text = (key: string) => {
      const v = dictionaryValue(window, key);
      return v ? decodeTextString(v) : undefined;
    };
    const subFilter = /\/SubFilter\s*\/([^\s/<>[\]()]+)/.exec(window)?.[1];
    const mText = text('M');
    const pdfSigningTime = mText ? parsePdfDate(mText) : undefined;

    const signedBytes = concatBytes(pdf.subarray(0, b1), pdf.subarray(b2, b2 + b3));
    const at = options.at ?? pdfSigningTime;
    const v = await verifyDetached(signedBytes, cms, { ...options, ...(at ? { at } : {}) });
    const tail = s.slice(b2 + b3);
    const result: PdfSignatureVerification = { ...v, byteRange: br, coversWholeDocument: /^\s*$/.test(tail), warnings: [] };
    if (subFilter) result.subFilter = subFilter;
    if (pdfSigningTime) result.pdfSigningTime = pdfSigningTime;
    for (const [k, key] of [
      ['name', 'Name'],
      ['reason', 'Reason'],
      ['location', 'Location'],
      ['contactInfo', 'ContactInfo'],
    ] as const) {
      const t = text(key);
      if (t !== undefined) result[k] = t;
    }
    if (!result.coversWholeDocument) {
      if (b2 + b3 === lastEnd) result.reasons.push(`${pdf.length - (b2 + b3)} bytes were added after the signed part of the file: it was changed after signing`);
      else result.warnings.push('a later revision of the file follows this signature');
    }
    if (subFilter === 'ETSI.CAdES.detached') {
      if (v.signedAttributes.includes('signingTime')) result.warnings.push('PAdES baseline: the CMS carries a signingTime attribute (the time belongs in /M)');
      if (!v.signedAttributes.includes('signingCertificateV2') && !v.signedAttributes.includes('signingCertificate')) result.warnings.push('PAdES baseline: the CMS has no signingCertificateV2 attribute');
      if (!pdfSigningTime) result.warnings.push('PAdES baseline: the signature dictionary has no /M signing time');
    }
    if (pdfSigningTime && v.signingTime && Math.abs(pdfSigningTime.getTime() - v.signingTime.getTime()) > 60_000) {
      result.warnings.push(`/M (${isoSeconds(pdfSigningTime)}) and the CMS signingTime (${isoSeconds(v.signingTime)}) differ`);
    }
    result.valid = result.intact && result.chainTrusted && result.reasons.length === 0;
    signatures.push(result);
  }
  if (signatures.length === 0) reasons.push('the PDF has no signature');
  return { valid: signatures.length > 0 && signatures.every((x) => x.valid), signatures, reasons };
}
