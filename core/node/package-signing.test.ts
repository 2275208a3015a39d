/**
 * The package signed for real: core/signing's detached CMS over manifest.json, checked by our
 * verifier against a certification body's trust anchors and by `openssl cms -verify`, the tool
 * a certification body without TF Assessor would use.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cmsManifestSigner, cmsManifestVerifier } from '../package/cms';
import { toPem } from '../signing/bytes';
import { createLocalIdentity, type LocalIdentity } from '../signing/local-identity';
import { readPackageEntryBytes } from './package-read';
import { sampleFiles, sampleInfo, yazlZip } from './package-test-helpers';
import { verifyPackage } from './package-verify';
import { writePackage } from './package-write';

const NAME = '株式会社サンプル認証 審査部';
let dir: string;
let signer: LocalIdentity;
let other: LocalIdentity;
let pkg: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tfa-pkg-sign-'));
  signer = await createLocalIdentity({ commonName: NAME, country: 'JP', keyType: 'ecdsa-p256', validityDays: 30 });
  other = await createLocalIdentity({ commonName: 'Someone Else', keyType: 'ecdsa-p256', validityDays: 30 });
  pkg = join(dir, 'signed.tfpkg');
  await writePackage(pkg, { manifestInfo: sampleInfo, files: sampleFiles(), sign: cmsManifestSigner(signer.identity) });
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a package signed with detached CMS', () => {
  it('verifies against the signer CA, naming the signer', async () => {
    const report = await verifyPackage(pkg, { verifySignature: cmsManifestVerifier({ trustAnchors: [signer.caCertificate] }) });
    expect(report.ok).toBe(true);
    expect(report.signature).toMatchObject({ valid: true, signer: { subject: `CN=${NAME},C=JP` } });
    expect(report.checks.find((c) => c.id === 'signature')!.reason).toMatch(new RegExp(`^signed by CN=${NAME},C=JP at \\d{4}-.*Z, certificate chain trusted`));
  });

  it('is refused by a certification body that does not trust the signer CA', async () => {
    const report = await verifyPackage(pkg, { verifySignature: cmsManifestVerifier({ trustAnchors: [other.caCertificate] }) });
    expect(report.ok).toBe(false);
    const check = report.checks.find((c) => c.id === 'signature')!;
    expect(check.status).toBe('failed');
    expect(check.reason).toMatch(/^the signature is not accepted: /);
    expect(report.checks.filter((c) => c.status !== 'passed').map((c) => c.id)).toEqual(['signature']);
  });

  it('is refused when the manifest is edited after signing', async () => {
    const parts = [];
    for (const name of ['assessment.json', 'evidence/screenshot-01.png', 'evidence/日本語の証跡.txt', 'pack/nist-800-63-4@1.0.0.json', 'manifest.json', 'manifest.json.p7s']) {
      const data = Buffer.from(await readPackageEntryBytes(pkg, name, { maxBytes: 1 << 20 }));
      parts.push({ name, data: name === 'manifest.json' ? Buffer.from(data.toString('utf8').replace('山田 花子', '山田 太郎')) : data });
    }
    const edited = join(dir, 'edited.tfpkg');
    writeFileSync(edited, await yazlZip(parts));
    const report = await verifyPackage(edited, { verifySignature: cmsManifestVerifier({ trustAnchors: [signer.caCertificate] }) });
    expect(report.checks.find((c) => c.status === 'failed')).toMatchObject({ id: 'signature', reason: expect.stringMatching(/message digest differs/) });
  });

  it('verifies with openssl cms over the manifest bytes taken from the package', async () => {
    const manifest = join(dir, 'manifest.json');
    const p7s = join(dir, 'manifest.json.p7s');
    const ca = join(dir, 'ca.pem');
    writeFileSync(manifest, await readPackageEntryBytes(pkg, 'manifest.json', { maxBytes: 1 << 20 }));
    writeFileSync(p7s, await readPackageEntryBytes(pkg, 'manifest.json.p7s', { maxBytes: 1 << 20 }));
    writeFileSync(ca, toPem('CERTIFICATE', signer.caCertificate));
    const r = spawnSync('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', p7s, '-content', manifest, '-CAfile', ca, '-out', '/dev/null'], { encoding: 'utf8' });
    expect(r.stderr).toBe('CMS Verification successful\n');
    expect(r.status).toBe(0);
  });
});
