import { createDecipheriv } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { must, opensslIdentity, opensslP12, tempDir } from '../../test/fixtures/signing/tools';
import { fromPem } from './bytes';
import { SigningError } from './errors';
import { createLocalIdentity } from './local-identity';
import { exportPkcs12, importPkcs12, type LegacyCipher } from './pkcs12';

const tmp = tempDir('tfa-p12-');
afterAll(tmp.cleanup);

const legacyCipher: LegacyCipher = async (alg, key, iv, data) => {
  const d = createDecipheriv(alg, key, iv);
  return new Uint8Array(Buffer.concat([d.update(data), d.final()]));
};
const pem = (file: string) => fromPem(readFileSync(file, 'utf8'), 'CERTIFICATE')[0]!;

describe.each(['rsa', 'ec'] as const)('importPkcs12 of files made by OpenSSL 3 (%s)', (keyType) => {
  const id = opensslIdentity(join(tmp.dir, 'main'), keyType);
  const passphrase = 'パスフレーズ pw';

  it.each([
    ['default (PBES2, AES-256-CBC)', false],
    ['-legacy (RC2-40 certificates, triple-DES key, SHA-1 MAC)', true],
  ])('reads %s: key, certificate and chain in order', async (_what, legacy) => {
    const file = opensslP12(id, join(tmp.dir, `${keyType}-${legacy ? 'legacy' : 'default'}.p12`), passphrase, legacy);
    const info = must('openssl', ['pkcs12', '-info', '-in', file, '-passin', 'env:PW', '-noout', ...(legacy ? ['-legacy'] : [])], { env: { PW: passphrase } }).stderr;
    expect(info).toContain(legacy ? 'pbeWithSHA1And40BitRC2-CBC' : 'AES-256-CBC');
    const got = await importPkcs12(readFileSync(file), passphrase, { label: file, legacyCipher });
    expect(got.chain).toEqual([pem(id.leafPem), pem(id.caPem)]);
    expect(got.info.subject).toBe('CN=審査 太郎,O=株式会社テスト,C=JP');
    expect(got.info.publicKey.type).toBe(keyType);
    expect(got.friendlyName).toBe('テスト署名');
    // The key really is the certificate's: openssl derives the same public key from it.
    const keyPem = `-----BEGIN PRIVATE KEY-----\n${Buffer.from(got.privateKey).toString('base64')}\n-----END PRIVATE KEY-----\n`;
    expect(must('openssl', ['pkey', '-pubout'], { input: keyPem }).stdout).toBe(must('openssl', ['x509', '-in', id.leafPem, '-noout', '-pubkey']).stdout);
  });

  it.each([false, true])('says the passphrase is wrong, naming the file (legacy %s)', async (legacy) => {
    const file = opensslP12(id, join(tmp.dir, `${keyType}-wrong-${legacy}.p12`), passphrase, legacy);
    await expect(importPkcs12(readFileSync(file), 'not it', { label: 'signer.p12', legacyCipher })).rejects.toThrow(new SigningError('wrong-passphrase', 'the passphrase is wrong for signer.p12'));
  });
});

describe('importPkcs12 refuses certificates that cannot sign', () => {
  it('an expired certificate, naming its dates', async () => {
    const local = await createLocalIdentity({ commonName: '期限切れ', keyType: 'ecdsa-p256', validityDays: 30, notBefore: new Date('2020-01-01T00:00:00Z') });
    const p12 = await exportPkcs12(local.identity, 'pw', { iterations: 2048 });
    await expect(importPkcs12(p12, 'pw', { label: 'old.p12' })).rejects.toThrow(
      new SigningError('expired', 'old.p12: the certificate of CN=期限切れ expired on 2020-01-31T00:00:00Z (valid from 2020-01-01T00:00:00Z to 2020-01-31T00:00:00Z); renew the certificate or create a new identity'),
    );
  });

  it('a certificate not valid yet', async () => {
    const local = await createLocalIdentity({ commonName: 'future', keyType: 'ecdsa-p256', validityDays: 30, notBefore: new Date('2099-01-01T00:00:00Z') });
    const p12 = await exportPkcs12(local.identity, 'pw', { iterations: 2048 });
    const err = await importPkcs12(p12, 'pw', { label: 'f.p12', at: new Date('2030-06-01T00:00:00Z') }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SigningError);
    expect((err as SigningError).code).toBe('not-yet-valid');
    expect((err as SigningError).message).toBe(
      "f.p12: the certificate of CN=future is not valid yet at 2030-06-01T00:00:00Z (valid from 2099-01-01T00:00:00Z to 2099-01-31T00:00:00Z); check the computer's clock",
    );
  });

  it('a certificate without digitalSignature or nonRepudiation', async () => {
    const id = opensslIdentity(join(tmp.dir, 'kenc'), 'rsa', { leafExt: ['keyUsage=critical,keyEncipherment'], name: '暗号化専用' });
    const file = opensslP12(id, join(tmp.dir, 'kenc.p12'), 'pw');
    await expect(importPkcs12(readFileSync(file), 'pw', { label: 'kenc.p12' })).rejects.toThrow(
      new SigningError('key-usage', 'kenc.p12: the certificate of CN=暗号化専用,O=株式会社テスト,C=JP does not allow signing: its keyUsage is keyEncipherment, it needs digitalSignature or nonRepudiation; use a signing certificate'),
    );
  });

  it('an RSA key shorter than 2048 bits', async () => {
    const id = opensslIdentity(join(tmp.dir, 'short'), 'rsa', { rsaBits: 1024 });
    const file = opensslP12(id, join(tmp.dir, 'short.p12'), 'pw');
    await expect(importPkcs12(readFileSync(file), 'pw', { label: 'short.p12' })).rejects.toThrow(new SigningError('unsupported', 'short.p12 holds an RSA key of 1024 bits; use 2048 bits or more'));
  });

  it('a TLS server certificate (extendedKeyUsage serverAuth only)', async () => {
    const id = opensslIdentity(join(tmp.dir, 'tls'), 'ec', { leafExt: ['keyUsage=critical,digitalSignature', 'extendedKeyUsage=serverAuth'], name: 'www' });
    const file = opensslP12(id, join(tmp.dir, 'tls.p12'), 'pw');
    const err = (await importPkcs12(readFileSync(file), 'pw', { label: 'tls.p12' }).catch((e: unknown) => e)) as SigningError;
    expect(err.code).toBe('key-usage');
    expect(err.message).toContain('is not for document signing: its extendedKeyUsage (1.3.6.1.5.5.7.3.1) has none of emailProtection or documentSigning');
  });
});

describe('importPkcs12 on bad input', () => {
  it('says a non-PKCS#12 file is not one', async () => {
    await expect(importPkcs12(new TextEncoder().encode('hello'), 'pw', { label: 'x.p12' })).rejects.toThrow(/^x\.p12 is not a readable PKCS#12 file \(the file is not valid DER\)$/);
    const cert = pem(opensslIdentity(join(tmp.dir, 'der'), 'ec').caPem);
    await expect(importPkcs12(cert, 'pw', { label: 'ca.der' })).rejects.toThrow(/^ca\.der is not a readable PKCS#12 file/);
  });

  it('explains how to re-export a legacy file when triple DES is not available', async () => {
    const file = opensslP12(opensslIdentity(join(tmp.dir, 'legacy'), 'ec'), join(tmp.dir, 'legacy-nodes.p12'), 'pw', true);
    await expect(importPkcs12(readFileSync(file), 'pw', { label: 'old.pfx' })).rejects.toThrow(
      new SigningError('unsupported', 'old.pfx uses legacy triple-DES encryption, which is not available here; re-export it with OpenSSL 3 defaults (openssl pkcs12 -export without -legacy)'),
    );
  });

  it('refuses a file that holds certificates but no key', async () => {
    const id = opensslIdentity(join(tmp.dir, 'nokey'), 'ec');
    const file = join(tmp.dir, 'nokey.p12');
    must('openssl', ['pkcs12', '-export', '-nokeys', '-in', id.leafPem, '-out', file, '-passout', 'pass:pw']);
    await expect(importPkcs12(readFileSync(file), 'pw', { label: 'nokey.p12' })).rejects.toThrow(
      new SigningError('no-certificate', 'nokey.p12 holds no private key; export the certificate together with its key'),
    );
  });

  it('survives every single-byte corruption with a SigningError, never a crash', async () => {
    const local = await createLocalIdentity({ commonName: 'x', keyType: 'ecdsa-p256', validityDays: 5 });
    const p12 = await exportPkcs12(local.identity, 'pw', { iterations: 1 });
    writeFileSync(join(tmp.dir, 'fuzz.p12'), p12);
    for (let i = 0; i < p12.length; i += 7) {
      const bad = p12.slice();
      bad[i] = bad[i]! ^ 0x41;
      const err = await importPkcs12(bad, 'pw', { label: 'fuzz.p12' }).then(
        () => undefined,
        (e: unknown) => e,
      );
      // A flip in the MAC salt or value is a "wrong passphrase"; any other is a clear refusal.
      expect(err, `byte ${i}`).toBeInstanceOf(SigningError);
    }
  });
});
