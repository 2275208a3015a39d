import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as XLSX from 'xlsx';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pack } from '../../core/criteria/schema';
import { makePack } from '../../core/scoring/test-helpers';

const ROOT = resolve(__dirname, '../..');
const CLI = join(ROOT, 'dist/cli.cjs');
let tmp: string;
let env: NodeJS.ProcessEnv;

/**
 * IAL: I1 (ALL), I2 (IAL2, only with remote proofing), I3 (IAL3).
 * AAL: A1 (AAL1+2), A2 (AAL2, IdP only), A3 (AAL3, SHOULD).
 * ORG: O1 satisfied by O2 and O3.
 */
const PACK = makePack({
  id: 'cli-demo',
  version: '1.2.0',
  dimensions: [
    { id: 'IAL', levels: ['IAL1', 'IAL2', 'IAL3'] },
    { id: 'AAL', levels: ['AAL1', 'AAL2', 'AAL3'] },
    { id: 'ORG', kind: 'baseline', levels: ['ORG-BASE'] },
  ],
  roles: ['IdP', 'RP'],
  capabilities: ['remote-proofing'],
  aggregate: 'minimum',
  minorNonconformity: 'block',
  criteria: [
    { id: 'I1', dimension: 'IAL', levels: 'ALL' },
    { id: 'I2', dimension: 'IAL', levels: ['IAL2'], condition: 'remote-proofing' },
    { id: 'I3', dimension: 'IAL', levels: ['IAL3'] },
    { id: 'A1', dimension: 'AAL', levels: ['AAL1', 'AAL2'] },
    { id: 'A2', dimension: 'AAL', levels: ['AAL2'], roles: ['IdP'] },
    { id: 'A3', dimension: 'AAL', levels: ['AAL3'], obligation: 'SHOULD' },
    { id: 'O1', dimension: 'ORG', levels: 'ALL', satisfiedBy: ['O2', 'O3'] },
    { id: 'O2', dimension: 'ORG', levels: 'ALL' },
    { id: 'O3', dimension: 'ORG', levels: 'ALL' },
  ],
});

function writePack(dir: string, pack: Pack): void {
  const { criteria, hash: _hash, mapping: _mapping, ...manifest } = pack;
  mkdirSync(join(dir, 'criteria'), { recursive: true });
  writeFileSync(join(dir, 'pack.yaml'), stringify({ ...manifest, criteriaFiles: ['criteria/all.yaml'] }));
  writeFileSync(join(dir, 'criteria', 'all.yaml'), stringify({ criteria }));
}

const HEADER = ['criterion_id', 'dimension', 'levels', 'title', 'status', 'justification', 'notes'];
const ROWS = [
  ['I1', 'IAL', 'IAL1;IAL2;IAL3', 'x', 'conformant', '', ''],
  ['I2', 'IAL', 'IAL2', 'x', 'major-nc', '', 'no liveness check'],
  ['I3', 'IAL', 'IAL3', 'x', 'conformant', '', ''],
  ['A1', 'AAL', 'AAL1;AAL2', 'x', 'conformant', '', ''],
  ['A2', 'AAL', 'AAL2', 'x', '', '', ''],
  ['O1', 'ORG', 'ORG-BASE', 'x', '', '', ''],
  ['O2', 'ORG', 'ORG-BASE', 'x', 'conformant', '', ''],
  ['O3', 'ORG', 'ORG-BASE', 'x', 'minor-nc', '', ''],
];
const csv = (rows: string[][]): string => [HEADER, ...rows].map((r) => r.map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',')).join('\r\n') + '\r\n';

beforeAll(() => {
  const b = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, encoding: 'utf8' });
  if (b.status !== 0) throw new Error(`build failed: ${b.stderr}`);
  tmp = mkdtempSync(join(tmpdir(), 'tfa-cli-score-'));
  writePack(join(tmp, 'mypack'), PACK);
  // The same pack installed as built-in, to resolve it by id@version.
  writePack(join(tmp, 'builtin', 'cli-demo', '1.2.0'), PACK);
  writeFileSync(join(tmp, 'answers.csv'), csv(ROWS));
  const wb = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet([HEADER, ...ROWS]), 'answers');
  writeFileSync(join(tmp, 'answers.xlsx'), XLSX.write(wb, { type: 'buffer', bookType: 'xlsx' }) as Buffer);
  writeFileSync(join(tmp, 'bad-status.csv'), csv([...ROWS.slice(0, 3), ['A1', 'AAL', 'AAL1', 'x', 'done', '', '']]));
  env = { ...process.env, TFA_BUILTIN_CRITERIA_DIR: join(tmp, 'builtin'), TFA_DATA_DIR: join(tmp, 'data') };
}, 120_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function run(...argv: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, 'score', ...argv], { cwd: tmp, env, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function json(...argv: string[]) {
  const r = run(...argv, '--json');
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as {
    pack: string;
    levels: Record<string, string | null>;
    aggregate: { kind: string; rank?: number | null };
    targets: Record<string, { target: string; met: boolean | null }>;
    blocking: Record<string, { criterion: string; reason: string; constituents?: string[] }[]>;
  };
}

describe('tf-assessor score --json', () => {
  it('scores a pack folder and a CSV sheet for a relying party without remote proofing', () => {
    const r = json('--pack', 'mypack', '--answers', 'answers.csv', '--role', 'RP');
    expect(r.pack).toBe('cli-demo@1.2.0');
    // I2 and A2 are out of scope; IAL3 counts even though levels are not cumulative.
    expect(r.levels).toEqual({ IAL: 'IAL3', AAL: 'AAL2', ORG: null });
    expect(r.aggregate).toEqual({ kind: 'minimum', rank: 2, levels: r.levels });
    expect(r.blocking).toEqual({
      IAL1: [],
      IAL2: [],
      IAL3: [],
      AAL1: [],
      AAL2: [],
      AAL3: [],
      'ORG-BASE': [
        { criterion: 'O1', reason: 'constituent-not-met', constituents: ['O3'] },
        { criterion: 'O3', reason: 'minor-nc' },
      ],
    });
  });

  it('follows --role and --capability into scope, and reports targets', () => {
    const r = json('--pack', 'cli-demo@1.2.0', '--answers', 'answers.csv', '--role', 'IdP', '--capability', 'remote-proofing', '--target', 'AAL=AAL2', '--target', 'IAL=IAL2');
    expect(r.levels).toEqual({ IAL: 'IAL3', AAL: 'AAL1', ORG: null });
    expect(r.aggregate.rank).toBe(1);
    expect(r.blocking['IAL2']).toEqual([{ criterion: 'I2', reason: 'major-nc' }]);
    expect(r.blocking['AAL2']).toEqual([{ criterion: 'A2', reason: 'not-assessed' }]);
    expect(r.targets).toEqual({ IAL: { target: 'IAL2', met: true }, AAL: { target: 'AAL2', met: false } });
  });

  it('reads the same answers from an XLSX sheet', () => {
    expect(json('--pack', 'mypack', '--answers', 'answers.xlsx', '--role', 'RP')).toEqual(json('--pack', 'mypack', '--answers', 'answers.csv', '--role', 'RP'));
  });
});

describe('tf-assessor score (for people)', () => {
  it('prints a table of achieved and target levels, then the blockers in plain words', () => {
    const r = run('--pack', 'mypack', '--answers', 'answers.csv', '--role', 'IdP', '--capability', 'remote-proofing', '--target', 'AAL=AAL2');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines).toContain('Dimension  Achieved  Target          Answered');
    expect(lines).toContain('IAL        IAL3      —               3/3');
    expect(lines).toContain('AAL        AAL1      AAL2 (NOT met)  1/3');
    expect(lines).toContain('AAL2 (target) is blocked by 1 criterion:');
    expect(lines).toContain('  A2  not assessed yet — Title of A2');
    expect(lines).toContain('ORG-BASE (next level) is blocked by 2 criteria:');
    expect(lines).toContain('  O1  depends on O3, not all met — Title of O1');
    expect(lines).toContain('  O3  minor non-conformity (this pack accepts none) — Title of O3');
    expect(r.stdout).toContain('Overall (lowest across assurance dimensions): rank 1');
  });
});

describe('tf-assessor score failures: one line, right exit code', () => {
  const oneLine = (r: { stderr: string; stdout: string }) => {
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    return r.stderr.trim();
  };

  it('usage errors exit 2', () => {
    const cases: [string[], RegExp][] = [
      [['--pack', 'mypack'], /--answers is required/],
      [['--pack', 'mypack', '--answers', 'answers.csv', '--role', 'CSP'], /--role CSP: pack cli-demo@1\.2\.0 has no such role; use one of IdP, RP/],
      [['--pack', 'mypack', '--answers', 'answers.csv', '--capability', 'kiosk'], /--capability kiosk: .* use one of remote-proofing/],
      [['--pack', 'mypack', '--answers', 'answers.csv', '--target', 'IAL2'], /--target IAL2: write it as DIMENSION=LEVEL/],
      [['--pack', 'mypack', '--answers', 'answers.csv', '--target', 'IAL=AAL2'], /--target IAL=AAL2: IAL has no level AAL2; use one of IAL1, IAL2, IAL3/],
      [['--pack', 'mypack', '--answers', 'answers.csv', '--frobnicate'], /Unknown option '--frobnicate'/],
    ];
    for (const [argv, message] of cases) {
      const r = run(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(oneLine(r)).toMatch(message);
    }
  });

  it('bad inputs exit 1 and say where', () => {
    let r = run('some-assessment');
    expect(r.code).toBe(1);
    expect(oneLine(r)).toMatch(/^tf-assessor score: some-assessment is not an assessment folder \(no assessment\.json or journal\.jsonl\)/);
    r = run('--pack', 'mypack', '--answers', 'bad-status.csv');
    expect(r.code).toBe(1);
    expect(oneLine(r)).toMatch(/^tf-assessor score: bad-status\.csv: row 5: E5: unknown status "done"/);
    r = run('--pack', 'mypack', '--answers', 'missing.csv');
    expect(r.code).toBe(1);
    expect(oneLine(r)).toBe('tf-assessor score: cannot read missing.csv: no such file');
    r = run('--pack', 'nope@9.9.9', '--answers', 'answers.csv');
    expect(r.code).toBe(1);
    expect(oneLine(r)).toMatch(/pack nope@9\.9\.9 is not installed/);
    r = run('--pack', 'mypack', '--answers', 'mypack');
    expect(r.code).toBe(1);
    expect(oneLine(r)).toMatch(/mypack is not a file/);
  });

  it('rejects an invalid pack with its first problem located', () => {
    const dir = join(tmp, 'broken');
    writePack(dir, { ...PACK, criteria: [{ ...PACK.criteria[0]!, levels: ['IAL9'] }] });
    const r = run('--pack', 'broken', '--answers', 'answers.csv');
    expect(r.code).toBe(1);
    expect(oneLine(r)).toMatch(/^tf-assessor score: broken is not a valid pack: broken\/criteria\/all\.yaml:\d+:\d+: .*IAL9/);
  });
});
