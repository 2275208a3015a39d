import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { must, opensslIdentity, run, tempDir } from '../../test/fixtures/signing/tools';
import { fromPem, toPem } from './bytes';
import { signDetached, verifyDetached } from './cms';
import { SigningError } from './errors';
import { createLocalIdentity } from './local-identity';

const NAME = '株式会社サンプル認証 審査部';
const tmp = tempDir('tfa-cms-');
afterAll(tmp.cleanup);

// A stand-in for report.xlsx: any bytes, including ones that are not valid UTF-8.
const CONTENT = Uint8Array.from({ length: 5000 }, (_, i) => (i * 31 + 7) & 255);
const pem = (file: string) => fromPem(readFileSync(file, 'utf8'), 'CERTIFICATE')[0]!;

describe.each(['ecdsa-p256', 'rsa-3072'] as const)('signDetached (%s)', (keyType) => {
  const setup = (async () => {
    const local = await createLocalIdentity({ commonName: NAME, organization: '株式会社サンプル', country: 'JP', keyType, validityDays: 30 });
    const dir = join(tmp.dir, keyType);
    must('mkdir', ['-p', dir]);
    const paths = { content: join(dir, 'report.xlsx'), sig: join(dir, 'report.xlsx.p7s'), ca: join(dir, 'ca.pem') };
    const signingTime = new Date(Math.floor(Date.now() / 1000) * 1000);
    const cms = await signDetached(CONTENT, local.identity, { signingTime });
    writeFileSync(paths.content, CONTENT);
    writeFileSync(paths.sig, cms);
    writeFileSync(paths.ca, toPem('CERTIFICATE', local.caCertificate));
    return { local, cms, signingTime, ...paths };
  })();

  it('is accepted by the exact command of the README: openssl cms -verify -binary -inform DER -content report.xlsx -CAfile ca.pem', async () => {
    const s = await setup;
    const r = run('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', s.sig, '-content', s.content, '-CAfile', s.ca, '-out', '/dev/null']);
    expect(r.stderr).toBe('CMS Verification successful\n');
    expect(r.status).toBe(0);
    const any = run('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', s.sig, '-content', s.content, '-CAfile', s.ca, '-purpose', 'any', '-out', '/dev/null']);
    expect(any.status).toBe(0);
  });

  it('carries the CAdES B-B signed attributes and the whole chain', async () => {
    const s = await setup;
    const printed = must('openssl', ['cms', '-cmsout', '-print', '-inform', 'DER', '-in', s.sig]).stdout;
    for (const attr of ['contentType', 'messageDigest', 'signingTime', 'id-smime-aa-signingCertificateV2']) expect(printed).toContain(`object: ${attr}`);
    const certs = must('openssl', ['pkcs7', '-inform', 'DER', '-in', s.sig, '-print_certs']).stdout;
    expect(fromPem(certs, 'CERTIFICATE')).toEqual(s.local.identity.chain);
    const ours = await verifyDetached(CONTENT, s.cms, { trustAnchors: [s.local.caCertificate] });
    expect(ours).toMatchObject({ valid: true, intact: true, chainTrusted: true, reasons: [], signerSubject: `CN=${NAME},O=株式会社サンプル,C=JP`, signingTime: s.signingTime });
    expect(ours.signerFingerprint).toBe(must('openssl', ['x509', '-noout', '-fingerprint', '-sha256'], { input: toPem('CERTIFICATE', s.local.identity.chain[0]!) }).stdout.trim().split('=')[1]!.replace(/:/g, '').toLowerCase());
    expect(ours.signedAttributes.sort()).toEqual(['contentType', 'messageDigest', 'signingCertificateV2', 'signingTime']);
    expect(ours.chain.map((c) => c.isCA)).toEqual([false, true]);
  });

  it('is rejected by openssl and by us when one byte of the content changes', async () => {
    const s = await setup;
    const changed = CONTENT.slice();
    changed[1234] = changed[1234]! ^ 1;
    const file = join(tmp.dir, `${keyType}-changed.xlsx`);
    writeFileSync(file, changed);
    const r = run('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', s.sig, '-content', file, '-CAfile', s.ca, '-out', '/dev/null']);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('Verification failure');
    expect(r.stderr).toContain('content verify error');
    const ours = await verifyDetached(changed, s.cms, { trustAnchors: [s.local.caCertificate] });
    expect(ours.valid).toBe(false);
    expect(ours.intact).toBe(false);
    expect(ours.reasons).toContain('the content does not match the signature (message digest differs): it was changed after signing');
  });

  it('is intact but not trusted under another CA', async () => {
    const s = await setup;
    const other = await createLocalIdentity({ commonName: 'other', keyType: 'ecdsa-p256', validityDays: 5 });
    const ours = await verifyDetached(CONTENT, s.cms, { trustAnchors: [other.caCertificate] });
    expect(ours).toMatchObject({ valid: false, intact: true, chainTrusted: false });
    expect(ours.reasons).toEqual([`the chain ends at CN=${NAME} Local CA ${/Local CA ([0-9A-F]{8})/.exec(ours.chain[1]!.subject)![1]},O=株式会社サンプル,C=JP, which is not in the trust store`]);
    const none = await verifyDetached(CONTENT, s.cms, { trustAnchors: [] });
    expect(none.chainTrusted).toBe(false);
  });

  it('reports a tampered signature value', async () => {
    const s = await setup;
    const bad = s.cms.slice();
    bad[bad.length - 10] = bad[bad.length - 10]! ^ 0xff;
    const ours = await verifyDetached(CONTENT, bad, { trustAnchors: [s.local.caCertificate] });
    expect(ours.valid).toBe(false);
    expect(ours.intact).toBe(false);
    expect(ours.reasons.join('\n')).toContain(`the signature does not verify with the key of CN=${NAME}`);
  });

  it('notices a signingCertificateV2 hash that names another certificate', async () => {
    const s = await setup;
    const certHash = createHash('sha256').update(s.local.identity.chain[0]!).digest();
    const at = Buffer.from(s.cms).indexOf(certHash);
    expect(at).toBeGreaterThan(0);
    const bad = s.cms.slice();
    bad[at] = bad[at]! ^ 1;
    const ours = await verifyDetached(CONTENT, bad, { trustAnchors: [s.local.caCertificate] });
    expect(ours.valid).toBe(false);
    expect(ours.reasons).toContain('the signingCertificateV2 attribute does not match the signer certificate');
  });

  it('leaves signingTime out when asked (PAdES), keeping signingCertificateV2', async () => {
    const s = await setup;
    const cms = await signDetached(CONTENT, s.local.identity, { signingTime: null });
    const printed = must('openssl', ['cms', '-cmsout', '-print', '-inform', 'DER'], { input: Buffer.from(cms) }).stdout;
    expect(printed).not.toContain('object: signingTime');
    expect(printed).toContain('object: id-smime-aa-signingCertificateV2');
    const ours = await verifyDetached(CONTENT, cms, { trustAnchors: [s.local.caCertificate] });
    expect(ours.valid).toBe(true);
    expect(ours.signingTime).toBeUndefined();
  });
});

describe('verifyDetached on signatures made by openssl cms -sign', () => {
  it.each(['rsa', 'ec'] as const)('accepts a %s signature with the chain included', async (keyType) => {
    const id = opensslIdentity(join(tmp.dir, `openssl-${keyType}`), keyType);
    const content = join(tmp.dir, `o-${keyType}.bin`);
    const sig = join(tmp.dir, `o-${keyType}.p7s`);
    writeFileSync(content, CONTENT);
    must('openssl', ['cms', '-sign', '-binary', '-outform', 'DER', '-in', content, '-signer', id.leafPem, '-inkey', id.leafKey, '-certfile', id.caPem, '-out', sig]);
    const ours = await verifyDetached(CONTENT, readFileSync(sig), { trustAnchors: [pem(id.caPem)] });
    expect(ours.reasons).toEqual([]);
    expect(ours).toMatchObject({ valid: true, intact: true, chainTrusted: true, signerSubject: 'CN=審査 太郎,O=株式会社テスト,C=JP' });
    expect(ours.signingTime).toBeInstanceOf(Date);
    expect(ours.chain).toHaveLength(2);
    const changed = CONTENT.slice();
    changed[0] = changed[0]! ^ 1;
    expect((await verifyDetached(changed, readFileSync(sig), { trustAnchors: [pem(id.caPem)] })).valid).toBe(false);
  });

  it('accepts a signature without the CA certificate when the trust store has it', async () => {
    const id = opensslIdentity(join(tmp.dir, 'openssl-nochain'), 'ec');
    const content = join(tmp.dir, 'nochain.bin');
    writeFileSync(content, CONTENT);
    const out = join(tmp.dir, 'nochain.p7s');
    must('openssl', ['cms', '-sign', '-binary', '-outform', 'DER', '-in', content, '-signer', id.leafPem, '-inkey', id.leafKey, '-out', out]);
    const ours = await verifyDetached(CONTENT, readFileSync(out), { trustAnchors: [pem(id.caPem)] });
    expect(ours.valid).toBe(true);
    expect(ours.chain.map((c) => c.subject)).toEqual(['CN=審査 太郎,O=株式会社テスト,C=JP', 'CN=テスト認証局,O=株式会社テスト,C=JP']);
  });
  it('does not trust a different CA that merely has the same name', async () => {
    const signer = opensslIdentity(join(tmp.dir, 'same-name-1'), 'ec');
    const impostor = opensslIdentity(join(tmp.dir, 'same-name-2'), 'ec');
    expect(must('openssl', ['x509', '-in', impostor.caPem, '-noout', '-subject']).stdout).toBe(must('openssl', ['x509', '-in', signer.caPem, '-noout', '-subject']).stdout);
    const content = join(tmp.dir, 'same-name.bin');
    const out = join(tmp.dir, 'same-name.p7s');
    writeFileSync(content, CONTENT);
    must('openssl', ['cms', '-sign', '-binary', '-outform', 'DER', '-in', content, '-signer', signer.leafPem, '-inkey', signer.leafKey, '-certfile', signer.caPem, '-out', out]);
    expect(run('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', out, '-content', content, '-CAfile', impostor.caPem, '-out', '/dev/null']).status).not.toBe(0);
    const ours = await verifyDetached(CONTENT, readFileSync(out), { trustAnchors: [pem(impostor.caPem)] });
    expect(ours).toMatchObject({ valid: false, intact: true, chainTrusted: false });
    expect(ours.reasons).toEqual(['the chain ends at CN=テスト認証局,O=株式会社テスト,C=JP, which is not in the trust store (the trust store has a different certificate with that name)']);
  });
});

describe('certificate time checks', () => {
  it('refuses to sign with an expired certificate, naming the dates', async () => {
    const local = await createLocalIdentity({ commonName: 'old', keyType: 'ecdsa-p256', validityDays: 10, notBefore: new Date('2021-03-01T00:00:00Z') });
    await expect(signDetached(CONTENT, local.identity, { label: 'old.p12' })).rejects.toThrow(
      new SigningError('expired', 'old.p12: the certificate of CN=old expired on 2021-03-11T00:00:00Z (valid from 2021-03-01T00:00:00Z to 2021-03-11T00:00:00Z)'),
    );
  });

  it('checks validity at the signing time, or at the time the verifier asks for', async () => {
    const local = await createLocalIdentity({ commonName: 'then', keyType: 'ecdsa-p256', validityDays: 10, notBefore: new Date('2021-03-01T00:00:00Z') });
    const cms = await signDetached(CONTENT, local.identity, { signingTime: new Date('2021-03-05T00:00:00Z') });
    const atSigning = await verifyDetached(CONTENT, cms, { trustAnchors: [local.caCertificate] });
    expect(atSigning.valid).toBe(true);
    expect(atSigning.checkedAt).toEqual(new Date('2021-03-05T00:00:00Z'));
    const now = await verifyDetached(CONTENT, cms, { trustAnchors: [local.caCertificate], at: new Date('2024-01-01T00:00:00Z') });
    expect(now.valid).toBe(false);
    expect(now.intact).toBe(true);
    expect(now.reasons).toContain('the signing certificate CN=then expired on 2021-03-11T00:00:00Z (checked at 2024-01-01T00:00:00Z)');
  });
});

describe('verifyDetached on hostile input', () => {
  it('reports garbage instead of throwing', async () => {
    for (const bytes of [new Uint8Array(0), new TextEncoder().encode('not a signature'), Uint8Array.of(0x30, 0x84, 0xff, 0xff, 0xff, 0xff)]) {
      const r = await verifyDetached(CONTENT, bytes, { trustAnchors: [] });
      expect(r.valid).toBe(false);
      expect(r.reasons[0]).toMatch(/^not a CMS signature/);
    }
  });

  it('never throws on any single-byte corruption of a real signature', async () => {
    const local = await createLocalIdentity({ commonName: 'fuzz', keyType: 'ecdsa-p256', validityDays: 5 });
    const cms = await signDetached(CONTENT, local.identity);
    for (let i = 0; i < cms.length; i += 5) {
      const bad = cms.slice();
      bad[i] = bad[i]! ^ 0x55;
      const r = await verifyDetached(CONTENT, bad, { trustAnchors: [local.caCertificate] });
      expect(r.reasons.length > 0 || r.valid, `byte ${i}`).toBe(true);
    }
  });
});
