/**
 * A local signing identity for self-assessment: a private CA and one signing certificate it
 * issued. The assessor hands the CA certificate to whoever verifies (a certification body
 * adds it to its trust store); the CA key is discarded right after issuing, so nothing can
 * ever be issued under that CA again.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { toArrayBuffer, toHex } from './bytes';
import { bitString, booleanValue, children, content, implicitPrimitive, integer, octetString, oid, readTlv, seq } from './der';
import { SigningError } from './errors';
import type { SigningIdentity } from './keys';
import { encodeName, type NameParts } from './names';
import { OID } from './oids';
import { pkijsEngine, randomBytes, webCrypto, type CryptoKeyLike, type CryptoKeyPairLike, type WebCryptoLike } from './webcrypto';

export type LocalKeyType = 'ecdsa-p256' | 'rsa-3072';

export interface LocalIdentityOptions {
  commonName: string;
  organization?: string;
  /** Two-letter country code, e.g. JP. */
  country?: string;
  keyType: LocalKeyType;
  /** Days the certificates are valid (1–3650). */
  validityDays: number;
  /** Start of validity (default: five minutes ago, to tolerate clock skew between machines). */
  notBefore?: Date;
}

export interface LocalIdentity {
  /** chain = [signing certificate, CA certificate]. */
  identity: SigningIdentity;
  /** DER of the CA certificate (the trust anchor a verifier installs). */
  caCertificate: Uint8Array;
}

const DAY = 86_400_000;

async function generate(c: WebCryptoLike, keyType: LocalKeyType): Promise<CryptoKeyPairLike> {
  const alg =
    keyType === 'rsa-3072'
      ? { name: 'RSASSA-PKCS1-v1_5', modulusLength: 3072, publicExponent: Uint8Array.of(1, 0, 1), hash: 'SHA-256' }
      : { name: 'ECDSA', namedCurve: 'P-256' };
  return (await c.subtle.generateKey(alg, true, ['sign', 'verify'])) as CryptoKeyPairLike;
}

/** RFC 5280 method 1: SHA-1 of the subjectPublicKey bits. */
async function keyIdentifier(c: WebCryptoLike, publicKey: CryptoKeyLike): Promise<Uint8Array> {
  const spki = new Uint8Array((await c.subtle.exportKey('spki', publicKey)) as ArrayBuffer);
  const top = readTlv(spki);
  const [, bits] = children(spki, top);
  return new Uint8Array(await c.subtle.digest('SHA-1', content(spki, bits!).subarray(1)));
}

function serial(c: WebCryptoLike): Uint8Array {
  const s = randomBytes(c, 16);
  s[0] = (s[0]! & 0x7f) | 0x40; // positive, and exactly 16 bytes long
  return s;
}

function ext(id: string, critical: boolean, value: Uint8Array): pkijs.Extension {
  return new pkijs.Extension({ extnID: id, critical, extnValue: toArrayBuffer(value) });
}

interface IssueParams {
  subject: Uint8Array;
  issuer: Uint8Array;
  publicKey: CryptoKeyLike;
  signingKey: CryptoKeyLike;
  notBefore: Date;
  notAfter: Date;
  extensions: pkijs.Extension[];
}

async function issue(c: WebCryptoLike, p: IssueParams): Promise<Uint8Array> {
  const engine = pkijsEngine(c);
  const cert = new pkijs.Certificate();
  cert.version = 2;
  cert.serialNumber = new asn1js.Integer({ valueHex: toArrayBuffer(serial(c)) });
  cert.issuer = pkijs.RelativeDistinguishedNames.fromBER(toArrayBuffer(p.issuer));
  cert.subject = pkijs.RelativeDistinguishedNames.fromBER(toArrayBuffer(p.subject));
  cert.notBefore = new pkijs.Time({ type: p.notBefore.getUTCFullYear() < 2050 ? 0 : 1, value: p.notBefore });
  cert.notAfter = new pkijs.Time({ type: p.notAfter.getUTCFullYear() < 2050 ? 0 : 1, value: p.notAfter });
  await cert.subjectPublicKeyInfo.importKey(p.publicKey as never, engine);
  cert.extensions = p.extensions;
  await cert.sign(p.signingKey as never, 'SHA-256', engine);
  return new Uint8Array(cert.toSchema(true).toBER(false));
}

/**
 * Creates a local CA (self-signed; basicConstraints CA, keyCertSign) and a signing
 * certificate issued by it (digitalSignature + nonRepudiation; extendedKeyUsage
 * emailProtection and Microsoft document signing, which OpenSSL's default S/MIME purpose,
 * NSS/pdfsig and Adobe Reader all accept). Names are UTF8String, so Japanese names
 * round-trip. The CA key is not returned.
 */
export async function createLocalIdentity(options: LocalIdentityOptions, engine?: WebCryptoLike): Promise<LocalIdentity> {
  const c = webCrypto(engine);
  if (!Number.isInteger(options.validityDays) || options.validityDays < 1 || options.validityDays > 3650) {
    throw new SigningError('bad-input', `validity must be a whole number of days from 1 to 3650, not ${options.validityDays}`);
  }
  if (options.keyType !== 'ecdsa-p256' && options.keyType !== 'rsa-3072') {
    throw new SigningError('bad-input', `unknown key type "${String(options.keyType)}"; use ecdsa-p256 or rsa-3072`);
  }
  const leafName: NameParts = { commonName: options.commonName, organization: options.organization, country: options.country };
  const leafSubject = encodeName(leafName);
  const cn = options.commonName.normalize('NFC').trim();
  // A distinct CA name per identity: verifiers that trust several local CAs must not confuse them.
  const suffix = ` Local CA ${toHex(randomBytes(c, 4)).toUpperCase()}`;
  const caSubject = encodeName({ ...leafName, commonName: [...cn].slice(0, 64 - suffix.length).join('') + suffix });

  const start = options.notBefore ?? new Date(Date.now() - 5 * 60_000);
  const notBefore = new Date(Math.floor(start.getTime() / 1000) * 1000);
  const notAfter = new Date(notBefore.getTime() + options.validityDays * DAY);

  const caKeys = await generate(c, options.keyType);
  const leafKeys = await generate(c, options.keyType);
  const caKid = await keyIdentifier(c, caKeys.publicKey);
  const leafKid = await keyIdentifier(c, leafKeys.publicKey);

  const caCertificate = await issue(c, {
    subject: caSubject,
    issuer: caSubject,
    publicKey: caKeys.publicKey,
    signingKey: caKeys.privateKey,
    notBefore,
    notAfter,
    extensions: [
      ext(OID.basicConstraints, true, seq(booleanValue(true), integer(0))),
      // keyCertSign (bit 5) + cRLSign (bit 6)
      ext(OID.keyUsage, true, bitString(Uint8Array.of(0x06), 1)),
      ext(OID.subjectKeyIdentifier, false, octetString(caKid)),
    ],
  });
  const leaf = await issue(c, {
    subject: leafSubject,
    issuer: caSubject,
    publicKey: leafKeys.publicKey,
    signingKey: caKeys.privateKey,
    notBefore,
    notAfter,
    extensions: [
      ext(OID.basicConstraints, true, seq()),
      // digitalSignature (bit 0) + nonRepudiation (bit 1)
      ext(OID.keyUsage, true, bitString(Uint8Array.of(0xc0), 6)),
      ext(OID.extKeyUsage, false, seq(oid(OID.emailProtection), oid(OID.msDocumentSigning))),
      ext(OID.subjectKeyIdentifier, false, octetString(leafKid)),
      ext(OID.authorityKeyIdentifier, false, seq(implicitPrimitive(0, caKid))),
    ],
  });
  const privateKey = new Uint8Array((await c.subtle.exportKey('pkcs8', leafKeys.privateKey)) as ArrayBuffer);
  return { identity: { chain: [leaf, caCertificate], privateKey }, caCertificate };
}
