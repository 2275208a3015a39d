/**
 * Signing on disk: reading .p12 files and trust anchors, writing a new local identity, and
 * writing detached `.p7s` signatures beside the files they sign. Also the triple-DES port
 * legacy .p12 files need (node:crypto has it; WebCrypto does not).
 */
import { createDecipheriv } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { fromPem, toPem } from '../signing/bytes';
import { parseCertificate } from '../signing/certificate';
import { signDetached } from '../signing/cms';
import { SigningError } from '../signing/errors';
import type { SigningIdentity } from '../signing/keys';
import type { LocalIdentity } from '../signing/local-identity';
import { exportPkcs12, importPkcs12, type ImportedIdentity, type LegacyCipher } from '../signing/pkcs12';
import { writeFileAtomic } from './atomic-file';

/** Triple-DES CBC decryption for legacy PKCS#12 files. */
export const nodeLegacyCipher: LegacyCipher = async (algorithm, key, iv, data) => {
  const d = createDecipheriv(algorithm, key, iv);
  return new Uint8Array(Buffer.concat([d.update(data), d.final()]));
};

async function readInput(path: string, what: string, label = path, maxBytes = 16 * 1024 * 1024): Promise<Uint8Array> {
  try {
    const s = await stat(path);
    if (!s.isFile()) throw new SigningError('bad-input', `${label} is not a file`);
    if (s.size > maxBytes) throw new SigningError('bad-input', `${label} is too large to be ${what}`);
    return new Uint8Array(await readFile(path));
  } catch (e) {
    if (e instanceof SigningError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new SigningError('bad-input', code === 'ENOENT' ? `${label} does not exist` : `cannot read ${label} (${code ?? String(e)})`);
  }
}

/**
 * Reads a .p12/.pfx signing identity (see importPkcs12): wrong passphrase, expired or
 * not-yet-valid certificates and certificates not for signing are SigningErrors naming the file.
 */
export async function readPkcs12File(path: string, passphrase: string, options: { at?: Date; label?: string } = {}): Promise<ImportedIdentity> {
  const label = options.label ?? path;
  const bytes = await readInput(path, 'a PKCS#12 file', label);
  return importPkcs12(bytes, passphrase, { label, at: options.at, legacyCipher: nodeLegacyCipher });
}

/** Reads trusted CA certificates from PEM files (any number of blocks) or DER files. */
export async function readTrustAnchors(paths: string[]): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for (const path of paths) {
    const bytes = await readInput(path, 'a certificate');
    const text = Buffer.from(bytes).toString('latin1');
    const ders = text.includes('-----BEGIN CERTIFICATE-----') ? fromPem(text, 'CERTIFICATE') : [bytes];
    ders.forEach((d, i) => parseCertificate(d, ders.length > 1 ? `certificate ${i + 1} in ${path}` : path));
    out.push(...ders);
  }
  return out;
}

/** `identity.p12` → `identity.ca.pem` beside it. */
export function caPemPathFor(p12Path: string): string {
  const ext = extname(p12Path).toLowerCase();
  const stem = ext === '.p12' || ext === '.pfx' ? basename(p12Path, extname(p12Path)) : basename(p12Path);
  return join(dirname(p12Path), `${stem}.ca.pem`);
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Writes a local identity as a passphrase-protected .p12 (mode 0600) and its CA
 * certificate as PEM beside it. Refuses to overwrite either file unless `force`.
 */
export async function writeLocalIdentityFiles(local: LocalIdentity, p12Path: string, passphrase: string, options: { force?: boolean; caPemPath?: string } = {}): Promise<{ p12Path: string; caPemPath: string }> {
  const caPemPath = options.caPemPath ?? caPemPathFor(p12Path);
  if (!options.force) {
    for (const p of [p12Path, caPemPath]) if (await exists(p)) throw new SigningError('bad-input', `${p} already exists; choose another --out or pass --force to replace it`);
  }
  const p12 = await exportPkcs12(local.identity, passphrase);
  await writeFileAtomic(p12Path, p12, { mode: 0o600 });
  await writeFileAtomic(caPemPath, toPem('CERTIFICATE', local.caCertificate), { mode: 0o644 });
  return { p12Path, caPemPath };
}

/**
 * Signs a file's exact bytes on disk with a detached CMS (CAdES B-B, signingTime included)
 * and writes it to `<file>.p7s` (or `out`). Returns the signature path.
 */
export async function writeDetachedSignature(filePath: string, identity: SigningIdentity, options: { signingTime?: Date; out?: string; label?: string } = {}): Promise<string> {
  const content = await readInput(filePath, 'signed', filePath, 1024 * 1024 * 1024);
  const cms = await signDetached(content, identity, { signingTime: options.signingTime ?? new Date(), label: options.label });
  const out = options.out ?? `${filePath}.p7s`;
  await writeFileAtomic(out, cms, { mode: 0o644 });
  return out;
}
