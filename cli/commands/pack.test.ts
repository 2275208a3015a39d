import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as XLSX from 'xlsx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../..');
const CLI = join(ROOT, 'dist/cli.cjs');
const DEMO = join(ROOT, 'test/fixtures/packs/demo');
let tmp: string;
let env: NodeJS.ProcessEnv;

beforeAll(() => {
  const b = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, encoding: 'utf8' });
  if (b.status !== 0) throw new Error(`build failed: ${b.stderr}`);
  tmp = mkdtempSync(join(tmpdir(), 'tfa-cli-pack-'));
  // Built-in packs come from a fixture root so the test does not depend on criteria/ in progress.
  const builtin = join(tmp, 'builtin');
  cpSync(DEMO, join(builtin, 'demo'), { recursive: true });
  env = { ...process.env, TFA_BUILTIN_CRITERIA_DIR: builtin, TFA_DATA_DIR: join(tmp, 'data') };
}, 120_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function run(...argv: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...argv], { cwd: tmp, env, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const HASH = /^[0-9a-f]{64}$/;

describe('tf-assessor pack validate', () => {
  it('prints one ok line per valid pack and exits 0', () => {
    const r = run('pack', 'validate', 'builtin/demo/1.0.0', 'builtin/demo/2.0.0/pack.yaml');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^ok demo@1\.0\.0 sha256:[0-9a-f]{64} \(5 criteria\)$/);
    expect(lines[1]).toMatch(/^ok demo@2\.0\.0 sha256:[0-9a-f]{64} \(7 criteria\)$/);
  });

  it('prints every problem as relative file:line:col: message and exits 1', () => {
    const dir = join(tmp, 'broken/demo/1.0.0');
    cpSync(join(DEMO, '1.0.0'), dir, { recursive: true });
    const ial = join(dir, 'criteria/ial.yaml');
    writeFileSync(ial, readFileSync(ial, 'utf8').replace('levels: [IAL2, IAL3]', 'levels: [IAL2, IAL9]').replace('roles: [IdP]', 'roles: [CSP]'));
    const r = run('pack', 'validate', 'broken/demo/1.0.0');
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n')).toEqual([
      'broken/demo/1.0.0/criteria/ial.yaml:5:20: level "IAL9" is not a level of dimension IAL (IAL1, IAL2, IAL3)',
      'broken/demo/1.0.0/criteria/ial.yaml:6:13: unknown role "CSP" (declared: IdP, RP)',
      'invalid broken/demo/1.0.0 (2 problems)',
      '',
    ]);
    expect(r.stderr).toBe('tf-assessor pack validate: 1 invalid\n');
  });

  it('validates a lone pack file by its shape, and reports usage errors with exit 2', () => {
    writeFileSync(join(tmp, 'lone.yaml'), 'criteria:\n  - id: X\n');
    const r = run('pack', 'validate', 'lone.yaml');
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n')[0]).toBe('lone.yaml:2:5: criterion X: missing required field "dimension"');
    expect(run('pack', 'validate').code).toBe(2);
    const missing = run('pack', 'validate', 'nope');
    expect([missing.code, missing.stderr]).toEqual([1, 'tf-assessor pack validate: nope: no such file or folder\n']);
  });
});

describe('tf-assessor pack list', () => {
  it('lists built-in and user packs with hash, origin, count and title; invalid ones go to stderr', () => {
    const user = join(tmp, 'data/packs');
    cpSync(join(DEMO, '1.0.0'), join(user, 'demo/3.0.0'), { recursive: true });
    mkdirSync(join(user, 'bad/1.0.0'), { recursive: true });
    writeFileSync(join(user, 'bad/1.0.0/pack.yaml'), 'schema: 1\n');
    const r = run('pack', 'list');
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n').map((l) => l.split('  '));
    expect(lines.map((l) => [l[0], HASH.test(l[1]!.replace('sha256:', '')), l[2], l[3], l[4]])).toEqual([
      ['demo@1.0.0', true, 'builtin', '5 criteria', 'Demo criteria'],
      ['demo@2.0.0', true, 'builtin', '7 criteria', 'Demo criteria'],
    ]);
    // The user copy says version 1.0.0 inside a 3.0.0 folder: invalid, reported, not fatal.
    expect(r.stderr).toContain('invalid data/packs/bad/1.0.0: data/packs/bad/1.0.0/pack.yaml:1:1: missing required field "id" (15 problem(s); run tf-assessor pack validate data/packs/bad/1.0.0)');
    expect(r.stderr).toContain('invalid data/packs/demo/3.0.0: data/packs/demo/3.0.0/pack.yaml:6:10: version "1.0.0" does not match its folder name "3.0.0"');
    expect(run('pack', 'list', '--lang', 'ja').stdout).toContain('デモ用評価基準');
    rmSync(join(tmp, 'data'), { recursive: true, force: true });
  });
});

describe('tf-assessor pack diff', () => {
  it('shows added, removed and changed criteria and the declared mapping, for refs or folders', () => {
    const r = run('pack', 'diff', 'demo@1.0.0', 'builtin/demo/2.0.0');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        'demo@1.0.0 → demo@2.0.0',
        'added (4):',
        '  + ORG-1a  Risk identification',
        '  + ORG-1b  Assurance level decision',
        '  + IAL-LIVE  Liveness in remote proofing',
        '  + IAL-4  Attended proofing staff',
        'removed (2):',
        '  - ORG-1  Assurance level decision',
        '  - IAL-2  Liveness in remote proofing',
        'changed (2):',
        '  ~ IAL-1: statement',
        '  ~ IAL-3: satisfiedBy',
        'mapping declared by demo@2.0.0 (6 entries):',
        '  split    ORG-1 → ORG-1a, ORG-1b',
        '  same     ORG-2 → ORG-2',
        '  revised  IAL-1 → IAL-1',
        '  renamed  IAL-2 → IAL-LIVE',
        '  revised  IAL-3 → IAL-3',
        '  new      — → IAL-4',
        '',
      ].join('\n'),
    );
    const json = JSON.parse(run('pack', 'diff', 'demo@2.0.0', 'demo@1.0.0', '--json').stdout);
    expect(json).toMatchObject({ from: 'demo@2.0.0', to: 'demo@1.0.0', added: ['ORG-1', 'IAL-2'], mapping: null });
    const missing = run('pack', 'diff', 'demo@1.0.0', 'demo@9.0.0');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^tf-assessor pack diff: pack demo@9\.0\.0 is not installed \(looked in .*\)\n$/);
  });
});

describe('tf-assessor pack import-oscal', () => {
  const catalog = (controls: unknown[]): string =>
    JSON.stringify({ catalog: { metadata: { title: 'Mini catalog', published: '2025-07-01T00:00:00Z' }, groups: [{ id: 'sp800-63a', title: '63A', controls }] } });
  const control = (id: string, level: string) => ({
    id,
    title: `Control ${id}`,
    props: [
      { name: 'label', value: '4.2.2', class: 'index' },
      { name: 'marking', value: 'CSP/IdP', class: 'target' },
      { name: 'marking', value: level, class: 'xal-level' },
    ],
    parts: [
      { name: 'statement', prose: `The CSP does ${id}.` },
      { name: 'assessment-method', props: [{ name: 'method', value: 'EXAMINE' }], parts: [{ name: 'assessment-objects', prose: 'Policies.' }] },
    ],
  });

  it('writes the pack folder and validates it', () => {
    writeFileSync(join(tmp, 'cat.json'), catalog([control('IAL2-1', 'IAL2/IAL3'), control('IAL-ALL', 'ALL')]));
    const r = run('pack', 'import-oscal', 'cat.json', '--id', 'mini', '--version', '1.0.0', '--out', 'packs/mini/1.0.0');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^wrote packs\/mini\/1\.0\.0: pack\.yaml, criteria\/ial\.yaml\nok mini@1\.0\.0 sha256:[0-9a-f]{64} \(2 criteria, 2 untranslated: ja repeats en until translated\)\n$/);
    expect(readFileSync(join(tmp, 'packs/mini/1.0.0/criteria/ial.yaml'), 'utf8')).toContain('- IAL3');
    expect(run('pack', 'validate', 'packs/mini/1.0.0', '--quiet').code).toBe(0);
    // Refuses to overwrite unless asked.
    const again = run('pack', 'import-oscal', 'cat.json', '--id', 'mini', '--version', '1.0.0', '--out', 'packs/mini/1.0.0');
    expect([again.code, again.stderr]).toEqual([1, 'tf-assessor pack import-oscal: packs/mini/1.0.0 exists and is not empty: choose another --out or pass --force to overwrite\n']);
    expect(run('pack', 'import-oscal', 'cat.json', '--id', 'mini', '--version', '1.0.0', '--out', 'packs/mini/1.0.0', '--force').code).toBe(0);
  });

  it('reports a malformed catalog with JSON paths, writes nothing and exits 1', () => {
    writeFileSync(join(tmp, 'bad.json'), catalog([control('IAL2-1', 'FAL2')]));
    const r = run('pack', 'import-oscal', 'bad.json', '--id', 'mini', '--version', '1.0.0', '--out', 'out-bad');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('bad.json: $.catalog.groups[0].controls[0].props[2]: level "FAL2" belongs to another dimension than IAL (group 63A)\n');
    expect(r.stderr).toBe('tf-assessor pack import-oscal: 1 problem(s) in bad.json; nothing written\n');
    expect(existsSync(join(tmp, 'out-bad'))).toBe(false);
    expect(run('pack', 'import-oscal', 'bad.json').code).toBe(2);
  });
});

describe('tf-assessor answers template', () => {
  it('writes a CSV (UTF-8 with BOM) and an XLSX for a pack reference', () => {
    const r = run('answers', 'template', '--pack', 'demo@2.0.0', '--out', 'sheets/demo.csv');
    expect([r.code, r.stdout, r.stderr]).toEqual([0, 'wrote sheets/demo.csv: 6 criteria of demo@2.0.0\n', '']);
    const bytes = readFileSync(join(tmp, 'sheets/demo.csv'));
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.subarray(3).toString('utf8').split('\r\n').slice(0, 2)).toEqual([
      'criterion_id,dimension,levels,title,status,justification,notes',
      'ORG-1a,ORG,ORG-MET,リスクの特定,,,',
    ]);
    expect(run('answers', 'template', '--pack', 'builtin/demo/1.0.0', '--out', 'sheets/demo.xlsx', '--lang', 'en').code).toBe(0);
    const wb = XLSX.read(readFileSync(join(tmp, 'sheets/demo.xlsx')), { type: 'buffer' });
    expect(wb.SheetNames).toEqual(['answers', 'statuses']);
    expect(XLSX.utils.sheet_to_json(wb.Sheets.answers!, { header: 1 })[1]).toEqual(['ORG-1', 'ORG', 'ORG-MET', 'Assurance level decision', '', '', '']);
  });

  it('fails with one clear line for an unknown pack or a bad output name', () => {
    const r = run('answers', 'template', '--pack', 'nope@1.0.0', '--out', 'x.csv');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^tf-assessor answers template: pack nope@1\.0\.0 is not installed \(looked in .*\)\n$/);
    const bad = run('answers', 'template', '--pack', 'demo@2.0.0', '--out', 'x.txt');
    expect([bad.code, bad.stderr]).toEqual([2, 'tf-assessor answers template: --out must end in .csv or .xlsx, not ".txt"\n']);
  });
});
