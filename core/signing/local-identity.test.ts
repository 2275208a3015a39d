import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { must, run, tempDir } from '../../test/fixtures/signing/tools';
import { toPem } from './bytes';
import { describeCertificate } from './certificate';
import { SigningError } from './errors';
import { createLocalIdentity } from './local-identity';
import { exportPkcs12, importPkcs12 } from './pkcs12';

const NAME = '株式会社サンプル認証 審査部';
const tmp = tempDir('tfa-local-id-');
afterAll(tmp.cleanup);

describe.each(['ecdsa-p256', 'rsa-3072'] as const)('createLocalIdentity (%s)', (keyType) => {
  const files = (async () => {
    const local = await createLocalIdentity({ commonName: NAME, organization: '株式会社サンプル', country: 'jp', keyType, validityDays: 30 });
    const dir = join(tmp.dir, keyType);
    must('mkdir', ['-p', dir]);
    const ca = join(dir, 'ca.pem');
    const leaf = join(dir, 'leaf.pem');
    const p12 = join(dir, 'id.p12');
    writeFileSync(ca, toPem('CERTIFICATE', local.caCertificate));
    writeFileSync(leaf, toPem('CERTIFICATE', local.identity.chain[0]!));
    writeFileSync(p12, await exportPkcs12(local.identity, 'correct horse 馬'));
    return { local, ca, leaf, p12 };
  })();

  it('writes UTF8String names that openssl prints in Japanese', async () => {
    const { leaf, ca } = await files;
    expect(must('openssl', ['x509', '-in', leaf, '-noout', '-subject', '-nameopt', 'utf8']).stdout).toBe(`subject=C=JP, O=株式会社サンプル, CN=${NAME}\n`);
    const caSubject = must('openssl', ['x509', '-in', ca, '-noout', '-subject', '-nameopt', 'utf8']).stdout;
    expect(caSubject).toMatch(new RegExp(`^subject=C=JP, O=株式会社サンプル, CN=${NAME} Local CA [0-9A-F]{8}\\n$`));
    expect(must('openssl', ['asn1parse', '-in', leaf]).stdout).toContain(`UTF8STRING        :${NAME}`);
  });

  it('issues a CA and a signing certificate that openssl chains and accepts for S/MIME signing', async () => {
    const { leaf, ca, local } = await files;
    expect(must('openssl', ['verify', '-CAfile', ca, '-purpose', 'smimesign', leaf]).stdout).toBe(`${leaf}: OK\n`);
    const caText = must('openssl', ['x509', '-in', ca, '-noout', '-text']).stdout;
    expect(caText).toMatch(/Basic Constraints: critical\s+CA:TRUE, pathlen:0/);
    expect(caText).toMatch(/Key Usage: critical\s+Certificate Sign, CRL Sign/);
    const leafText = must('openssl', ['x509', '-in', leaf, '-noout', '-text']).stdout;
    expect(leafText).toMatch(/Key Usage: critical\s+Digital Signature, Non Repudiation/);
    expect(leafText).toMatch(/Extended Key Usage:\s+E-mail Protection, 1\.3\.6\.1\.4\.1\.311\.10\.3\.12/);
    expect(leafText).toContain(keyType === 'rsa-3072' ? 'Public-Key: (3072 bit)' : 'ASN1 OID: prime256v1');
    const info = describeCertificate(local.identity.chain[0]!);
    expect(info.subject).toBe(`CN=${NAME},O=株式会社サンプル,C=JP`);
    expect(info.sha256).toBe(must('openssl', ['x509', '-in', leaf, '-noout', '-fingerprint', '-sha256']).stdout.trim().split('=')[1]!.replace(/:/g, '').toLowerCase());
    expect(info.notAfter.getTime() - info.notBefore.getTime()).toBe(30 * 86_400_000);
  });

  it('exports a .p12 that OpenSSL 3 reads (PBES2 AES-256-CBC, SHA-256 MAC) and that holds the matching key', async () => {
    const { p12, leaf } = await files;
    const env = { PW: 'correct horse 馬' };
    const info = must('openssl', ['pkcs12', '-info', '-in', p12, '-passin', 'env:PW', '-nokeys'], { env });
    expect(info.stderr).toContain('MAC: sha256');
    expect(info.stderr).toContain('PKCS7 Encrypted data: PBES2, PBKDF2, AES-256-CBC');
    expect(info.stderr).toContain('Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC');
    // OpenSSL 3.0 prints BMPString friendly names as Latin-1; our importer reads them back (below).
    expect(info.stdout).toMatch(/friendlyName: .+\n/);
    const key = must('openssl', ['pkcs12', '-in', p12, '-passin', 'env:PW', '-nocerts', '-nodes'], { env }).stdout;
    const fromKey = must('openssl', ['pkey', '-pubout'], { input: key }).stdout;
    const fromCert = must('openssl', ['x509', '-in', leaf, '-noout', '-pubkey']).stdout;
    expect(fromKey).toBe(fromCert);
    const wrong = run('openssl', ['pkcs12', '-info', '-in', p12, '-passin', 'pass:wrong', '-nokeys']);
    expect(wrong.status).not.toBe(0);
    expect(wrong.stderr).toContain('Mac verify error');
  });

  it('round-trips through our own importer', async () => {
    const { local } = await files;
    const p12 = await exportPkcs12(local.identity, 'pw-1', { iterations: 2048 });
    const back = await importPkcs12(p12, 'pw-1', { label: 'id.p12' });
    expect(back.chain).toEqual(local.identity.chain);
    expect(back.info.commonName).toBe(NAME);
    expect(back.friendlyName).toBe(NAME);
  });
});

describe('createLocalIdentity input checks', () => {
  const base = { commonName: 'A', keyType: 'ecdsa-p256' as const, validityDays: 10 };
  it.each([
    [{ ...base, validityDays: 0 }, 'validity must be a whole number of days from 1 to 3650, not 0'],
    [{ ...base, country: 'Japan' }, 'the country "Japan" is not a two-letter ISO 3166 code such as JP'],
    [{ ...base, commonName: ' ' }, 'the commonName must not be empty'],
    [{ ...base, commonName: 'あ'.repeat(65) }, `the commonName "${'あ'.repeat(65)}" is longer than 64 characters (the X.509 limit); shorten it`],
  ])('refuses %o', async (options, message) => {
    await expect(createLocalIdentity(options)).rejects.toThrow(new SigningError('bad-input', message));
  });

  it('keeps a 64-character name and shortens only the CA name', async () => {
    const long = '審'.repeat(64);
    const local = await createLocalIdentity({ ...base, commonName: long });
    expect(describeCertificate(local.identity.chain[0]!).commonName).toBe(long);
    expect([...describeCertificate(local.caCertificate).commonName!]).toHaveLength(64);
  });
});
