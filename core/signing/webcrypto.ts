/**
 * The WebCrypto port of the signing code. core/ is compiled without DOM or Node types, so
 * the few WebCrypto shapes used here are declared structurally; Node 20's
 * `globalThis.crypto`, Electron's and a browser's all fit them. Every public signing
 * function takes an optional engine and otherwise uses `globalThis.crypto`.
 */
import * as pkijs from 'pkijs';

export interface KeyAlgorithmLike {
  name: string;
  namedCurve?: string;
  modulusLength?: number;
  hash?: { name: string };
}

export interface CryptoKeyLike {
  readonly type: string;
  readonly algorithm: KeyAlgorithmLike;
  readonly extractable: boolean;
  readonly usages: readonly string[];
}

export interface CryptoKeyPairLike {
  publicKey: CryptoKeyLike;
  privateKey: CryptoKeyLike;
}

/** A JSON Web Key as exported by WebCrypto (only the members compared here). */
export interface JwkLike {
  kty?: string;
  crv?: string;
  n?: string;
  e?: string;
  x?: string;
  y?: string;
}

type Alg = string | Record<string, unknown>;

export interface SubtleLike {
  digest(algorithm: Alg, data: Uint8Array): Promise<ArrayBuffer>;
  importKey(format: string, keyData: unknown, algorithm: Alg, extractable: boolean, usages: string[]): Promise<CryptoKeyLike>;
  exportKey(format: string, key: CryptoKeyLike): Promise<unknown>;
  generateKey(algorithm: Alg, extractable: boolean, usages: string[]): Promise<unknown>;
  sign(algorithm: Alg, key: CryptoKeyLike, data: Uint8Array): Promise<ArrayBuffer>;
  verify(algorithm: Alg, key: CryptoKeyLike, signature: Uint8Array, data: Uint8Array): Promise<boolean>;
  encrypt(algorithm: Alg, key: CryptoKeyLike, data: Uint8Array): Promise<ArrayBuffer>;
  decrypt(algorithm: Alg, key: CryptoKeyLike, data: Uint8Array): Promise<ArrayBuffer>;
  deriveBits(algorithm: Alg, baseKey: CryptoKeyLike, length: number): Promise<ArrayBuffer>;
}

export interface WebCryptoLike {
  readonly subtle: SubtleLike;
  getRandomValues<T extends Uint8Array>(array: T): T;
}

/** The given engine, or the runtime's `globalThis.crypto` (Node ≥ 20, Electron, browsers). */
export function webCrypto(engine?: WebCryptoLike): WebCryptoLike {
  if (engine) return engine;
  const g = (globalThis as { crypto?: WebCryptoLike }).crypto;
  if (!g?.subtle) throw new Error('no WebCrypto engine available (globalThis.crypto.subtle is missing)');
  return g;
}

const engines = new WeakMap<WebCryptoLike, pkijs.CryptoEngine>();

/** The PKI.js engine over a WebCrypto implementation (one per implementation). */
export function pkijsEngine(c: WebCryptoLike): pkijs.CryptoEngine {
  let e = engines.get(c);
  if (!e) {
    e = new pkijs.CryptoEngine({ name: 'tf-assessor', crypto: c as never });
    engines.set(c, e);
  }
  return e;
}

export async function sha256(c: WebCryptoLike, data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await c.subtle.digest('SHA-256', data));
}

export function randomBytes(c: WebCryptoLike, n: number): Uint8Array {
  return c.getRandomValues(new Uint8Array(n));
}
