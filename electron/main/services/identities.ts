/**
 * The signing identities of the app: listing, creating a local CA identity, importing a
 * .p12, removing, handing out the CA certificate, and unlocking a key for an export. Keys
 * are sealed at rest by a KeyProtector (safeStorage on the desktop; a key file in the
 * browser preview) and are only ever returned by `unlock`, which the export service calls in
 * main; no channel carries them.
 *
 * Pure Node (no Electron import): the protector comes in from the caller.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ApiFailure } from '../../../core/api/contract';
import {
  IdentityCreateArgs as CreateSchema,
  type CaCertificateView,
  type IdentitiesView,
  type IdentityCreateArgs,
  type IdentityImportArgs,
  type IdentityView,
  type KeyStorageView,
} from '../../../core/api/contract-export';
import { writeFileAtomic } from '../../../core/node/atomic-file';
import { IdentityStore, KeyProtectionError, type KeyProtector, type StoredIdentity } from '../../../core/node/identity-store';
import { nodeLegacyCipher } from '../../../core/node/signing-files';
import { fromBase64, toPem } from '../../../core/signing/bytes';
import { describeCertificate, isoSeconds, type CertificateInfo } from '../../../core/signing/certificate';
import { SigningError } from '../../../core/signing/errors';
import type { SigningIdentity } from '../../../core/signing/keys';
import { createLocalIdentity } from '../../../core/signing/local-identity';
import { importPkcs12 } from '../../../core/signing/pkcs12';

/** Where identities live under the app's data folder. */
export const IDENTITIES_DIR = 'identities';

/** How keys are protected here: the kind shown to the user, and the protector (created lazily: safeStorage needs the app ready). */
export interface KeyProtection {
  kind: KeyStorageView['kind'];
  /** Throws with a user-facing reason when keys cannot be protected on this machine. */
  protector(): KeyProtector;
}

export interface IdentityService {
  list(): Promise<IdentitiesView>;
  create(args: IdentityCreateArgs): Promise<IdentityView>;
  import(args: IdentityImportArgs): Promise<IdentityView>;
  remove(id: string): Promise<IdentitiesView>;
  caCertificate(id: string): Promise<CaCertificateView>;
  /** Public facts of one identity; `not-found` when it is gone. */
  get(id: string): Promise<IdentityView>;
  /** The certificate chain (public). */
  certificates(id: string): Promise<Uint8Array[]>;
  /** The identity with its private key, for signing in main. Checked at `at` (expired → invalid-input). */
  unlock(id: string, at: Date): Promise<SigningIdentity>;
}

const LOCAL_CA = / Local CA [0-9A-F]{8}$/;

/** `ECDSA P-256`, `RSA 3072`. */
export function keyAlgorithm(info: CertificateInfo): string {
  const k = info.publicKey;
  return k.type === 'rsa' ? `RSA ${k.bits}` : k.type === 'ec' ? `ECDSA ${k.curve}` : k.algorithm;
}

/** The self-signed CA at the top of a chain, if the chain carries one. */
export function rootCa(chain: Uint8Array[]): { der: Uint8Array; info: CertificateInfo } | null {
  if (chain.length < 2) return null;
  const der = chain[chain.length - 1]!;
  const info = describeCertificate(der);
  return info.isCA && info.selfIssued ? { der, info } : null;
}

function view(s: StoredIdentity, chain: Uint8Array[], now: Date): IdentityView {
  const root = rootCa(chain);
  return {
    id: s.id,
    label: s.label,
    subject: s.subject,
    commonName: s.certificate.commonName ?? null,
    issuer: s.issuer,
    fingerprintSha256: s.certificate.sha256,
    notBefore: s.notBefore,
    notAfter: s.notAfter,
    keyAlgorithm: keyAlgorithm(s.certificate),
    expired: now.getTime() > s.certificate.notAfter.getTime(),
    localCa: chain.length === 2 && root !== null && LOCAL_CA.test(root.info.commonName ?? ''),
    caSubject: root?.info.subject ?? null,
    caFingerprintSha256: root?.info.sha256 ?? null,
    createdAt: s.createdAt,
  };
}

/** A core message (`the passphrase is wrong for …`) as one sentence for the user. */
function sentence(message: string): string {
  const m = message.trim();
  return `${m.charAt(0).toUpperCase()}${m.slice(1)}${/[.!?]$/.test(m) ? '' : '.'}`;
}

/** Signing problems are the user's input (a wrong passphrase, an expired certificate): `invalid-input`. */
function asApiFailure(err: unknown): unknown {
  if (err instanceof SigningError) return new ApiFailure(err.code === 'no-certificate' && /no signing identity/.test(err.message) ? 'not-found' : 'invalid-input', sentence(err.message));
  if (err instanceof KeyProtectionError) return new ApiFailure('invalid-input', sentence(err.message));
  return err;
}

export function createIdentityService(options: { dataDir: string; protection: KeyProtection; now?: () => Date }): IdentityService {
  const dir = join(options.dataDir, IDENTITIES_DIR);
  const now = options.now ?? (() => new Date());

  function storage(): KeyStorageView {
    try {
      options.protection.protector();
      return { available: true, kind: options.protection.kind, problem: null };
    } catch (err) {
      return { available: false, kind: options.protection.kind, problem: sentence(err instanceof Error ? err.message : String(err)) };
    }
  }

  /** The store with the real protector; refuses with the reason when keys cannot be protected. */
  function sealingStore(): IdentityStore {
    let protector: KeyProtector;
    try {
      protector = options.protection.protector();
    } catch (err) {
      throw new ApiFailure('invalid-input', sentence(err instanceof Error ? err.message : String(err)));
    }
    return new IdentityStore(dir, protector);
  }

  // Listing and reading certificates never open a key: no protector needed (nor wanted:
  // the keychain may be locked, and the list must still show).
  const publicStore = new IdentityStore(dir, {
    kind: 'none',
    protect: () => Promise.reject(new KeyProtectionError('keys are not opened here')),
    unprotect: () => Promise.reject(new KeyProtectionError('keys are not opened here')),
  });

  async function viewOf(s: StoredIdentity): Promise<IdentityView> {
    return view(s, await publicStore.certificates(s.id), now());
  }

  async function list(): Promise<IdentitiesView> {
    const stored = await publicStore.list();
    const identities: IdentityView[] = [];
    for (const s of stored) identities.push(await viewOf(s));
    return { identities, storage: storage() };
  }

  async function get(id: string): Promise<IdentityView> {
    const found = (await publicStore.list()).find((s) => s.id === id);
    if (!found) throw new ApiFailure('not-found', 'This signing identity is not on this computer any more: choose another one or create a new one.');
    return viewOf(found);
  }

  return {
    list,
    get,

    async create(args) {
      const a = CreateSchema.parse(args);
      const store = sealingStore();
      try {
        const local = await createLocalIdentity({
          commonName: a.commonName,
          ...(a.organization !== undefined && { organization: a.organization }),
          ...(a.country !== undefined && { country: a.country }),
          keyType: a.keyType,
          validityDays: a.validityDays,
        });
        return await viewOf(await store.add(local.identity, a.label));
      } catch (err) {
        throw asApiFailure(err);
      }
    },

    async import(args) {
      const store = sealingStore();
      let bytes: Uint8Array;
      try {
        bytes = fromBase64(args.p12);
      } catch {
        throw new ApiFailure('invalid-input', 'The file could not be read as a .p12 file (bad base64 data). Pick the file again.');
      }
      if (bytes.length === 0) throw new ApiFailure('invalid-input', 'The file is empty: pick the .p12 or .pfx file that holds your signing key.');
      const label = args.name ? `"${args.name.replace(/[\p{Cc}\p{Cf}]+/gu, ' ').slice(0, 200)}"` : 'the PKCS#12 file';
      try {
        const imported = await importPkcs12(bytes, args.passphrase, { label, at: now(), legacyCipher: nodeLegacyCipher });
        const chosen = args.label ?? imported.friendlyName ?? imported.info.commonName;
        return await viewOf(await store.add({ chain: imported.chain, privateKey: imported.privateKey }, chosen));
      } catch (err) {
        throw asApiFailure(err);
      }
    },

    async remove(id) {
      await get(id);
      await publicStore.remove(id);
      return list();
    },

    async caCertificate(id) {
      await get(id);
      const root = rootCa(await publicStore.certificates(id));
      if (!root) throw new ApiFailure('not-found', 'This identity carries no CA certificate: ask whoever issued it for the CA certificate the certification body must trust.');
      return { pem: toPem('CERTIFICATE', root.der), suggestedName: 'ca.pem', subject: root.info.subject, fingerprintSha256: root.info.sha256, notAfter: isoSeconds(root.info.notAfter) };
    },

    certificates(id) {
      return publicStore.certificates(id).catch((err: unknown) => {
        throw asApiFailure(err);
      });
    },

    async unlock(id, at) {
      const identity = await get(id);
      if (at.getTime() > Date.parse(identity.notAfter)) {
        throw new ApiFailure('invalid-input', `The certificate of ${identity.subject} expired on ${identity.notAfter}: create a new identity or import a renewed one.`);
      }
      try {
        return await sealingStore().unlock(id);
      } catch (err) {
        throw asApiFailure(err);
      }
    },
  };
}

// #region PREVIEW ONLY — not a protection of real keys.
/**
 * The browser preview has no safeStorage. Keys there are sealed with AES-256-GCM under a
 * random key kept in a file beside them (`<dataDir>/preview-key.bin`, mode 0600): it keeps
 * keys out of plain sight in the identity files, but anyone who can read the data folder can
 * open them. The preview is for trying the app with throw-away identities; real signing keys
 * belong in the desktop app (system keychain) or the CLI (passphrase).
 */
export function previewKeyFileProtection(dataDir: string): KeyProtection {
  const keyFile = join(dataDir, 'preview-key.bin');
  let key: Promise<Buffer> | null = null;
  function loadKey(): Promise<Buffer> {
    if (key) return key;
    key = (async () => {
      try {
        const k = await readFile(keyFile);
        if (k.length === 32) return k;
        // Replacing it would make every stored key unreadable without saying so.
        throw new KeyProtectionError(`the preview key file ${keyFile} is damaged; remove it together with the identities folder beside it`);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
      await mkdir(dataDir, { recursive: true });
      const k = randomBytes(32);
      await writeFileAtomic(keyFile, k, { mode: 0o600 });
      await chmod(keyFile, 0o600).catch(() => undefined);
      return k;
    })();
    // A failure (e.g. a read-only folder) is reported, not remembered: the next use tries again.
    key.catch(() => {
      key = null;
    });
    return key;
  }
  const protector: KeyProtector = {
    kind: 'preview-key-file-aes256gcm',
    async protect(plain) {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', await loadKey(), iv);
      const body = Buffer.concat([c.update(plain), c.final()]);
      return new Uint8Array(Buffer.concat([iv, body, c.getAuthTag()]));
    },
    async unprotect(sealed) {
      const b = Buffer.from(sealed);
      if (b.length < 12 + 16) throw new KeyProtectionError('the sealed key is damaged');
      const d = createDecipheriv('aes-256-gcm', await loadKey(), b.subarray(0, 12));
      d.setAuthTag(b.subarray(b.length - 16));
      try {
        return new Uint8Array(Buffer.concat([d.update(b.subarray(12, b.length - 16)), d.final()]));
      } catch {
        throw new KeyProtectionError(`the key was sealed with another preview key file than ${keyFile}`);
      }
    },
  };
  return { kind: 'preview-key-file', protector: () => protector };
}
// #endregion
