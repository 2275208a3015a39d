import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { must, opensslIdentity, opensslP12, run, tempDir } from '../../test/fixtures/signing/tools';
import { SigningError } from '../signing/errors';
import { createLocalIdentity } from '../signing/local-identity';
import { caPemPathFor, readPkcs12File, readTrustAnchors, writeDetachedSignature, writeLocalIdentityFiles } from './signing-files';

const tmp = tempDir('tfa-sigfiles-');
afterAll(tmp.cleanup);

describe('signing files', () => {
  it('writes a local identity, signs report.xlsx beside it, and openssl verifies with the README command', async () => {
    const local = await createLocalIdentity({ commonName: '株式会社サンプル認証 審査部', country: 'JP', keyType: 'rsa-3072', validityDays: 30 });
    const p12 = join(tmp.dir, 'assessor.p12');
    const written = await writeLocalIdentityFiles(local, p12, 'pw');
    expect(written).toEqual({ p12Path: p12, caPemPath: join(tmp.dir, 'assessor.ca.pem') });
    await expect(writeLocalIdentityFiles(local, p12, 'pw')).rejects.toThrow(`${p12} already exists; choose another --out or pass --force to replace it`);

    const identity = await readPkcs12File(p12, 'pw');
    const report = join(tmp.dir, 'report.xlsx');
    writeFileSync(report, Buffer.from('PK\u0003\u0004 pretend workbook'));
    const sig = await writeDetachedSignature(report, identity);
    expect(sig).toBe(`${report}.p7s`);
    const r = run('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', 'report.xlsx.p7s', '-content', 'report.xlsx', '-CAfile', 'assessor.ca.pem', '-out', '/dev/null'], { cwd: tmp.dir });
    expect(r.stderr).toBe('CMS Verification successful\n');
    expect(await readTrustAnchors([written.caPemPath])).toEqual([local.caCertificate]);
  });

  it('reads legacy .p12 files through node:crypto triple DES', async () => {
    const id = opensslIdentity(join(tmp.dir, 'legacy'), 'rsa');
    const file = opensslP12(id, join(tmp.dir, 'legacy.pfx'), 'pw', true);
    const got = await readPkcs12File(file, 'pw', { label: 'legacy.pfx' });
    expect(got.info.subject).toBe('CN=審査 太郎,O=株式会社テスト,C=JP');
    await expect(readPkcs12File(file, 'bad', { label: 'legacy.pfx' })).rejects.toThrow(new SigningError('wrong-passphrase', 'the passphrase is wrong for legacy.pfx'));
  });

  it('names missing and unreadable inputs', async () => {
    await expect(readPkcs12File(join(tmp.dir, 'none.p12'), 'pw')).rejects.toThrow(`${join(tmp.dir, 'none.p12')} does not exist`);
    await expect(readPkcs12File(tmp.dir, 'pw')).rejects.toThrow(`${tmp.dir} is not a file`);
    const notPem = join(tmp.dir, 'x.pem');
    writeFileSync(notPem, 'hello');
    await expect(readTrustAnchors([notPem])).rejects.toThrow(/^.*x\.pem is not a valid X\.509 certificate/);
  });

  it('reads several CA certificates from one PEM bundle and DER files', async () => {
    const a = opensslIdentity(join(tmp.dir, 'ta-a'), 'ec');
    const b = opensslIdentity(join(tmp.dir, 'ta-b'), 'rsa');
    const bundle = join(tmp.dir, 'bundle.pem');
    writeFileSync(bundle, must('cat', [a.caPem, b.caPem]).stdout);
    const der = join(tmp.dir, 'b.der');
    must('openssl', ['x509', '-in', b.caPem, '-outform', 'DER', '-out', der]);
    const anchors = await readTrustAnchors([bundle, der]);
    expect(anchors).toHaveLength(3);
    expect(anchors[2]).toEqual(anchors[1]);
  });

  it.each([
    ['id.p12', 'id.ca.pem'],
    ['dir/ID.PFX', 'dir/ID.ca.pem'],
    ['noext', 'noext.ca.pem'],
  ])('puts the CA certificate of %s at %s', (p12, pem) => {
    expect(caPemPathFor(p12)).toBe(pem);
  });
});
