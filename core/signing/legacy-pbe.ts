/**
 * What reading legacy PKCS#12 files needs beyond WebCrypto: the PKCS#12 key derivation
 * (RFC 7292 Appendix B) with SHA-1 and the RC2 block cipher (RFC 2268), both pure and
 * synchronous. `openssl pkcs12 -legacy`, old Windows and Java keystores encrypt the
 * certificates with pbeWithSHAAnd40BitRC2-CBC and the key with 3-key triple DES; triple DES
 * comes through a port (see Pkcs12Options.legacyCipher), RC2 is here because current
 * OpenSSL builds (and so Node) no longer offer it by default.
 */
import { concatBytes } from './bytes';

/** SHA-1 (FIPS 180-4). Only for legacy key derivation, never for signatures. */
export function sha1(data: Uint8Array): Uint8Array {
  const h = new Uint32Array([0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0]);
  const len = data.length;
  const total = Math.ceil((len + 9) / 64) * 64;
  const m = new Uint8Array(total);
  m.set(data);
  m[len] = 0x80;
  const view = new DataView(m.buffer);
  view.setUint32(total - 8, Math.floor(len / 0x20000000));
  view.setUint32(total - 4, (len * 8) >>> 0);
  const w = new Uint32Array(80);
  for (let off = 0; off < total; off += 64) {
    for (let i = 0; i < 16; i++) w[i] = view.getUint32(off + 4 * i);
    for (let i = 16; i < 80; i++) {
      const x = w[i - 3]! ^ w[i - 8]! ^ w[i - 14]! ^ w[i - 16]!;
      w[i] = (x << 1) | (x >>> 31);
    }
    let [a, b, c, d, e] = [h[0]!, h[1]!, h[2]!, h[3]!, h[4]!];
    for (let i = 0; i < 80; i++) {
      const f = i < 20 ? (b & c) | (~b & d) : i < 40 ? b ^ c ^ d : i < 60 ? (b & c) | (b & d) | (c & d) : b ^ c ^ d;
      const k = i < 20 ? 0x5a827999 : i < 40 ? 0x6ed9eba1 : i < 60 ? 0x8f1bbcdc : 0xca62c1d6;
      const t = (((a << 5) | (a >>> 27)) + f + e + k + w[i]!) >>> 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = t;
    }
    h[0] = h[0]! + a;
    h[1] = h[1]! + b;
    h[2] = h[2]! + c;
    h[3] = h[3]! + d;
    h[4] = h[4]! + e;
  }
  const out = new Uint8Array(20);
  const ov = new DataView(out.buffer);
  for (let i = 0; i < 5; i++) ov.setUint32(4 * i, h[i]!);
  return out;
}

/** A PKCS#12 password: UTF-16BE (BMPString) with a two-byte terminator. */
export function bmpPassword(passphrase: string): Uint8Array {
  const out = new Uint8Array(passphrase.length * 2 + 2);
  for (let i = 0; i < passphrase.length; i++) {
    out[2 * i] = passphrase.charCodeAt(i) >> 8;
    out[2 * i + 1] = passphrase.charCodeAt(i) & 255;
  }
  return out;
}

/**
 * RFC 7292 Appendix B.2 with SHA-1 (u = 20, v = 64). `id` 1 derives key material, 2 an IV,
 * 3 a MAC key.
 */
export function pkcs12Kdf(password: Uint8Array, salt: Uint8Array, iterations: number, id: 1 | 2 | 3, length: number): Uint8Array {
  const u = 20;
  const v = 64;
  const fill = (src: Uint8Array) => {
    const n = v * Math.ceil(src.length / v);
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = src[i % src.length]!;
    return out;
  };
  const I = concatBytes(salt.length ? fill(salt) : new Uint8Array(0), password.length ? fill(password) : new Uint8Array(0));
  const D = new Uint8Array(v).fill(id);
  const blocks: Uint8Array[] = [];
  for (let produced = 0; produced < length; produced += u) {
    let A = sha1(concatBytes(D, I));
    for (let r = 1; r < iterations; r++) A = sha1(A);
    blocks.push(A);
    // I_j = (I_j + B + 1) mod 2^(8v), B = A repeated to v bytes.
    const B = new Uint8Array(v);
    for (let i = 0; i < v; i++) B[i] = A[i % u]!;
    for (let j = 0; j < I.length; j += v) {
      let carry = 1;
      for (let k = v - 1; k >= 0; k--) {
        const s = I[j + k]! + B[k]! + carry;
        I[j + k] = s & 255;
        carry = s >> 8;
      }
    }
  }
  return concatBytes(...blocks).subarray(0, length);
}

// RFC 2268 §2: PITABLE, a permutation of 0..255 from the digits of pi.
const PITABLE = Uint8Array.from(
  (
    'd978f9c419ddb5ed28e9fd794aa0d89dc67e37832b76538e624c6488448bfba2179a59f587b34f1361456d8d09817d32' +
    'bd8f40eb86b77b0bf09521225c6b4e8254d66593ce60b21c7356c014a78cf1dc1275ca1f3bbee4d1423dd430a33cb626' +
    '6fbf0eda4669075727f21d9bbc944303f811c7f690ef3ee706c3d52fc8661ed708e8eade8052eef784aa72ac354d6a2a' +
    '961ad2715a1549744b9fd05e0418a4ecc2e0416e0f51cbcc2491af50a1f47039997c3a8523b8b47afc02365b25559731' +
    '2d5dfa98e38a92ae05df2910676cbac9d300e6cfe19ea82c6316013f58e289a90d38341bab33ffb0bb480c5fb9b1cd2e' +
    'c5f3db47e5a59c770aa62068fe7fc1ad'
  ).match(/../g)!,
  (h) => parseInt(h, 16),
);

function rc2ExpandKey(key: Uint8Array, effectiveBits: number): Uint16Array {
  const L = new Uint8Array(128);
  L.set(key);
  const T = key.length;
  for (let i = T; i < 128; i++) L[i] = PITABLE[(L[i - 1]! + L[i - T]!) & 255]!;
  const T8 = (effectiveBits + 7) >> 3;
  const TM = 255 % (1 << (8 + effectiveBits - 8 * T8));
  L[128 - T8] = PITABLE[L[128 - T8]! & TM]!;
  for (let i = 127 - T8; i >= 0; i--) L[i] = PITABLE[L[i + 1]! ^ L[i + T8]!]!;
  const K = new Uint16Array(64);
  for (let i = 0; i < 64; i++) K[i] = L[2 * i]! | (L[2 * i + 1]! << 8);
  return K;
}

function rc2DecryptBlock(K: Uint16Array, block: Uint8Array): Uint8Array {
  const R = [0, 1, 2, 3].map((i) => block[2 * i]! | (block[2 * i + 1]! << 8));
  const S = [1, 2, 3, 5];
  let j = 63;
  const rmix = () => {
    for (let i = 3; i >= 0; i--) {
      const r = R[i]!;
      R[i] = ((r >>> S[i]!) | (r << (16 - S[i]!))) & 0xffff;
      R[i] = (R[i]! - K[j]! - (R[(i + 3) & 3]! & R[(i + 2) & 3]!) - (~R[(i + 3) & 3]! & R[(i + 1) & 3]!)) & 0xffff;
      j--;
    }
  };
  const rmash = () => {
    for (let i = 3; i >= 0; i--) R[i] = (R[i]! - K[R[(i + 3) & 3]! & 63]!) & 0xffff;
  };
  for (let n = 0; n < 5; n++) rmix();
  rmash();
  for (let n = 0; n < 6; n++) rmix();
  rmash();
  for (let n = 0; n < 5; n++) rmix();
  const out = new Uint8Array(8);
  for (let i = 0; i < 4; i++) {
    out[2 * i] = R[i]! & 255;
    out[2 * i + 1] = R[i]! >> 8;
  }
  return out;
}

/** Strips PKCS#7 padding; throws when it is not valid (the usual sign of a wrong key). */
export function pkcs7Unpad(data: Uint8Array, blockSize: number): Uint8Array {
  const n = data[data.length - 1];
  if (n === undefined || n < 1 || n > blockSize || n > data.length) throw new Error('bad padding');
  for (let i = data.length - n; i < data.length; i++) if (data[i] !== n) throw new Error('bad padding');
  return data.subarray(0, data.length - n);
}

/** RC2-CBC decryption with PKCS#7 padding removed. */
export function rc2CbcDecrypt(key: Uint8Array, effectiveBits: number, iv: Uint8Array, data: Uint8Array): Uint8Array {
  if (data.length === 0 || data.length % 8) throw new Error('bad ciphertext length');
  const K = rc2ExpandKey(key, effectiveBits);
  const out = new Uint8Array(data.length);
  let prev = iv;
  for (let o = 0; o < data.length; o += 8) {
    const c = data.subarray(o, o + 8);
    const p = rc2DecryptBlock(K, c);
    for (let i = 0; i < 8; i++) out[o + i] = p[i]! ^ prev[i]!;
    prev = c;
  }
  return pkcs7Unpad(out, 8);
}
