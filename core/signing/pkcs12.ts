/**
 * PKCS#12 (.p12/.pfx) import and export.
 *
 * Import reads what OpenSSL 3, Windows, macOS and Java write: PBES2 (PBKDF2 + AES-CBC) as
 * OpenSSL 3 does by default, and the legacy PKCS#12 PBE schemes (SHA-1 with triple DES or
 * RC2) of `openssl pkcs12 -legacy` and older tools. The MAC is checked first, so a wrong
 * passphrase is reported as exactly that. Export writes the OpenSSL 3 default shape:
 * PBES2/AES-256-CBC with PBKDF2-HMAC-SHA256 for the key and the certificates, and an
 * HMAC-SHA256 MAC.
 */
import * as asn1js from 'asn1js';
import { utf8Encode } from '../criteria/utf8';
import { toArrayBuffer, concatBytes } from './bytes';
import { checkSigningCertificate, parseCertificate, type CertificateInfo, type ParsedCertificate } from './certificate';
import { bmpString, explicit, implicitPrimitive, integer, nullValue, octetString, oid, seq, setOf } from './der';
import { SigningError } from './errors';
import { keyMatchesCertificate, pkcs8KeyType, type SigningIdentity } from './keys';
import { bmpPassword, pkcs12Kdf, rc2CbcDecrypt } from './legacy-pbe';
import { digestName, OID } from './oids';
import { pkijsEngine, randomBytes, webCrypto, type WebCryptoLike } from './webcrypto';

/** Decrypts with a cipher WebCrypto lacks (PKCS#7 padding removed); provided by core/node. */
export type LegacyCipher = (algorithm: 'des-ede3-cbc', key: Uint8Array, iv: Uint8Array, data: Uint8Array) => Promise<Uint8Array>;

export interface Pkcs12ImportOptions {
  /** Names the file in error messages (default "the PKCS#12 file"). */
  label?: string;
  /** Time at which the signing certificate must be valid (default now). */
  at?: Date;
  crypto?: WebCryptoLike;
  /** Triple-DES for legacy files; without it such files are refused with a clear message. */
  legacyCipher?: LegacyCipher;
}

export interface ImportedIdentity extends SigningIdentity {
  /** The signing certificate, decoded. */
  info: CertificateInfo;
  /** The key's friendlyName bag attribute, if any. */
  friendlyName?: string;
}

// Hostile files must not make us spin: far above any real producer (OpenSSL: 2048).
const MAX_ITERATIONS = 10_000_000;
const MAX_MAC_ITERATIONS = 2_000_000;

class Reader {
  constructor(private readonly label: string) {}

  fail(what: string): never {
    throw new SigningError('bad-input', `${this.label} is not a readable PKCS#12 file (${what})`);
  }

  seq(x: asn1js.AsnType | undefined, what: string): asn1js.AsnType[] {
    if (!(x instanceof asn1js.Sequence)) this.fail(`${what} is not a SEQUENCE`);
    return x.valueBlock.value;
  }

  set(x: asn1js.AsnType | undefined, what: string): asn1js.AsnType[] {
    if (!(x instanceof asn1js.Set)) this.fail(`${what} is not a SET`);
    return x.valueBlock.value;
  }

  oid(x: asn1js.AsnType | undefined, what: string): string {
    if (!(x instanceof asn1js.ObjectIdentifier)) this.fail(`${what} is not an OBJECT IDENTIFIER`);
    return x.valueBlock.toString();
  }

  octets(x: asn1js.AsnType | undefined, what: string): Uint8Array {
    if (!(x instanceof asn1js.OctetString)) this.fail(`${what} is not an OCTET STRING`);
    return new Uint8Array(x.getValue());
  }

  int(x: asn1js.AsnType | undefined, what: string): number {
    if (!(x instanceof asn1js.Integer)) this.fail(`${what} is not an INTEGER`);
    const v = x.valueBlock.valueDec;
    if (!Number.isSafeInteger(v) || v < 0) this.fail(`${what} is out of range`);
    return v;
  }

  /** The single element inside `[n] EXPLICIT`. */
  explicit(x: asn1js.AsnType | undefined, n: number, what: string): asn1js.AsnType {
    if (!(x instanceof asn1js.Constructed) || x.idBlock.tagClass !== 3 || x.idBlock.tagNumber !== n || x.valueBlock.value.length !== 1) this.fail(`${what} is not [${n}] EXPLICIT`);
    return x.valueBlock.value[0]!;
  }

  /** `[n] IMPLICIT OCTET STRING`, primitive or constructed (BER). */
  implicitOctets(x: asn1js.AsnType | undefined, n: number, what: string): Uint8Array {
    if (!x || x.idBlock.tagClass !== 3 || x.idBlock.tagNumber !== n) this.fail(`${what} is missing`);
    if (x instanceof asn1js.Constructed) return concatBytes(...x.valueBlock.value.map((p) => this.octets(p, what)));
    return new Uint8Array((x as asn1js.Primitive).valueBlock.valueHexView);
  }

  der(bytes: Uint8Array, what: string): asn1js.AsnType {
    const r = asn1js.fromBER(toArrayBuffer(bytes));
    if (r.offset === -1 || r.offset !== bytes.length) this.fail(`${what} is not valid DER`);
    return r.result;
  }
}

interface Decryptor {
  (algorithm: asn1js.AsnType, data: Uint8Array, what: string): Promise<Uint8Array>;
}

function wrongPassphrase(label: string): SigningError {
  return new SigningError('wrong-passphrase', `the passphrase is wrong for ${label}`);
}

function makeDecryptor(r: Reader, c: WebCryptoLike, passphrase: string, label: string, legacyCipher: LegacyCipher | undefined): Decryptor {
  return async (algorithm, data, what) => {
    const [idNode, paramsNode] = r.seq(algorithm, `${what} algorithm`);
    const id = r.oid(idNode, `${what} algorithm`);
    if (id === OID.pbes2) {
      const [kdf, scheme] = r.seq(paramsNode, 'PBES2 parameters');
      const [kdfId, kdfParams] = r.seq(kdf, 'key derivation');
      if (r.oid(kdfId, 'key derivation') !== OID.pbkdf2) throw new SigningError('unsupported', `${label} uses a key derivation other than PBKDF2; re-export it with OpenSSL 3 defaults`);
      const kp = r.seq(kdfParams, 'PBKDF2 parameters');
      const salt = r.octets(kp[0], 'PBKDF2 salt');
      const iterations = r.int(kp[1], 'PBKDF2 iteration count');
      if (iterations < 1 || iterations > MAX_ITERATIONS) r.fail(`PBKDF2 iteration count ${iterations} is out of range`);
      let next = 2;
      let keyLength: number | undefined;
      if (kp[next] instanceof asn1js.Integer) keyLength = r.int(kp[next++], 'PBKDF2 key length');
      let prf = 'SHA-1';
      if (kp[next]) {
        const prfId = r.oid(r.seq(kp[next], 'PBKDF2 PRF')[0], 'PBKDF2 PRF');
        const prfs: Record<string, string> = { [OID.hmacWithSha1]: 'SHA-1', [OID.hmacWithSha256]: 'SHA-256', [OID.hmacWithSha384]: 'SHA-384', [OID.hmacWithSha512]: 'SHA-512' };
        const p = prfs[prfId];
        if (!p) throw new SigningError('unsupported', `${label} uses an unsupported PBKDF2 PRF (${prfId})`);
        prf = p;
      }
      const [schemeId, ivNode] = r.seq(scheme, 'encryption scheme');
      const cipher = r.oid(schemeId, 'encryption scheme');
      const iv = r.octets(ivNode, 'IV');
      const aesBits: Record<string, number> = { [OID.aes128Cbc]: 128, [OID.aes192Cbc]: 192, [OID.aes256Cbc]: 256 };
      const bits = aesBits[cipher] ?? (cipher === OID.desEde3Cbc ? 192 : undefined);
      if (!bits) throw new SigningError('unsupported', `${label} is encrypted with an unsupported cipher (${cipher}); re-export it with OpenSSL 3 defaults (AES-256-CBC)`);
      if (keyLength !== undefined && keyLength * 8 !== bits) r.fail('PBKDF2 key length does not match the cipher');
      const base = await c.subtle.importKey('raw', utf8Encode(passphrase), 'PBKDF2', false, ['deriveBits']);
      const keyBytes = new Uint8Array(await c.subtle.deriveBits({ name: 'PBKDF2', hash: prf, salt, iterations }, base, bits));
      try {
        if (cipher === OID.desEde3Cbc) return await legacy(legacyCipher, label, 'des-ede3-cbc', keyBytes, iv, data);
        if (iv.length !== 16) r.fail('AES IV is not 16 bytes');
        const key = await c.subtle.importKey('raw', keyBytes, 'AES-CBC', false, ['decrypt']);
        return new Uint8Array(await c.subtle.decrypt({ name: 'AES-CBC', iv }, key, data));
      } catch (e) {
        if (e instanceof SigningError) throw e;
        throw wrongPassphrase(label);
      }
    }
    const pbe: Record<string, { cipher: 'des-ede3-cbc' | 'rc2'; keyLength: number; rc2Bits?: number }> = {
      [OID.pbeSha1TripleDes]: { cipher: 'des-ede3-cbc', keyLength: 24 },
      [OID.pbeSha1TwoKeyTripleDes]: { cipher: 'des-ede3-cbc', keyLength: 16 },
      [OID.pbeSha1Rc2_128]: { cipher: 'rc2', keyLength: 16, rc2Bits: 128 },
      [OID.pbeSha1Rc2_40]: { cipher: 'rc2', keyLength: 5, rc2Bits: 40 },
    };
    const scheme = pbe[id];
    if (!scheme) {
      const rc4 = id === OID.pbeSha1Rc4_128 || id === OID.pbeSha1Rc4_40;
      throw new SigningError('unsupported', `${label} is encrypted with ${rc4 ? 'RC4' : `an unsupported algorithm (${id})`}; re-export it with OpenSSL 3 defaults (openssl pkcs12 -export without -legacy)`);
    }
    const [saltNode, iterNode] = r.seq(paramsNode, 'PBE parameters');
    const salt = r.octets(saltNode, 'PBE salt');
    const iterations = r.int(iterNode, 'PBE iteration count');
    if (iterations < 1 || iterations > MAX_MAC_ITERATIONS) r.fail(`PBE iteration count ${iterations} is out of range`);
    const pw = bmpPassword(passphrase);
    let key = pkcs12Kdf(pw, salt, iterations, 1, scheme.keyLength);
    const iv = pkcs12Kdf(pw, salt, iterations, 2, 8);
    try {
      if (scheme.cipher === 'rc2') return rc2CbcDecrypt(key, scheme.rc2Bits!, iv, data);
      if (key.length === 16) key = concatBytes(key, key.subarray(0, 8));
      return await legacy(legacyCipher, label, 'des-ede3-cbc', key, iv, data);
    } catch (e) {
      if (e instanceof SigningError) throw e;
      throw wrongPassphrase(label);
    }
  };
}

async function legacy(cipher: LegacyCipher | undefined, label: string, alg: 'des-ede3-cbc', key: Uint8Array, iv: Uint8Array, data: Uint8Array): Promise<Uint8Array> {
  if (!cipher) throw new SigningError('unsupported', `${label} uses legacy triple-DES encryption, which is not available here; re-export it with OpenSSL 3 defaults (openssl pkcs12 -export without -legacy)`);
  return cipher(alg, key, iv, data);
}

interface Bags {
  keys: { pkcs8: Uint8Array; friendlyName?: string }[];
  certificates: Uint8Array[];
}

function friendlyNameOf(r: Reader, attrs: asn1js.AsnType | undefined): string | undefined {
  if (!(attrs instanceof asn1js.Set)) return undefined;
  for (const a of attrs.valueBlock.value) {
    const [t, values] = r.seq(a, 'bag attribute');
    if (r.oid(t, 'bag attribute') !== OID.friendlyName) continue;
    const v = r.set(values, 'friendlyName')[0];
    if (v instanceof asn1js.BmpString) return v.valueBlock.value;
  }
  return undefined;
}

async function readSafeContents(r: Reader, bytes: Uint8Array, decrypt: Decryptor, out: Bags, depth = 0): Promise<void> {
  if (depth > 3) r.fail('nested too deeply');
  for (const bag of r.seq(r.der(bytes, 'SafeContents'), 'SafeContents')) {
    const [idNode, valueNode, attrs] = r.seq(bag, 'SafeBag');
    const id = r.oid(idNode, 'bag type');
    const value = r.explicit(valueNode, 0, 'bag value');
    if (id === OID.keyBag) out.keys.push({ pkcs8: new Uint8Array(value.toBER(false)), friendlyName: friendlyNameOf(r, attrs) });
    else if (id === OID.pkcs8ShroudedKeyBag) {
      const [alg, enc] = r.seq(value, 'EncryptedPrivateKeyInfo');
      const pkcs8 = await decrypt(alg!, r.octets(enc, 'encrypted key'), 'key');
      out.keys.push({ pkcs8, friendlyName: friendlyNameOf(r, attrs) });
    } else if (id === OID.certBag) {
      const [certType, certValue] = r.seq(value, 'CertBag');
      if (r.oid(certType, 'certificate type') === OID.x509Certificate) out.certificates.push(r.octets(r.explicit(certValue, 0, 'certificate'), 'certificate'));
    } else if (id === OID.safeContentsBag) {
      await readSafeContents(r, new Uint8Array(value.toBER(false)), decrypt, out, depth + 1);
    }
    // CRL and secret bags carry nothing a signer needs.
  }
}

/** Orders certificates from `leaf` up through their issuers (names and key identifiers). */
export function orderChain(leaf: ParsedCertificate, pool: ParsedCertificate[]): ParsedCertificate[] {
  const chain = [leaf];
  let current = leaf;
  while (!current.info.selfIssued && chain.length < 10) {
    const candidates = pool.filter((p) => !chain.includes(p) && sameBytes(p.subjectDer, current.issuerDer));
    const issuer = candidates.find((p) => current.info.authorityKeyId && p.info.subjectKeyId === current.info.authorityKeyId) ?? candidates[0];
    if (!issuer) break;
    chain.push(issuer);
    current = issuer;
  }
  return chain;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/**
 * Reads a PKCS#12 file into a signing identity: the private key, the certificate that
 * matches it and the issuers found in the file (ordered). Checks the MAC first (wrong
 * passphrase → SigningError 'wrong-passphrase', "the passphrase is wrong for <label>"),
 * then that the certificate may sign at `options.at` (dates and key usage named).
 */
export async function importPkcs12(bytes: Uint8Array, passphrase: string, options: Pkcs12ImportOptions = {}): Promise<ImportedIdentity> {
  const label = options.label ?? 'the PKCS#12 file';
  const c = webCrypto(options.crypto);
  const r = new Reader(label);
  const pfx = r.seq(r.der(bytes, 'the file'), 'PFX');
  if (r.int(pfx[0], 'version') !== 3) r.fail('version is not 3');
  const [ctNode, ctContent] = r.seq(pfx[1], 'authSafe');
  const ct = r.oid(ctNode, 'authSafe type');
  if (ct === OID.signedData) throw new SigningError('unsupported', `${label} uses public-key integrity mode, which is not supported; export it with a passphrase`);
  if (ct !== OID.data) r.fail('authSafe is not data');
  const authSafe = r.octets(r.explicit(ctContent, 0, 'authSafe content'), 'authSafe content');

  if (pfx[2]) {
    const [digestInfo, saltNode, iterNode] = r.seq(pfx[2], 'MacData');
    const [alg, macNode] = r.seq(digestInfo, 'MAC');
    const [digestNode, digestParams] = r.seq(alg, 'MAC algorithm');
    const digestOid = r.oid(digestNode, 'MAC algorithm');
    if (digestParams && !(digestParams instanceof asn1js.Null)) r.fail('MAC algorithm parameters are not NULL');
    const hash = digestName(digestOid);
    if (!hash) throw new SigningError('unsupported', `${label} uses an unsupported MAC digest (${digestOid})`);
    const iterations = iterNode ? r.int(iterNode, 'MAC iterations') : 1;
    if (iterations < 1 || iterations > MAX_MAC_ITERATIONS) r.fail(`MAC iteration count ${iterations} is out of range`);
    const ok = await pkijsEngine(c).verifyDataStampedWithPassword({
      password: toArrayBuffer(utf8Encode(passphrase)),
      hashAlgorithm: hash,
      salt: toArrayBuffer(r.octets(saltNode, 'MAC salt')),
      iterationCount: iterations,
      contentToVerify: toArrayBuffer(authSafe),
      signatureToVerify: toArrayBuffer(r.octets(macNode, 'MAC value')),
    });
    if (!ok) throw wrongPassphrase(label);
  }

  const decrypt = makeDecryptor(r, c, passphrase, label, options.legacyCipher);
  const bags: Bags = { keys: [], certificates: [] };
  for (const ci of r.seq(r.der(authSafe, 'AuthenticatedSafe'), 'AuthenticatedSafe')) {
    const [typeNode, contentNode] = r.seq(ci, 'ContentInfo');
    const type = r.oid(typeNode, 'ContentInfo type');
    if (type === OID.data) {
      await readSafeContents(r, r.octets(r.explicit(contentNode, 0, 'data'), 'data'), decrypt, bags);
    } else if (type === OID.encryptedData) {
      const [, eci] = r.seq(r.explicit(contentNode, 0, 'encryptedData'), 'EncryptedData');
      const [, alg, enc] = r.seq(eci, 'EncryptedContentInfo');
      const plain = await decrypt(alg!, r.implicitOctets(enc, 0, 'encrypted content'), 'certificates');
      await readSafeContents(r, plain, decrypt, bags);
    } else if (type === OID.envelopedData) {
      throw new SigningError('unsupported', `${label} is encrypted to a certificate (envelopedData), which is not supported; export it with a passphrase`);
    }
  }

  if (bags.keys.length === 0) throw new SigningError('no-certificate', `${label} holds no private key; export the certificate together with its key`);
  const certs = bags.certificates.map((d, i) => parseCertificate(d, `certificate ${i + 1} in ${label}`));
  for (const k of bags.keys) {
    const type = pkcs8KeyType(k.pkcs8, `the private key in ${label}`);
    for (const cert of certs) {
      if (!(await keyMatchesCertificate(c, k.pkcs8, type, cert.spkiDer))) continue;
      const chain = orderChain(cert, certs);
      const pk = cert.info.publicKey;
      if (pk.type === 'rsa' && pk.bits < 2048) throw new SigningError('unsupported', `${label} holds an RSA key of ${pk.bits} bits; use 2048 bits or more`);
      checkSigningCertificate(cert.info, options.at ?? new Date(), label);
      const identity: ImportedIdentity = { chain: chain.map((p) => p.der), privateKey: k.pkcs8, info: cert.info };
      if (k.friendlyName !== undefined) identity.friendlyName = k.friendlyName;
      return identity;
    }
  }
  throw new SigningError('no-certificate', `${label} holds no certificate for its private key; export the certificate together with its key`);
}

export interface Pkcs12ExportOptions {
  /** Shown by tools that list keystores (default: the certificate's common name). */
  friendlyName?: string;
  /** PBKDF2 and MAC iterations (default 200000). */
  iterations?: number;
  crypto?: WebCryptoLike;
}

const attribute = (type: string, value: Uint8Array) => seq(oid(type), setOf([value]));

async function pbes2Encrypt(c: WebCryptoLike, passphrase: string, iterations: number, plain: Uint8Array): Promise<{ algorithm: Uint8Array; data: Uint8Array }> {
  const salt = randomBytes(c, 16);
  const iv = randomBytes(c, 16);
  const base = await c.subtle.importKey('raw', utf8Encode(passphrase), 'PBKDF2', false, ['deriveBits']);
  const keyBytes = new Uint8Array(await c.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, base, 256));
  const key = await c.subtle.importKey('raw', keyBytes, 'AES-CBC', false, ['encrypt']);
  const data = new Uint8Array(await c.subtle.encrypt({ name: 'AES-CBC', iv }, key, plain));
  const algorithm = seq(
    oid(OID.pbes2),
    seq(
      seq(oid(OID.pbkdf2), seq(octetString(salt), integer(iterations), seq(oid(OID.hmacWithSha256), nullValue()))),
      seq(oid(OID.aes256Cbc), octetString(iv)),
    ),
  );
  return { algorithm, data };
}

/**
 * Writes a PKCS#12 file readable by OpenSSL 3 (`openssl pkcs12 -info`), Windows, macOS and
 * this importer: certificates in a PBES2-encrypted SafeContents, the key in a
 * PKCS8ShroudedKeyBag (PBES2, PBKDF2-HMAC-SHA256, AES-256-CBC), HMAC-SHA256 MAC.
 */
export async function exportPkcs12(identity: SigningIdentity, passphrase: string, options: Pkcs12ExportOptions = {}): Promise<Uint8Array> {
  if (!passphrase) throw new SigningError('bad-input', 'a PKCS#12 file needs a non-empty passphrase');
  const c = webCrypto(options.crypto);
  const iterations = options.iterations ?? 200_000;
  const leaf = parseCertificate(identity.chain[0] ?? new Uint8Array(0), 'the signing certificate');
  const friendly = options.friendlyName ?? leaf.info.commonName ?? leaf.info.subject;
  const localKeyId = new Uint8Array(await c.subtle.digest('SHA-1', leaf.der));
  const leafAttrs = setOf([attribute(OID.friendlyName, bmpString(friendly)), attribute(OID.localKeyId, octetString(localKeyId))]);

  const certBags = identity.chain.map((der, i) =>
    seq(oid(OID.certBag), explicit(0, seq(oid(OID.x509Certificate), explicit(0, octetString(der)))), ...(i === 0 ? [leafAttrs] : [])),
  );
  const certs = await pbes2Encrypt(c, passphrase, iterations, seq(...certBags));
  const certsInfo = seq(oid(OID.encryptedData), explicit(0, seq(integer(0), seq(oid(OID.data), certs.algorithm, implicitPrimitive(0, certs.data)))));

  const key = await pbes2Encrypt(c, passphrase, iterations, identity.privateKey);
  const keyBag = seq(oid(OID.pkcs8ShroudedKeyBag), explicit(0, seq(key.algorithm, octetString(key.data))), leafAttrs);
  const keyInfo = seq(oid(OID.data), explicit(0, octetString(seq(keyBag))));

  const authSafe = seq(certsInfo, keyInfo);
  const macSalt = randomBytes(c, 16);
  const mac = new Uint8Array(
    await pkijsEngine(c).stampDataWithPassword({
      password: toArrayBuffer(utf8Encode(passphrase)),
      hashAlgorithm: 'SHA-256',
      salt: toArrayBuffer(macSalt),
      iterationCount: iterations,
      contentToStamp: toArrayBuffer(authSafe),
    }),
  );
  const macData = seq(seq(seq(oid(OID.sha256), nullValue()), octetString(mac)), octetString(macSalt), integer(iterations));
  return seq(integer(3), seq(oid(OID.data), explicit(0, octetString(authSafe))), macData);
}
