import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { must, run as runTool, tempDir } from '../../test/fixtures/signing/tools';
import { readPkcs12File, writeDetachedSignature } from '../../core/node/signing-files';

const ROOT = resolve(__dirname, '../..');
const CLI = join(ROOT, 'dist/cli.cjs');
const tmp = tempDir('tfa-cli-identity-');
const NAME = '株式会社サンプル認証 審査部';

beforeAll(() => {
  const b = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, encoding: 'utf8' });
  if (b.status !== 0) throw new Error(`build failed: ${b.stderr}`);
}, 120_000);
afterAll(tmp.cleanup);

function cli(args: string[], env: NodeJS.ProcessEnv = {}): { code: number | null; stdout: string; stderr: string } {
  // stdin is not a terminal here, so the command never prompts.
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: tmp.dir, env: { ...process.env, ...env }, encoding: 'utf8', input: '' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('tf-assessor identity create', () => {
  it('writes a .p12 and the CA certificate beside it, and prints subject, fingerprints and validity', async () => {
    const r = cli(['identity', 'create', '--name', NAME, '--org', '株式会社サンプル', '--country', 'JP', '--out', 'assessor.p12', '--days', '90', '--passphrase-env', 'TFA_PW'], { TFA_PW: 's3cret パス' });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe(`created signing identity CN=${NAME},O=株式会社サンプル,C=JP`);
    expect(lines[1]).toBe('  key:           ECDSA P-256');
    expect(lines[2]).toMatch(/^ {2}certificate: {3}SHA-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(lines[3]).toMatch(/^ {2}valid: {9}\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ to \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(lines[4]).toBe('  PKCS#12:       assessor.p12');
    expect(lines[5]).toMatch(new RegExp(`^  CA: {12}CN=${NAME} Local CA [0-9A-F]{8},O=株式会社サンプル,C=JP$`));
    expect(lines[7]).toBe('  CA certificate: assessor.ca.pem');
    const [from, to] = lines[3]!.trim().split(/\s+/).filter((w) => /^\d{4}/.test(w));
    expect(new Date(to!).getTime() - new Date(from!).getTime()).toBe(90 * 86_400_000);

    const p12 = join(tmp.dir, 'assessor.p12');
    const ca = join(tmp.dir, 'assessor.ca.pem');
    expect(statSync(p12).mode & 0o777).toBe(0o600);
    const env = { PW: 's3cret パス' };
    const info = must('openssl', ['pkcs12', '-info', '-in', p12, '-passin', 'env:PW', '-nokeys'], { env });
    expect(info.stderr).toContain('MAC: sha256');
    const leafPem = join(tmp.dir, 'leaf.pem');
    must('openssl', ['pkcs12', '-in', p12, '-passin', 'env:PW', '-nokeys', '-clcerts', '-out', leafPem], { env });
    expect(must('openssl', ['x509', '-in', leafPem, '-noout', '-subject', '-nameopt', 'utf8']).stdout).toBe(`subject=C=JP, O=株式会社サンプル, CN=${NAME}\n`);
    expect(must('openssl', ['x509', '-in', ca, '-noout', '-subject', '-nameopt', 'utf8']).stdout).toMatch(new RegExp(`^subject=C=JP, O=株式会社サンプル, CN=${NAME} Local CA [0-9A-F]{8}\\n$`));
    expect(must('openssl', ['verify', '-CAfile', ca, leafPem]).stdout).toBe(`${leafPem}: OK\n`);
    const fp = must('openssl', ['x509', '-in', leafPem, '-noout', '-fingerprint', '-sha256']).stdout.trim().split('=')[1];
    expect(lines[2]).toBe(`  certificate:   SHA-256 ${fp}`);
    const caFp = must('openssl', ['x509', '-in', ca, '-noout', '-fingerprint', '-sha256']).stdout.trim().split('=')[1];
    expect(lines[6]).toBe(`  CA SHA-256:    ${caFp}`);

    // The identity signs a report that openssl verifies against the CA file it wrote.
    const identity = await readPkcs12File(p12, 's3cret パス');
    writeFileSync(join(tmp.dir, 'report.xlsx'), 'workbook bytes');
    await writeDetachedSignature(join(tmp.dir, 'report.xlsx'), identity);
    const v = runTool('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', 'report.xlsx.p7s', '-content', 'report.xlsx', '-CAfile', 'assessor.ca.pem', '-out', '/dev/null'], { cwd: tmp.dir });
    expect(v.stderr).toBe('CMS Verification successful\n');
  });

  it('makes RSA identities with --key rsa', () => {
    const r = cli(['identity', 'create', '--name', 'RSA signer', '--out', 'rsa.p12', '--key', 'rsa', '--passphrase-env', 'TFA_PW'], { TFA_PW: 'pw' });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('  key:           RSA 3072\n');
    const leaf = must('openssl', ['pkcs12', '-in', join(tmp.dir, 'rsa.p12'), '-passin', 'pass:pw', '-nokeys', '-clcerts']).stdout;
    expect(must('openssl', ['x509', '-noout', '-text'], { input: leaf }).stdout).toContain('Public-Key: (3072 bit)');
  });

  it.each([
    [['--name', 'A', '--out', 'a.p12'], {}, 2, 'tf-assessor identity create: no passphrase: give --passphrase-env VAR (the name of an environment variable holding it) or run in a terminal to be asked\n'],
    [['--name', 'A', '--out', 'a.p12', '--passphrase-env', 'NOPE_NOT_SET'], {}, 2, 'tf-assessor identity create: the environment variable NOPE_NOT_SET (named by --passphrase-env) is not set\n'],
    [['--name', 'A', '--out', 'a.p12', '--passphrase-env', 'EMPTY'], { EMPTY: '' }, 2, 'tf-assessor identity create: the environment variable EMPTY is empty; the .p12 needs a passphrase\n'],
    [['--name', 'A', '--out', 'a.p12', '--passphrase', 'x'], {}, 2, 'tf-assessor identity create: a passphrase is never taken as an argument (other users can see it); use --passphrase-env VAR or answer the prompt\n'],
    [['--out', 'a.p12', '--passphrase-env', 'P'], { P: 'x' }, 2, /^tf-assessor identity create: --name is required; usage: tf-assessor identity create --name <text>/],
    [['--name', 'A', '--out', 'a.p12', '--key', 'dsa', '--passphrase-env', 'P'], { P: 'x' }, 2, 'tf-assessor identity create: --key must be ecdsa or rsa, not "dsa"\n'],
    [['--name', 'A', '--out', 'a.p12', '--days', '0', '--passphrase-env', 'P'], { P: 'x' }, 2, 'tf-assessor identity create: --days must be a whole number from 1 to 3650, not "0"\n'],
    [['--name', 'A', '--out', 'a.p12', '--country', 'Japan', '--passphrase-env', 'P'], { P: 'x' }, 2, 'tf-assessor identity create: the country "Japan" is not a two-letter ISO 3166 code such as JP\n'],
  ] as const)('refuses %j with exit %#', (args, env, code, message) => {
    const r = cli(['identity', 'create', ...args], env);
    expect(r.code).toBe(code);
    if (typeof message === 'string') expect(r.stderr).toBe(message);
    else expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
    expect(existsSync(join(tmp.dir, 'a.p12'))).toBe(false);
  });

  it('does not overwrite an existing identity unless --force', () => {
    const first = cli(['identity', 'create', '--name', 'Keep', '--out', 'keep.p12', '--passphrase-env', 'P'], { P: 'x' });
    expect(first.code).toBe(0);
    const before = readFileSync(join(tmp.dir, 'keep.p12'));
    const again = cli(['identity', 'create', '--name', 'Other', '--out', 'keep.p12', '--passphrase-env', 'P'], { P: 'x' });
    expect(again.code).toBe(1);
    expect(again.stderr).toBe(`tf-assessor identity create: ${join(tmp.dir, 'keep.p12')} already exists; choose another --out or pass --force to replace it\n`);
    expect(readFileSync(join(tmp.dir, 'keep.p12'))).toEqual(before);
    const forced = cli(['identity', 'create', '--name', 'Other', '--out', 'keep.p12', '--force', '--passphrase-env', 'P'], { P: 'x' });
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain('created signing identity CN=Other');
  });

  it('is listed in --help', () => {
    const r = cli(['--help']);
    expect(r.stdout).toContain('identity create --name <text> --out <file.p12>');
  });
});
