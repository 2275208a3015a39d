/**
 * Signing keys: the identity type shared by every signer, importing PKCS#8 keys into
 * WebCrypto, and the ECDSA signature format conversions CMS and X.509 need.
 */
import { concatBytes } from './bytes';
import { children, content, decodeOid, readTlv, seq, unsignedInteger } from './der';
import { SigningError } from './errors';
import { OID } from './oids';
import type { CryptoKeyLike, JwkLike, WebCryptoLike } from './webcrypto';

/**
 * A signing identity: certificate chain and private key. The private key is a secret: it
 * stays in the main process or the CLI and is never sent to the renderer or written
 * unencrypted.
 */
export interface SigningIdentity {
  /** DER certificates: the signing certificate first, then its issuers (CA last). */
  chain: Uint8Array[];
  /** The private key, PKCS#8 DER. */
  privateKey: Uint8Array;
}

export type SigningKeyType = { type: 'rsa' } | { type: 'ec'; curve: 'P-256' };

/** The algorithm of a PKCS#8 key; SigningError('unsupported') for anything but RSA and P-256. */
export function pkcs8KeyType(pkcs8: Uint8Array, label = 'the private key'): SigningKeyType {
  let algorithm: string;
  let curve: string | undefined;
  try {
    const top = readTlv(pkcs8);
    const [, alg] = children(pkcs8, top);
    const [id, params] = children(pkcs8, alg!);
    algorithm = decodeOid(content(pkcs8, id!));
    if (params?.tag === 0x06) curve = decodeOid(content(pkcs8, params));
  } catch {
    throw new SigningError('bad-input', `${label} is not a PKCS#8 private key`);
  }
  if (algorithm === OID.rsaEncryption) return { type: 'rsa' };
  if (algorithm === OID.ecPublicKey && curve === OID.p256) return { type: 'ec', curve: 'P-256' };
  const what = algorithm === OID.ecPublicKey ? `an elliptic-curve key on curve ${curve ?? '(unnamed)'}` : `a key of type ${algorithm}`;
  throw new SigningError('unsupported', `${label} is ${what}; signing supports RSA (2048 bits or more) and ECDSA P-256 keys`);
}

/** WebCrypto algorithm for signing with SHA-256 and this key type. */
export function webCryptoAlgorithm(t: SigningKeyType): { name: string; hash?: string; namedCurve?: string } {
  return t.type === 'rsa' ? { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } : { name: 'ECDSA', namedCurve: t.curve };
}

/** Imports a PKCS#8 key for signing with SHA-256. */
export async function importSigningKey(c: WebCryptoLike, pkcs8: Uint8Array, extractable = false, label?: string): Promise<{ key: CryptoKeyLike; type: SigningKeyType }> {
  const type = pkcs8KeyType(pkcs8, label);
  try {
    const key = await c.subtle.importKey('pkcs8', pkcs8, webCryptoAlgorithm(type), extractable, ['sign']);
    if (type.type === 'rsa' && (key.algorithm.modulusLength ?? 0) < 2048) {
      throw new SigningError('unsupported', `${label ?? 'the private key'} is an RSA key of ${key.algorithm.modulusLength} bits; use 2048 bits or more`);
    }
    return { key, type };
  } catch (e) {
    if (e instanceof SigningError) throw e;
    throw new SigningError('bad-input', `${label ?? 'the private key'} could not be read (${e instanceof Error ? e.message : String(e)})`);
  }
}

/** Signs `data` with SHA-256; ECDSA signatures come back DER-encoded (as CMS and X.509 want). */
export async function signBytes(c: WebCryptoLike, key: CryptoKeyLike, type: SigningKeyType, data: Uint8Array): Promise<Uint8Array> {
  if (type.type === 'rsa') return new Uint8Array(await c.subtle.sign({ name: 'RSASSA-PKCS1-v1_5' }, key, data));
  const raw = new Uint8Array(await c.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key, data));
  return ecdsaRawToDer(raw);
}

/** IEEE P1363 r‖s (WebCrypto) → DER ECDSA-Sig-Value (CMS, X.509). */
export function ecdsaRawToDer(raw: Uint8Array): Uint8Array {
  const n = raw.length / 2;
  return seq(unsignedInteger(raw.subarray(0, n)), unsignedInteger(raw.subarray(n)));
}

/** DER ECDSA-Sig-Value → r‖s with each half `size` bytes; throws on malformed input. */
export function ecdsaDerToRaw(der: Uint8Array, size: number): Uint8Array {
  const top = readTlv(der);
  if (top.tag !== 0x30 || top.end !== der.length) throw new Error('bad ECDSA signature');
  const parts = children(der, top);
  if (parts.length !== 2 || parts.some((p) => p.tag !== 0x02)) throw new Error('bad ECDSA signature');
  const fixed = parts.map((p) => {
    let v = content(der, p);
    while (v.length > 1 && v[0] === 0) v = v.subarray(1);
    if (v.length > size) throw new Error('bad ECDSA signature');
    return concatBytes(new Uint8Array(size - v.length), v);
  });
  return concatBytes(fixed[0]!, fixed[1]!);
}

/** True when the PKCS#8 private key and the SubjectPublicKeyInfo are the same key pair. */
export async function keyMatchesCertificate(c: WebCryptoLike, pkcs8: Uint8Array, type: SigningKeyType, spkiDer: Uint8Array): Promise<boolean> {
  try {
    const alg = webCryptoAlgorithm(type);
    const priv = (await c.subtle.exportKey('jwk', await c.subtle.importKey('pkcs8', pkcs8, alg, true, ['sign']))) as JwkLike;
    const pub = (await c.subtle.exportKey('jwk', await c.subtle.importKey('spki', spkiDer, alg, true, ['verify']))) as JwkLike;
    return type.type === 'rsa' ? priv.n === pub.n && priv.e === pub.e : priv.x === pub.x && priv.y === pub.y && priv.crv === pub.crv;
  } catch {
    // A certificate for another key type (e.g. an RSA CA above an ECDSA key) is not this key.
    return false;
  }
}
