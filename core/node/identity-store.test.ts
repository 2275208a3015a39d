import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { must, tempDir } from '../../test/fixtures/signing/tools';
import { toBase64, toPem } from '../signing/bytes';
import { signDetached } from '../signing/cms';
import { SigningError } from '../signing/errors';
import { createLocalIdentity } from '../signing/local-identity';
import { IdentityStore, KeyProtectionError, passphraseProtector, type KeyProtector } from './identity-store';

const tmp = tempDir('tfa-store-');
afterAll(tmp.cleanup);
// Fast scrypt for tests; the default (2^17) is exercised once below.
const FAST = { log2N: 12, r: 8, p: 1 };

describe('passphraseProtector', () => {
  it('seals with AES-256-GCM under scrypt and opens only with the same passphrase', async () => {
    const secret = Uint8Array.from({ length: 100 }, (_, i) => i);
    const sealed = await passphraseProtector('正しいパスフレーズ', FAST).protect(secret);
    expect(Array.from(sealed.subarray(0, 8))).toEqual([0x54, 0x46, 0x41, 0x4b, 1, 12, 8, 1]);
    expect(sealed.length).toBe(8 + 16 + 12 + secret.length + 16);
    expect(Buffer.from(sealed).includes(Buffer.from(secret.subarray(10, 30)))).toBe(false);
    expect(await passphraseProtector('正しいパスフレーズ', FAST).unprotect(sealed)).toEqual(secret);
    // NFC: the same text typed with a decomposed mark opens it too.
    expect(await passphraseProtector('正しいハ\u309Aスフレーズ', FAST).unprotect(sealed)).toEqual(secret);
    await expect(passphraseProtector('wrong', FAST).unprotect(sealed)).rejects.toThrow(new KeyProtectionError('the passphrase is wrong'));
  });

  it('detects a weakened header (scrypt parameters are authenticated)', async () => {
    const sealed = await passphraseProtector('pw', FAST).protect(Uint8Array.of(1, 2, 3));
    const weakened = sealed.slice();
    weakened[5] = 11;
    await expect(passphraseProtector('pw').unprotect(weakened)).rejects.toThrow(KeyProtectionError);
  });

  it('uses 128 MiB scrypt by default', async () => {
    const sealed = await passphraseProtector('pw').protect(Uint8Array.of(9));
    expect(sealed[5]).toBe(17);
    expect(await passphraseProtector('pw').unprotect(sealed)).toEqual(Uint8Array.of(9));
  });

  it('refuses an empty passphrase', () => {
    expect(() => passphraseProtector('')).toThrow(new SigningError('bad-input', 'the passphrase must not be empty'));
  });
});

describe('IdentityStore', () => {
  it('keeps the chain readable and the key sealed, and unlocks it for signing', async () => {
    const dir = join(tmp.dir, 'store');
    const store = new IdentityStore(dir, passphraseProtector('store pw', FAST));
    const local = await createLocalIdentity({ commonName: '審査 花子', country: 'JP', keyType: 'ecdsa-p256', validityDays: 30 });
    const added = await store.add(local.identity, '花子の署名');
    expect(added).toMatchObject({ label: '花子の署名', subject: 'CN=審査 花子,C=JP', keyType: 'ecdsa-p256', protection: 'passphrase-scrypt-aes256gcm' });
    const files = readdirSync(dir);
    expect(files).toEqual([`${added.id}.identity.json`]);
    const file = join(dir, files[0]!);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const text = readFileSync(file, 'utf8');
    // The private key appears nowhere in the file, neither raw nor base64.
    expect(text).not.toContain(toBase64(local.identity.privateKey).slice(20, 60));
    expect(readFileSync(file).includes(Buffer.from(local.identity.privateKey.subarray(30, 60)))).toBe(false);

    expect((await store.list()).map((s) => s.id)).toEqual([added.id]);
    const unlocked = await store.unlock(added.id);
    expect(unlocked).toEqual(local.identity);
    // It signs, and openssl accepts the signature with the CA.
    const content = new TextEncoder().encode('manifest');
    writeFileSync(join(tmp.dir, 'm.json'), content);
    writeFileSync(join(tmp.dir, 'm.json.p7s'), await signDetached(content, unlocked));
    writeFileSync(join(tmp.dir, 'store-ca.pem'), toPem('CERTIFICATE', local.caCertificate));
    must('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', join(tmp.dir, 'm.json.p7s'), '-content', join(tmp.dir, 'm.json'), '-CAfile', join(tmp.dir, 'store-ca.pem'), '-out', '/dev/null']);

    await expect(new IdentityStore(dir, passphraseProtector('nope', FAST)).unlock(added.id)).rejects.toThrow(new SigningError('wrong-passphrase', 'the passphrase is wrong for the signing identity "花子の署名"'));
    await store.remove(added.id);
    expect(await store.list()).toEqual([]);
  });

  it('refuses a key sealed by another protector, a key that does not match, and bad ids', async () => {
    const dir = join(tmp.dir, 'store2');
    const other: KeyProtector = { kind: 'electron-safe-storage', protect: async (b) => b, unprotect: async (b) => b };
    const local = await createLocalIdentity({ commonName: 'x', keyType: 'ecdsa-p256', validityDays: 30 });
    const added = await new IdentityStore(dir, other).add(local.identity);
    await expect(new IdentityStore(dir, passphraseProtector('pw', FAST)).unlock(added.id)).rejects.toThrow(
      'the key of "x" is protected by electron-safe-storage, not passphrase-scrypt-aes256gcm; open it where it was stored',
    );
    const stranger = await createLocalIdentity({ commonName: 'y', keyType: 'ecdsa-p256', validityDays: 30 });
    await expect(new IdentityStore(dir, other).add({ chain: local.identity.chain, privateKey: stranger.identity.privateKey })).rejects.toThrow(
      'the private key does not belong to the certificate of CN=x',
    );
    await expect(new IdentityStore(dir, other).unlock('../../etc/passwd')).rejects.toThrow('"../../etc/passwd" is not an identity id (64 hex digits)');
  });

  it('lists the readable identities when one file is damaged', async () => {
    const dir = join(tmp.dir, 'store3');
    const store = new IdentityStore(dir, passphraseProtector('pw', FAST));
    const a = await store.add((await createLocalIdentity({ commonName: 'a', keyType: 'ecdsa-p256', validityDays: 30 })).identity);
    writeFileSync(join(dir, `${'0'.repeat(64)}.identity.json`), '{ broken');
    expect((await store.list()).map((s) => s.id)).toEqual([a.id]);
    await expect(store.unlock('0'.repeat(64))).rejects.toThrow(`${join(dir, `${'0'.repeat(64)}.identity.json`)} is not valid JSON; remove it and import the identity again`);
  });
});
