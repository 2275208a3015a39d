/**
 * Reading X.509 certificates: what a user and a verifier need to know about one (names,
 * validity, fingerprints, key, usages), and whether it may sign documents at a given time.
 */
import * as pkijs from 'pkijs';
import { sha256Hex } from '../criteria/sha256';
import { toArrayBuffer, toHex } from './bytes';
import { children, content, decodeOid, readTlv, slice, type Tlv } from './der';
import { SigningError } from './errors';
import { commonNameOf, formatName } from './names';
import { OID } from './oids';

export type KeyUsageName =
  | 'digitalSignature'
  | 'nonRepudiation'
  | 'keyEncipherment'
  | 'dataEncipherment'
  | 'keyAgreement'
  | 'keyCertSign'
  | 'cRLSign'
  | 'encipherOnly'
  | 'decipherOnly';

const KEY_USAGE_BITS: KeyUsageName[] = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
];

export type PublicKeyDescription =
  | { type: 'rsa'; bits: number }
  | { type: 'ec'; curve: 'P-256' | 'P-384' | 'P-521' | string }
  | { type: 'other'; algorithm: string };

/** What a certificate says, decoded. Public information only. */
export interface CertificateInfo {
  /** RFC 4514, most specific first: `CN=…,O=…,C=JP`. */
  subject: string;
  issuer: string;
  commonName: string | undefined;
  /** Serial number as uppercase hex (as openssl prints it). */
  serialNumber: string;
  notBefore: Date;
  notAfter: Date;
  /** SHA-256 of the DER certificate, lowercase hex (format with `formatFingerprint`). */
  sha256: string;
  publicKey: PublicKeyDescription;
  isCA: boolean;
  /** undefined when the certificate has no keyUsage extension (any use allowed). */
  keyUsage: KeyUsageName[] | undefined;
  /** Extended key usage OIDs; undefined when the extension is absent. */
  extendedKeyUsage: string[] | undefined;
  subjectKeyId: string | undefined;
  authorityKeyId: string | undefined;
  /** Issuer name equals subject name (a root or a self-issued certificate). */
  selfIssued: boolean;
}

/** A certificate parsed once: the decoded facts, the raw parts and the PKI.js object. */
export interface ParsedCertificate {
  der: Uint8Array;
  info: CertificateInfo;
  /** DER of the issuer and subject Names, the serial INTEGER and the SubjectPublicKeyInfo. */
  issuerDer: Uint8Array;
  subjectDer: Uint8Array;
  serialDer: Uint8Array;
  spkiDer: Uint8Array;
  pkijs: pkijs.Certificate;
}

/** Parses an ASN.1 Time (UTCTime or GeneralizedTime, Z or offset forms). */
export function parseAsn1Time(tag: number, bytes: Uint8Array): Date {
  const s = String.fromCharCode(...bytes);
  const m =
    tag === 0x17
      ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?(Z|[+-]\d{4})$/.exec(s)
      : tag === 0x18
        ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?(?:\.\d+)?(Z|[+-]\d{4})$/.exec(s)
        : null;
  if (!m) throw new Error(`bad ASN.1 time "${s}"`);
  let year = Number(m[1]);
  if (tag === 0x17) year += year < 50 ? 2000 : 1900;
  let t = Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0));
  const zone = m[7]!;
  if (zone !== 'Z') t -= (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3, 5))) * 60_000;
  return new Date(t);
}

function describeKey(der: Uint8Array, spki: Tlv): PublicKeyDescription {
  const [alg, bits] = children(der, spki);
  if (!alg || !bits) throw new Error('bad SubjectPublicKeyInfo');
  const [algOid, params] = children(der, alg);
  const algorithm = decodeOid(content(der, algOid!));
  if (algorithm === OID.rsaEncryption) {
    // BIT STRING → RSAPublicKey SEQUENCE { modulus, exponent }
    const key = content(der, bits).subarray(1);
    const rsa = readTlv(key);
    const [n] = children(key, rsa);
    let m = content(key, n!);
    while (m.length && m[0] === 0) m = m.subarray(1);
    const bitLength = m.length ? (m.length - 1) * 8 + (32 - Math.clz32(m[0]!)) : 0;
    return { type: 'rsa', bits: bitLength };
  }
  if (algorithm === OID.ecPublicKey && params?.tag === 0x06) {
    const curve = decodeOid(content(der, params));
    return { type: 'ec', curve: curve === OID.p256 ? 'P-256' : curve === OID.p384 ? 'P-384' : curve === OID.p521 ? 'P-521' : curve };
  }
  return { type: 'other', algorithm };
}

interface Extensions {
  isCA: boolean;
  keyUsage: KeyUsageName[] | undefined;
  extendedKeyUsage: string[] | undefined;
  subjectKeyId: string | undefined;
  authorityKeyId: string | undefined;
}

function readExtensions(der: Uint8Array, ext: Tlv | undefined): Extensions {
  const out: Extensions = { isCA: false, keyUsage: undefined, extendedKeyUsage: undefined, subjectKeyId: undefined, authorityKeyId: undefined };
  if (!ext) return out;
  const list = readTlv(der, ext.contentStart, ext.end);
  for (const e of children(der, list)) {
    const parts = children(der, e);
    const id = decodeOid(content(der, parts[0]!));
    const valueTlv = parts[parts.length - 1]!;
    const v = content(der, valueTlv);
    const inner = readTlv(v);
    switch (id) {
      case OID.basicConstraints: {
        const first = children(v, inner)[0];
        out.isCA = first?.tag === 0x01 && v[first.contentStart] !== 0;
        break;
      }
      case OID.keyUsage: {
        const bits = content(v, inner);
        const names: KeyUsageName[] = [];
        KEY_USAGE_BITS.forEach((name, i) => {
          const byte = bits[1 + (i >> 3)];
          if (byte !== undefined && byte & (0x80 >> (i & 7))) names.push(name);
        });
        out.keyUsage = names;
        break;
      }
      case OID.extKeyUsage:
        out.extendedKeyUsage = children(v, inner).map((o) => decodeOid(content(v, o)));
        break;
      case OID.subjectKeyIdentifier:
        out.subjectKeyId = toHex(content(v, inner));
        break;
      case OID.authorityKeyIdentifier: {
        const kid = children(v, inner).find((c) => c.tag === 0x80);
        if (kid) out.authorityKeyId = toHex(content(v, kid));
        break;
      }
    }
  }
  return out;
}

/**
 * Parses a DER certificate. Throws SigningError('bad-input') naming `label` when the bytes
 * are not an X.509 certificate.
 */
export function parseCertificate(der: Uint8Array, label = 'the certificate'): ParsedCertificate {
  try {
    const top = readTlv(der);
    if (top.tag !== 0x30 || top.end !== der.length) throw new Error('not a single DER SEQUENCE');
    const [tbs] = children(der, top);
    const f = children(der, tbs!);
    let i = f[0]?.tag === 0xa0 ? 1 : 0;
    const serial = f[i++]!;
    i++; // signature algorithm
    const issuer = f[i++]!;
    const validity = f[i++]!;
    const subject = f[i++]!;
    const spki = f[i++]!;
    const ext = f.slice(i).find((t) => t.tag === 0xa3);
    if (serial.tag !== 0x02 || issuer.tag !== 0x30 || validity.tag !== 0x30 || subject.tag !== 0x30 || spki.tag !== 0x30) throw new Error('unexpected TBSCertificate layout');
    const [nb, na] = children(der, validity);
    const issuerDer = slice(der, issuer);
    const subjectDer = slice(der, subject);
    const x = readExtensions(der, ext);
    let serialBytes = content(der, serial);
    while (serialBytes.length > 1 && serialBytes[0] === 0) serialBytes = serialBytes.subarray(1);
    const parsed = pkijs.Certificate.fromBER(toArrayBuffer(der));
    const info: CertificateInfo = {
      subject: formatName(subjectDer),
      issuer: formatName(issuerDer),
      commonName: commonNameOf(subjectDer),
      serialNumber: toHex(serialBytes).toUpperCase(),
      notBefore: parseAsn1Time(nb!.tag, content(der, nb!)),
      notAfter: parseAsn1Time(na!.tag, content(der, na!)),
      sha256: sha256Hex(der),
      publicKey: describeKey(der, spki),
      ...x,
      selfIssued: equalDer(issuerDer, subjectDer),
    };
    return { der, info, issuerDer, subjectDer, serialDer: slice(der, serial), spkiDer: slice(der, spki), pkijs: parsed };
  } catch (e) {
    if (e instanceof SigningError) throw e;
    throw new SigningError('bad-input', `${label} is not a valid X.509 certificate (${e instanceof Error ? e.message : String(e)})`);
  }
}

function equalDer(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** The decoded facts of a DER certificate. */
export function describeCertificate(der: Uint8Array): CertificateInfo {
  return parseCertificate(der).info;
}

/** `2026-01-31T12:00:00Z`: whole seconds, as certificates carry them. */
export function isoSeconds(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Extended key usages that allow signing documents (absent extension also allows it). */
export const DOCUMENT_SIGNING_EKUS: readonly string[] = [
  OID.emailProtection,
  OID.documentSigning,
  OID.msDocumentSigning,
  OID.adobeAuthenticDocuments,
  OID.anyExtendedKeyUsage,
];

/** Problems that stop a certificate from signing documents at `at`, as user-facing lines. */
export function signingCertificateProblems(info: CertificateInfo, at: Date): { code: 'not-yet-valid' | 'expired' | 'key-usage'; message: string }[] {
  const out: { code: 'not-yet-valid' | 'expired' | 'key-usage'; message: string }[] = [];
  const window = `valid from ${isoSeconds(info.notBefore)} to ${isoSeconds(info.notAfter)}`;
  if (at.getTime() < info.notBefore.getTime()) out.push({ code: 'not-yet-valid', message: `the certificate of ${info.subject} is not valid yet at ${isoSeconds(at)} (${window})` });
  if (at.getTime() > info.notAfter.getTime()) out.push({ code: 'expired', message: `the certificate of ${info.subject} expired on ${isoSeconds(info.notAfter)} (${window})` });
  if (info.keyUsage && !info.keyUsage.includes('digitalSignature') && !info.keyUsage.includes('nonRepudiation')) {
    out.push({ code: 'key-usage', message: `the certificate of ${info.subject} does not allow signing: its keyUsage is ${info.keyUsage.join(', ') || 'empty'}, it needs digitalSignature or nonRepudiation` });
  }
  if (info.extendedKeyUsage && !info.extendedKeyUsage.some((e) => DOCUMENT_SIGNING_EKUS.includes(e))) {
    out.push({ code: 'key-usage', message: `the certificate of ${info.subject} is not for document signing: its extendedKeyUsage (${info.extendedKeyUsage.join(', ')}) has none of emailProtection or documentSigning` });
  }
  return out;
}

/**
 * Throws SigningError when the certificate cannot sign at `at`: not valid yet, expired
 * (both name the validity dates) or without a signing key usage. `label` names the file.
 */
export function checkSigningCertificate(info: CertificateInfo, at: Date, label: string): void {
  const [first] = signingCertificateProblems(info, at);
  if (first) {
    const fix = first.code === 'key-usage' ? 'use a signing certificate' : first.code === 'expired' ? 'renew the certificate or create a new identity' : "check the computer's clock";
    throw new SigningError(first.code, `${label}: ${first.message}; ${fix}`);
  }
}
