/**
 * X.500 names: building them (UTF8String, so Japanese names survive every tool) and
 * printing them as RFC 4514 strings (`CN=…,O=…,C=JP`, most specific first, like NSS and
 * pdfsig print them).
 */
import { utf8DecodeStrict } from '../criteria/utf8';
import { toHex } from './bytes';
import { children, content, decodeOid, oid, printableString, readTlv, seq, setOf, utf8String } from './der';
import { SigningError } from './errors';
import { OID } from './oids';

export interface NameParts {
  commonName: string;
  organization?: string;
  organizationalUnit?: string;
  /** ISO 3166 two-letter code, e.g. JP. */
  country?: string;
}

/** RFC 5280 upper bounds (in characters). */
const UPPER_BOUND = { commonName: 64, organization: 64, organizationalUnit: 64 } as const;

function checkText(field: keyof typeof UPPER_BOUND, value: string): string {
  const v = value.normalize('NFC').trim();
  if (!v) throw new SigningError('bad-input', `the ${field} must not be empty`);
  if ([...v].length > UPPER_BOUND[field]) throw new SigningError('bad-input', `the ${field} "${v}" is longer than ${UPPER_BOUND[field]} characters (the X.509 limit); shorten it`);
  if (/\p{Cc}/u.test(v)) throw new SigningError('bad-input', `the ${field} must not contain control characters`);
  return v;
}

/**
 * The DER of a Name (C, O, OU, CN in that order, one attribute per RDN). Text is UTF8String
 * (RFC 5280 §4.1.2.6), the country PrintableString as X.520 requires.
 */
export function encodeName(parts: NameParts): Uint8Array {
  const rdn = (type: string, value: Uint8Array) => setOf([seq(oid(type), value)]);
  const rdns: Uint8Array[] = [];
  if (parts.country !== undefined) {
    const c = parts.country.trim().toUpperCase();
    if (!/^[A-Z]{2}$/.test(c)) throw new SigningError('bad-input', `the country "${parts.country}" is not a two-letter ISO 3166 code such as JP`);
    rdns.push(rdn(OID.country, printableString(c)));
  }
  if (parts.organization !== undefined) rdns.push(rdn(OID.organization, utf8String(checkText('organization', parts.organization))));
  if (parts.organizationalUnit !== undefined) rdns.push(rdn(OID.organizationalUnit, utf8String(checkText('organizationalUnit', parts.organizationalUnit))));
  rdns.push(rdn(OID.commonName, utf8String(checkText('commonName', parts.commonName))));
  return seq(...rdns);
}

const SHORT_NAMES: Record<string, string> = {
  [OID.commonName]: 'CN',
  [OID.surname]: 'SN',
  [OID.serialNumber]: 'serialNumber',
  [OID.country]: 'C',
  [OID.locality]: 'L',
  [OID.state]: 'ST',
  [OID.organization]: 'O',
  [OID.organizationalUnit]: 'OU',
  [OID.title]: 'title',
  [OID.givenName]: 'GN',
  [OID.organizationIdentifier]: 'organizationIdentifier',
  [OID.emailAddress]: 'E',
  [OID.domainComponent]: 'DC',
};

/** The text of a directory string, or undefined for types that are not text. */
function decodeString(tag: number, bytes: Uint8Array): string | undefined {
  switch (tag) {
    case 0x0c: // UTF8String
      return utf8DecodeStrict(bytes) ?? undefined;
    case 0x12: // NumericString
    case 0x13: // PrintableString
    case 0x16: // IA5String
    case 0x1a: // VisibleString
    case 0x14: // TeletexString, read as Latin-1 as most tools do
      return String.fromCharCode(...bytes);
    case 0x1e: {
      // BMPString: UTF-16BE
      if (bytes.length % 2) return undefined;
      let s = '';
      for (let i = 0; i < bytes.length; i += 2) s += String.fromCharCode((bytes[i]! << 8) | bytes[i + 1]!);
      return s;
    }
    case 0x1c: {
      // UniversalString: UTF-32BE
      if (bytes.length % 4) return undefined;
      let s = '';
      for (let i = 0; i < bytes.length; i += 4) s += String.fromCodePoint(((bytes[i]! << 24) | (bytes[i + 1]! << 16) | (bytes[i + 2]! << 8) | bytes[i + 3]!) >>> 0);
      return s;
    }
    default:
      return undefined;
  }
}

function escape4514(v: string): string {
  let s = v.replace(/[\\,+"<>;=]/g, (c) => `\\${c}`);
  if (s.startsWith('#') || s.startsWith(' ')) s = `\\${s}`;
  if (s.endsWith(' ')) s = `${s.slice(0, -1)}\\ `;
  return s;
}

export interface NameAttribute {
  type: string;
  /** Short name (CN, O, …) or the dotted OID. */
  name: string;
  value: string;
  /** True when the value is not text and `value` is `#` + hex of its DER (RFC 4514 §2.4). */
  hex?: boolean;
}

/** The attributes of a DER Name in encoding order (least specific first). */
export function nameAttributes(nameDer: Uint8Array): NameAttribute[][] {
  const top = readTlv(nameDer);
  if (top.tag !== 0x30) throw new Error('a Name must be a SEQUENCE');
  return children(nameDer, top).map((rdn) => {
    if (rdn.tag !== 0x31) throw new Error('an RDN must be a SET');
    return children(nameDer, rdn).map((atv) => {
      const [t, v] = children(nameDer, atv);
      if (!t || !v || t.tag !== 0x06) throw new Error('bad AttributeTypeAndValue');
      const type = decodeOid(content(nameDer, t));
      const text = decodeString(v.tag, content(nameDer, v));
      const name = SHORT_NAMES[type] ?? type;
      return text === undefined ? { type, name, value: `#${toHex(nameDer.subarray(v.start, v.end))}`, hex: true } : { type, name, value: text };
    });
  });
}

/** RFC 4514 string of a DER Name: `CN=株式会社サンプル認証 審査部,O=…,C=JP`. */
export function formatName(nameDer: Uint8Array): string {
  return nameAttributes(nameDer)
    .reverse()
    .map((rdn) => rdn.map((a) => `${a.name}=${a.hex ? a.value : escape4514(a.value)}`).join('+'))
    .join(',');
}

/** The first commonName of a DER Name, if any. */
export function commonNameOf(nameDer: Uint8Array): string | undefined {
  for (const rdn of nameAttributes(nameDer).reverse()) for (const a of rdn) if (a.type === OID.commonName && !a.hex) return a.value;
  return undefined;
}
