// `tf-assessor verify`, run as a certification body runs it (`node dist/cli.cjs`) on a signed
// export and on forged copies of it; --junit output read back by Python's strict XML parser.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportAssessment, type ExportResult } from '../../core/node/export';
import { INTAKE_CHECK_IDS } from '../../core/node/intake';
import { editAssessment, makeDemo, makeIdentity, PACK_ROOTS, rewritePackage, type IdentityFiles } from '../../test/fixtures/export/tools';
import { junitXml, xmlEscape } from './verify';

const ROOT = resolve(__dirname, '../..');
const CLI = join(ROOT, 'dist/cli.cjs');
const tmp = mkdtempSync(join(tmpdir(), 'tfa-cli-verify-'));
const env: NodeJS.ProcessEnv = { ...process.env, TFA_DATA_DIR: join(tmp, 'data') };
delete env.TFA_BUILTIN_CRITERIA_DIR;

let trusted: IdentityFiles;
let signed: ExportResult;
const pkg: Record<'valid' | 'stranger' | 'levels' | 'pack' | 'flipped' | 'hostile', string> = {} as never;
/** A name no CI report should choke on: markup characters, quotes, an escape sequence. */
const HOSTILE_NAME = 'evil<&"\'>\u001b[31m]]>.tfpkg';

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: tmp, env, encoding: 'utf8', input: '' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface JsonReport {
  package: string;
  valid: boolean;
  checks: { id: string; status: string; reason: string }[];
}
const failing = (r: JsonReport) => r.checks.filter((c) => c.status !== 'passed').map((c) => c.id);

beforeAll(async () => {
  const b = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, encoding: 'utf8' });
  if (b.status !== 0) throw new Error(`build failed: ${b.stderr}`);
  const ws = join(tmp, 'ws');
  await makeDemo(ws);
  trusted = await makeIdentity(tmp, 'trusted');
  const stranger = await makeIdentity(tmp, 'stranger');
  signed = await exportAssessment(ws, { outDir: join(tmp, 'out'), lang: 'ja', identity: trusted.identity, packRoots: PACK_ROOTS });
  pkg.valid = signed.package.path;
  // Forged copies: a changed result re-signed by an untrusted identity; a result lowered and
  // re-signed by the trusted one with the claimed levels kept; the embedded pack weakened.
  const lower = (files: Map<string, Uint8Array>) => editAssessment(files, (a) => (a.criteria['IAL-06']!.status = 'major-nc'));
  pkg.stranger = await rewritePackage(pkg.valid, join(tmp, 'stranger.tfpkg'), lower, stranger.identity);
  pkg.levels = await rewritePackage(pkg.valid, join(tmp, 'levels.tfpkg'), lower, trusted.identity);
  pkg.pack = await rewritePackage(
    pkg.valid,
    join(tmp, 'pack.tfpkg'),
    (files) => files.set('pack/criteria/ial.yaml', new Uint8Array(Buffer.from(Buffer.from(files.get('pack/criteria/ial.yaml')!).toString().replace('obligation: SHALL', 'obligation: SHOULD')))),
    trusted.identity,
  );
  const bytes = readFileSync(pkg.valid);
  const at = bytes.indexOf(readFileSync(signed.reportXlsx.path).subarray(0, 2048)) + 500;
  bytes[at] = bytes[at]! ^ 0x40;
  pkg.flipped = join(tmp, 'flipped.tfpkg');
  writeFileSync(pkg.flipped, bytes);
  pkg.hostile = join(tmp, HOSTILE_NAME);
  copyFileSync(pkg.stranger, pkg.hostile);
}, 120_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('tf-assessor verify', () => {
  it('a valid signed package with --trust: exit 0, one line per check, all passed', () => {
    const r = cli(['verify', 'out/' + signed.package.path.split('/').pop(), '--trust', 'trusted.ca.pem']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`valid: out/${signed.package.path.split('/').pop()}`);
    expect(lines.slice(1).map((l) => l.slice(0, 32).trimEnd())).toEqual(INTAKE_CHECK_IDS.map((id) => `  passed  ${id}`));
    expect(lines).toHaveLength(13);
  });

  it('--json: one array, an object per package in argument order, with the check ids that fail for each forgery', () => {
    const r = cli(['verify', pkg.valid, pkg.stranger, pkg.levels, pkg.pack, pkg.flipped, '--trust', 'trusted.ca.pem', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const reports = JSON.parse(r.stdout) as JsonReport[];
    expect(reports.map((x) => [x.package, x.valid])).toEqual([
      [pkg.valid, true],
      [pkg.stranger, false],
      [pkg.levels, false],
      [pkg.pack, false],
      [pkg.flipped, false],
    ]);
    for (const x of reports) expect(x.checks.map((c) => c.id)).toEqual([...INTAKE_CHECK_IDS]);
    const [, stranger, levels, pack, flipped] = reports as [JsonReport, JsonReport, JsonReport, JsonReport, JsonReport];
    expect(failing(stranger)).toEqual(['signature', 'levels-recomputed', 'pdf-signature', 'xlsx-signature']);
    expect(stranger.checks.find((c) => c.id === 'signature')!.reason).toMatch(/^the signature is not accepted: the chain ends at CN=stranger 審査員 Local CA [0-9A-F]{8}, which is not in the trust store$/);
    expect(failing(levels)).toEqual(['levels-recomputed']);
    expect(levels.checks.find((c) => c.id === 'levels-recomputed')!.reason).toMatch(/^the levels recomputed from the answers differ from the claimed ones: IAL: the package claims IAL2, the answers give /);
    expect(failing(pack)).toEqual(['pack-trusted']);
    expect(failing(flipped)).toEqual(['zip-structure', 'files-match-manifest', 'xlsx-signature']);
    expect(flipped.checks.find((c) => c.id === 'zip-structure')!.reason).toMatch(/report\.xlsx/);
  });

  it('--junit: a testsuite per package, a testcase per check, failures with their reasons; well-formed even for hostile names', () => {
    const r = cli(['verify', pkg.valid, pkg.hostile, pkg.levels, '--trust', 'trusted.ca.pem', '--junit', 'junit.xml', '--json']);
    expect(r.code).toBe(1);
    const reports = JSON.parse(r.stdout) as JsonReport[];
    // Python's expat: a strict XML 1.0 parser, independent of our writer.
    const py = spawnSync(
      'python3',
      [
        '-c',
        [
          'import json, sys, xml.etree.ElementTree as ET',
          'root = ET.parse(sys.argv[1]).getroot()',
          'print(json.dumps({"root": root.tag, "attrs": root.attrib, "suites": [{"name": s.get("name"), "tests": s.get("tests"), "failures": s.get("failures"), "cases": [{"name": c.get("name"), "failure": (c.find("failure").text if c.find("failure") is not None else None), "message": (c.find("failure").get("message") if c.find("failure") is not None else None)} for c in s.iter("testcase")]} for s in root.iter("testsuite")]}, ensure_ascii=False))',
        ].join('\n'),
        join(tmp, 'junit.xml'),
      ],
      { encoding: 'utf8' },
    );
    expect(py.stderr).toBe('');
    const parsed = JSON.parse(py.stdout) as { root: string; attrs: Record<string, string>; suites: { name: string; tests: string; failures: string; cases: { name: string; failure: string | null; message: string | null }[] }[] };
    expect(parsed.root).toBe('testsuites');
    expect(parsed.attrs).toMatchObject({ tests: '36', failures: String(reports.reduce((n, x) => n + x.checks.filter((c) => c.status === 'failed').length, 0)) });
    expect(parsed.suites.map((s) => s.name)).toEqual([pkg.valid, join(tmp, 'evil<&"\'>\\u{1B}[31m]]>.tfpkg'), pkg.levels]);
    parsed.suites.forEach((s, i) => {
      expect(s.cases.map((c) => c.name)).toEqual([...INTAKE_CHECK_IDS]);
      expect(s.tests).toBe('12');
      for (const c of s.cases) {
        const want = reports[i]!.checks.find((x) => x.id === c.name)!;
        expect([c.failure, c.message]).toEqual(want.status === 'failed' ? [want.reason, want.reason] : [null, null]);
      }
    });
    expect(parsed.suites[0]!.failures).toBe('0');
    expect(parsed.suites[2]!.cases.filter((c) => c.failure !== null).map((c) => c.name)).toEqual(['levels-recomputed']);
  });

  it('exit 2 for usage errors, with one line', () => {
    for (const [args, message] of [
      [[], 'tf-assessor verify: give at least one package; usage: tf-assessor verify <pkg>... [--trust <ca.pem>]... [--json] [--junit <file>]'],
      [[pkg.valid, '--trust', 'missing.pem'], `tf-assessor verify: --trust: ${join(tmp, 'missing.pem')} does not exist`],
      [[pkg.valid, '--junit', 'no/such/dir/j.xml'], 'tf-assessor verify: --junit: the folder no/such/dir does not exist'],
    ] as const) {
      const r = cli(['verify', ...args]);
      expect(r.stderr).toBe(`${message}\n`);
      expect(r.code).toBe(2);
    }
    const unknown = cli(['verify', pkg.valid, '--trusted', 'x']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^tf-assessor verify: Unknown option '--trusted'/);
  });

  it('without --trust nothing can be trusted: exit 1 and a warning', () => {
    const r = cli(['verify', pkg.valid]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('warning: no --trust certificate given: no signature can be trusted, so no package can be valid\n');
    expect(r.stdout).toMatch(/^invalid: /);
  });
});

describe('junitXml', () => {
  it('escapes markup and characters XML cannot hold', () => {
    expect(xmlEscape('a<b>&"\'\u0000\u001b\uFFFE\uD800x\n')).toBe('a&lt;b&gt;&amp;&quot;&apos;\\u{0}\\u{1B}\\u{FFFE}\\u{D800}x&#10;');
    const xml = junitXml([{ ok: false, package: ']]><x>', checks: [{ id: 'signature', status: 'failed', reason: 'bad </failure> "quoted"' }] }], [0.5]);
    expect(xml).toContain('<testsuite name="]]&gt;&lt;x&gt;" tests="1" failures="1" errors="0" skipped="0" time="0.500">');
    expect(xml).toContain('<failure message="bad &lt;/failure&gt; &quot;quoted&quot;" type="signature">bad &lt;/failure&gt; &quot;quoted&quot;</failure>');
  });
});
