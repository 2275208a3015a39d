/**
 * The signing identities a user keeps on this machine, private keys encrypted at rest.
 *
 * One file per identity, `<sha256 of the signing certificate>.identity.json` (mode 0600):
 * the certificate chain in the clear (so identities can be listed without unlocking) and
 * the PKCS#8 private key sealed by a KeyProtector — Electron's safeStorage in the app
 * (electron/main/services/safe-storage.ts), a passphrase (scrypt + AES-256-GCM) in the CLI.
 * Nothing here returns a private key except `unlock`, which only main and the CLI call;
 * no API channel exposes it.
 */
import { createCipheriv, createDecipheriv, randomBytes, scrypt as scryptCb, type ScryptOptions } from 'node:crypto';
import { mkdir, readdir, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { fromBase64, toBase64 } from '../signing/bytes';
import { describeCertificate, isoSeconds, parseCertificate, type CertificateInfo } from '../signing/certificate';
import { SigningError } from '../signing/errors';
import { keyMatchesCertificate, pkcs8KeyType, type SigningIdentity } from '../signing/keys';
import { webCrypto } from '../signing/webcrypto';
import { writeFileAtomic } from './atomic-file';

/** Seals and unseals secret bytes; pluggable so the app and the CLI protect keys differently. */
export interface KeyProtector {
  /** Recorded beside the sealed key, so it is opened by the protector that sealed it. */
  readonly kind: string;
  protect(plain: Uint8Array): Promise<Uint8Array>;
  /** Throws KeyProtectionError when the secret cannot be opened (wrong passphrase, other user). */
  unprotect(sealed: Uint8Array): Promise<Uint8Array>;
}

/** The sealed key could not be opened by this protector. */
export class KeyProtectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeyProtectionError';
  }
}

export interface ScryptParams {
  /** log2 of the scrypt cost N (default 17: 128 MiB, about half a second). */
  log2N: number;
  r: number;
  p: number;
}

const DEFAULT_SCRYPT: ScryptParams = { log2N: 17, r: 8, p: 1 };
const MAGIC = [0x54, 0x46, 0x41, 0x4b]; // "TFAK"
const HEADER = 4 + 1 + 3 + 16 + 12;

function scrypt(passphrase: string, salt: Uint8Array, p: ScryptParams): Promise<Buffer> {
  const opts: ScryptOptions = { N: 2 ** p.log2N, r: p.r, p: p.p, maxmem: 2 * 128 * p.r * 2 ** p.log2N + 16 * 1024 * 1024 };
  return new Promise((resolve, reject) => scryptCb(passphrase.normalize('NFC'), salt, 32, opts, (err, key) => (err ? reject(err) : resolve(key))));
}

/**
 * Seals with AES-256-GCM under a key derived from the passphrase by scrypt. Layout:
 * "TFAK", version 1, log2N, r, p, 16-byte salt, 12-byte IV, ciphertext, 16-byte tag; the
 * header is authenticated, so its parameters cannot be weakened unnoticed.
 */
export function passphraseProtector(passphrase: string, params: ScryptParams = DEFAULT_SCRYPT): KeyProtector {
  if (!passphrase) throw new SigningError('bad-input', 'the passphrase must not be empty');
  return {
    kind: 'passphrase-scrypt-aes256gcm',
    async protect(plain) {
      const salt = randomBytes(16);
      const iv = randomBytes(12);
      const header = Buffer.from([...MAGIC, 1, params.log2N, params.r, params.p, ...salt, ...iv]);
      const cipher = createCipheriv('aes-256-gcm', await scrypt(passphrase, salt, params), iv);
      cipher.setAAD(header);
      const body = Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return new Uint8Array(Buffer.concat([header, body]));
    },
    async unprotect(sealed) {
      const b = Buffer.from(sealed);
      if (b.length < HEADER + 16 || !MAGIC.every((m, i) => b[i] === m) || b[4] !== 1) throw new KeyProtectionError('not a sealed key of this format');
      const p: ScryptParams = { log2N: b[5]!, r: b[6]!, p: b[7]! };
      if (p.log2N < 10 || p.log2N > 22 || p.r < 1 || p.r > 32 || p.p < 1 || p.p > 16) throw new KeyProtectionError('the sealed key has unreasonable scrypt parameters');
      const salt = b.subarray(8, 24);
      const iv = b.subarray(24, HEADER);
      const decipher = createDecipheriv('aes-256-gcm', await scrypt(passphrase, salt, p), iv);
      decipher.setAAD(b.subarray(0, HEADER));
      decipher.setAuthTag(b.subarray(b.length - 16));
      try {
        return new Uint8Array(Buffer.concat([decipher.update(b.subarray(HEADER, b.length - 16)), decipher.final()]));
      } catch {
        throw new KeyProtectionError('the passphrase is wrong');
      }
    },
  };
}

/** What the store tells about an identity: public information only, never the key. */
export interface StoredIdentity {
  /** SHA-256 of the signing certificate (lowercase hex); also the file name. */
  id: string;
  label: string;
  subject: string;
  issuer: string;
  notBefore: string;
  notAfter: string;
  keyType: 'rsa' | 'ecdsa-p256';
  protection: string;
  createdAt: string;
  certificate: CertificateInfo;
}

interface IdentityFile {
  formatVersion: 1;
  id: string;
  label: string;
  createdAt: string;
  chain: string[];
  key: { protection: string; data: string };
}

const ID = /^[0-9a-f]{64}$/;

export class IdentityStore {
  constructor(
    private readonly dir: string,
    private readonly protector: KeyProtector,
  ) {}

  private path(id: string): string {
    if (!ID.test(id)) throw new SigningError('bad-input', `"${id}" is not an identity id (64 hex digits)`);
    return join(this.dir, `${id}.identity.json`);
  }

  private async read(id: string): Promise<IdentityFile> {
    const file = this.path(id);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new SigningError('no-certificate', `no signing identity ${id} in ${this.dir}`);
      throw e;
    }
    let data: IdentityFile;
    try {
      data = JSON.parse(text) as IdentityFile;
    } catch {
      throw new SigningError('bad-input', `${file} is not valid JSON; remove it and import the identity again`);
    }
    if (data.formatVersion !== 1 || data.id !== id || !Array.isArray(data.chain) || typeof data.key?.data !== 'string') {
      throw new SigningError('bad-input', `${file} is not a signing identity file of a known format`);
    }
    return data;
  }

  private summary(f: IdentityFile): StoredIdentity {
    const info = describeCertificate(fromBase64(f.chain[0] ?? ''));
    return {
      id: f.id,
      label: f.label,
      subject: info.subject,
      issuer: info.issuer,
      notBefore: isoSeconds(info.notBefore),
      notAfter: isoSeconds(info.notAfter),
      keyType: info.publicKey.type === 'rsa' ? 'rsa' : 'ecdsa-p256',
      protection: f.key.protection,
      createdAt: f.createdAt,
      certificate: info,
    };
  }

  /** Stores an identity, its key sealed by the protector. Same certificate again replaces it. */
  async add(identity: SigningIdentity, label?: string): Promise<StoredIdentity> {
    const leaf = parseCertificate(identity.chain[0] ?? new Uint8Array(0), 'the signing certificate');
    const type = pkcs8KeyType(identity.privateKey);
    if (!(await keyMatchesCertificate(webCrypto(), identity.privateKey, type, leaf.spkiDer))) {
      throw new SigningError('bad-input', `the private key does not belong to the certificate of ${leaf.info.subject}`);
    }
    const sealed = await this.protector.protect(identity.privateKey);
    const file: IdentityFile = {
      formatVersion: 1,
      id: leaf.info.sha256,
      label: label ?? leaf.info.commonName ?? leaf.info.subject,
      createdAt: new Date().toISOString(),
      chain: identity.chain.map(toBase64),
      key: { protection: this.protector.kind, data: toBase64(sealed) },
    };
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await writeFileAtomic(this.path(file.id), `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
    return this.summary(file);
  }

  /** Every stored identity (public information), newest first. Unreadable files are skipped. */
  async list(): Promise<StoredIdentity[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    const out: StoredIdentity[] = [];
    for (const n of names) {
      const m = /^([0-9a-f]{64})\.identity\.json$/.exec(n);
      if (!m) continue;
      try {
        out.push(this.summary(await this.read(m[1]!)));
      } catch {
        // A damaged file must not hide the others; `unlock` reports it when it is chosen.
      }
    }
    return out.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  /**
   * The identity with its private key, for signing in main or the CLI. Wrong passphrase or
   * a key sealed by another protector is a SigningError naming the identity.
   */
  async unlock(id: string): Promise<SigningIdentity> {
    const f = await this.read(id);
    if (f.key.protection !== this.protector.kind) {
      throw new SigningError('unsupported', `the key of "${f.label}" is protected by ${f.key.protection}, not ${this.protector.kind}; open it where it was stored`);
    }
    let privateKey: Uint8Array;
    try {
      privateKey = await this.protector.unprotect(fromBase64(f.key.data));
    } catch (e) {
      if (e instanceof KeyProtectionError && /passphrase/.test(e.message)) throw new SigningError('wrong-passphrase', `the passphrase is wrong for the signing identity "${f.label}"`);
      throw new SigningError('bad-input', `the key of "${f.label}" cannot be opened (${e instanceof Error ? e.message : String(e)})`);
    }
    const chain = f.chain.map(fromBase64);
    const leaf = parseCertificate(chain[0] ?? new Uint8Array(0), `the certificate of "${f.label}"`);
    if (leaf.info.sha256 !== f.id || !(await keyMatchesCertificate(webCrypto(), privateKey, pkcs8KeyType(privateKey), leaf.spkiDer))) {
      throw new SigningError('bad-input', `the stored identity "${f.label}" is inconsistent (key and certificate do not match); import it again`);
    }
    return { chain, privateKey };
  }

  /** The identity's certificate chain (DER, signing certificate first): public, no unlocking. */
  async certificates(id: string): Promise<Uint8Array[]> {
    return (await this.read(id)).chain.map(fromBase64);
  }

  async remove(id: string): Promise<void> {
    try {
      await unlink(this.path(id));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
}
