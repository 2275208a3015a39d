// `tf-assessor export`, run as users run it (`node dist/cli.cjs`) on a demo workspace, its
// output checked by independent tools: pdfsig (NSS), openssl cms, qpdf, pdftotext, unzip.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireLock } from '../../core/node/lock';
import { writeLocalIdentityFiles } from '../../core/node/signing-files';
import { createLocalIdentity } from '../../core/signing/local-identity';
import { must, nssDbTrusting, pdfsig, run as tool } from '../../test/fixtures/signing/tools';
import { runCli } from '../run';

const ROOT = resolve(__dirname, '../..');
const CLI = join(ROOT, 'dist/cli.cjs');
const tmp = mkdtempSync(join(tmpdir(), 'tfa-cli-export-'));
const env: NodeJS.ProcessEnv = { ...process.env, TFA_DATA_DIR: join(tmp, 'data'), P: 'パス phrase' };
delete env.TFA_BUILTIN_CRITERIA_DIR;
const SIGNER = '株式会社サンプル監査 佐藤 花子';

function cli(args: string[], extra: NodeJS.ProcessEnv = {}) {
  // stdin is not a terminal: the command never prompts.
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: tmp, env: { ...env, ...extra }, encoding: 'utf8', input: '' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

let exported: { code: number | null; stdout: string; stderr: string };
let pkgName: string;

beforeAll(() => {
  const b = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, encoding: 'utf8' });
  if (b.status !== 0) throw new Error(`build failed: ${b.stderr}`);
  for (const args of [['demo', 'ws'], ['identity', 'create', '--name', SIGNER, '--out', 'id.p12', '--passphrase-env', 'P']]) {
    const r = cli(args);
    if (r.code !== 0) throw new Error(`${args[0]} failed: ${r.stderr}`);
  }
  exported = cli(['export', 'ws', '--out', 'out', '--sign', 'id.p12', '--passphrase-env', 'P', '--oscal']);
  pkgName = readdirSync(join(tmp, 'out')).find((n) => n.endsWith('.tfpkg'))!;
}, 120_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('tf-assessor export (signed)', () => {
  it('prints where the files are, the signer and the package SHA-256', () => {
    expect(exported.stderr).toBe('');
    expect(exported.code).toBe(0);
    const today = new Date().toISOString().slice(0, 10);
    expect(pkgName).toMatch(new RegExp(`^株式会社サンプルID-jp-idtf-2\\.0\\.0-(${today}|\\d{4}-\\d\\d-\\d\\d)\\.tfpkg$`));
    const lines = exported.stdout.split('\n');
    expect(lines.slice(0, 6)).toEqual([
      'exported ws to out',
      '  report (PDF):    out/report.pdf',
      '  report (XLSX):   out/report.xlsx',
      '  XLSX signature:  out/report.xlsx.p7s',
      '  OSCAL:           out/oscal/assessment-results.json',
      `  package:         out/${pkgName}`,
    ]);
    expect(lines[6]).toBe(`  package SHA-256: ${sha256(join(tmp, 'out', pkgName))}`);
    const fp = must('openssl', ['x509', '-noout', '-fingerprint', '-sha256'], { input: must('openssl', ['pkcs12', '-in', join(tmp, 'id.p12'), '-passin', 'env:P', '-nokeys', '-clcerts'], { env }).stdout }).stdout.trim().split('=')[1];
    expect(lines[7]).toMatch(new RegExp(`^  signed by:       CN=${SIGNER} \\(certificate SHA-256 ${fp}\\) at \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ$`));
    expect(lines[8]).toBe('  levels:          ORG ORG-BASE, PRIV PRIV-BASE, CONSENT CONSENT-BASE, IAL IAL2, AAL AAL2, FAL FAL1');
  });

  it('signs report.pdf so that pdfsig, trusting the CA in an NSS database, says valid and trusted; qpdf finds it clean', () => {
    const nss = join(tmp, 'nss');
    mkdirSync(nss);
    const report = pdfsig(nssDbTrusting(nss, join(tmp, 'id.ca.pem')), join(tmp, 'out', 'report.pdf'));
    expect(report).toContain(`  - Signer Certificate Common Name: ${SIGNER}\n`);
    expect(report).toContain('  - Signature Type: ETSI.CAdES.detached\n');
    expect(report).toContain('  - Total document signed\n');
    expect(report).toContain('  - Signature Validation: Signature is Valid.\n');
    expect(report).toContain('  - Certificate Validation: Certificate is Trusted.\n');
    const q = tool('qpdf', ['--check', join(tmp, 'out', 'report.pdf')]);
    expect(q.stdout).toContain('No syntax or stream encoding errors found');
    expect(q.status).toBe(0);
  });

  it('writes a report whose text holds the Japanese organization name and the visible signature block', () => {
    const text = must('pdftotext', ['-enc', 'UTF-8', join(tmp, 'out', 'report.pdf'), '-']).stdout;
    expect(text).toContain('株式会社サンプルID');
    expect(text).toContain(`電子署名: ${SIGNER}`);
  });

  it('signs report.xlsx with a detached CMS that openssl verifies against the CA file', () => {
    const v = tool('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', 'report.xlsx.p7s', '-content', 'report.xlsx', '-CAfile', '../id.ca.pem', '-out', '/dev/null'], { cwd: join(tmp, 'out') });
    expect(v.stderr).toBe('CMS Verification successful\n');
    expect(v.status).toBe(0);
  });

  it('writes a package any unzip reads, whose manifest openssl verifies and whose files match it', () => {
    const pkg = join(tmp, 'out', pkgName);
    expect(tool('unzip', ['-tq', pkg]).stdout).toMatch(/^No errors detected in compressed data/);
    const x = join(tmp, 'x');
    mkdirSync(x);
    must('unzip', ['-q', pkg, '-d', x]);
    const v = tool('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', 'manifest.json.p7s', '-content', 'manifest.json', '-CAfile', '../id.ca.pem', '-out', '/dev/null'], { cwd: x });
    expect(v.stderr).toBe('CMS Verification successful\n');
    const manifest = JSON.parse(readFileSync(join(x, 'manifest.json'), 'utf8')) as { files: { path: string; sha256: string }[] };
    for (const f of manifest.files) expect(sha256(join(x, f.path)), f.path).toBe(f.sha256);
    // The loose reports are the packaged ones.
    for (const f of ['report.pdf', 'report.xlsx', 'report.xlsx.p7s', 'oscal/assessment-results.json']) expect(sha256(join(x, f)), f).toBe(sha256(join(tmp, 'out', f)));
  });

  it('makes a package that `tf-assessor verify --trust` accepts: exit 0, every check passed', () => {
    const r = cli(['verify', join('out', pkgName), '--trust', 'id.ca.pem', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const [report] = JSON.parse(r.stdout) as { valid: boolean; checks: { id: string; status: string }[] }[];
    expect(report!.valid).toBe(true);
    expect(report!.checks.map((c) => `${c.id} ${c.status}`)).toEqual(
      ['zip-structure', 'entry-names', 'entry-types', 'entry-limits', 'manifest-present', 'manifest-schema', 'files-match-manifest', 'signature', 'pack-trusted', 'levels-recomputed', 'pdf-signature', 'xlsx-signature'].map((id) => `${id} passed`),
    );
  });
});

describe('tf-assessor export failures', () => {
  const oneLine = (r: { stderr: string }) => {
    expect(r.stderr.endsWith('\n')).toBe(true);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    return r.stderr.trimEnd();
  };

  it('wrong passphrase: one line, exit 1, nothing written', () => {
    const r = cli(['export', 'ws', '--out', 'o-wrong', '--sign', 'id.p12', '--passphrase-env', 'BAD'], { BAD: 'nope' });
    expect(oneLine(r)).toBe('tf-assessor export: the passphrase is wrong for id.p12');
    expect(r.code).toBe(1);
    expect(readdirSync(tmp)).not.toContain('o-wrong');
  });

  it('expired certificate: one line naming the dates, exit 1', async () => {
    const local = await createLocalIdentity({ commonName: 'Expired Signer', keyType: 'ecdsa-p256', validityDays: 1, notBefore: new Date(Date.now() - 3 * 86_400_000) });
    await writeLocalIdentityFiles(local, join(tmp, 'old.p12'), 'pw');
    const r = cli(['export', 'ws', '--out', 'o-old', '--sign', 'old.p12', '--passphrase-env', 'PW'], { PW: 'pw' });
    expect(oneLine(r)).toMatch(/^tf-assessor export: .*expired.*\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/);
    expect(r.code).toBe(1);
  });

  it('a workspace open elsewhere (locked): one line naming the holder, exit 1', async () => {
    const held = await acquireLock(join(tmp, 'ws'));
    try {
      const r = cli(['export', 'ws', '--out', 'o-locked']);
      expect(oneLine(r)).toMatch(new RegExp(`^tf-assessor export: This assessment is already open by .* in TF Assessor \\(pid ${process.pid} on .*\\)\\. Close it there; if that program is no longer running, delete ws/workspace\\.lock\\.$`));
      expect(r.code).toBe(1);
    } finally {
      await held.release();
    }
  });

  it('a missing workspace and an unknown template: one line each, exit 1', () => {
    const missing = cli(['export', 'nowhere', '--out', 'o']);
    expect(oneLine(missing)).toBe('tf-assessor export: nowhere does not exist: give the folder of an assessment (tf-assessor demo <dir> makes one)');
    expect(missing.code).toBe(1);
    const template = cli(['export', 'ws', '--out', 'o', '--template', 'corporate']);
    expect(oneLine(template)).toBe('tf-assessor export: unknown template "corporate": give a built-in template name (default) or a folder holding template.yaml (see templates/default)');
    expect(template.code).toBe(1);
  });

  it('a broken template folder: one line file:line:col: field: what to fix, exit 1', async () => {
    mkdirSync(join(tmp, 'bad-template'));
    writeFileSync(join(tmp, 'bad-template', 'template.yaml'), readFileSync(join(ROOT, 'templates/default/template.yaml'), 'utf8').replace(/^schema:.*$/m, 'schema: nope'));
    const err: string[] = [];
    const code = await runCli({ argv: ['export', 'ws', '--out', 'o-bad', '--template', './bad-template'], stdout: () => undefined, stderr: (t) => err.push(t), env, cwd: tmp });
    expect(oneLine({ stderr: err.join('') })).toMatch(new RegExp(`^tf-assessor export: ${join(tmp, 'bad-template', 'template.yaml')}:\\d+:\\d+: schema: `));
    expect(code).toBe(1);
  });

  it.each([
    [['ws'], /^tf-assessor export: --out is required; usage: tf-assessor export <assessment-dir> --out <dir>/],
    [['ws', '--out', 'o', '--lang', 'fr'], /^tf-assessor export: --lang must be ja or en, not "fr"$/],
    [['ws', '--out', 'o', '--sign', 'id.p12', '--passphrase', 'x'], /^tf-assessor export: a passphrase is never taken as an argument/],
    [['ws', '--out', 'o', '--sign', 'id.p12'], /^tf-assessor export: no passphrase: give --passphrase-env VAR/],
    [['ws', '--out', 'o', '--sign', 'id.p12', '--passphrase-env', 'UNSET_VAR_X'], /^tf-assessor export: the environment variable UNSET_VAR_X \(named by --passphrase-env\) is not set$/],
    [['ws', 'ws2', '--out', 'o'], /^tf-assessor export: give exactly one assessment folder/],
  ])('usage errors exit 2: %j', async (args, message) => {
    // The CLI in this process (runCli is main.ts without the process glue): no spawn per case.
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli({ argv: ['export', ...args], stdout: (t) => out.push(t), stderr: (t) => err.push(t), env, cwd: tmp });
    expect(oneLine({ stderr: err.join('') })).toMatch(message);
    expect(out.join('')).toBe('');
    expect(code).toBe(2);
  });
});
