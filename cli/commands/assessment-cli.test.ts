// `demo`, `score <assessment-dir>` and `answers import`, run as users run them: `node
// dist/cli.cjs` on real temp folders, with the real built-in jp-idtf@2.0.0.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as XLSX from 'xlsx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffClaims } from '../../core/assessment/claims';
import { isValidCorporateNumber } from '../../core/assessment/identifiers';
import { Assessment } from '../../core/assessment/schema';
import { readJournal } from '../../core/node/workspace';
import { openWorkspace } from '../../core/node/workspace';

const ROOT = resolve(__dirname, '../..');
const CLI = join(ROOT, 'dist/cli.cjs');
let tmp: string;
let env: NodeJS.ProcessEnv;

function cli(args: string[], extraEnv: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: tmp, env: { ...env, ...extraEnv }, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function scoreJson(dir: string, extraEnv: NodeJS.ProcessEnv = {}): { levels: Record<string, string | null>; targets: Record<string, { target: string; met: boolean }>; blocking: Record<string, { criterion: string; reason: string }[]> } {
  const r = cli(['score', dir, '--json'], extraEnv);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout);
}

const doc = (dir: string) => Assessment.parse(JSON.parse(readFileSync(join(tmp, dir, 'assessment.json'), 'utf8')));
const bytesOf = (dir: string) => ({ journal: readFileSync(join(tmp, dir, 'journal.jsonl')), snapshot: readFileSync(join(tmp, dir, 'assessment.json')) });

/** Reads a template CSV, changes some cells (criterion id → column → value), writes it back. */
function editCsv(from: string, to: string, edits: Record<string, Partial<Record<'status' | 'justification' | 'notes', string>>>, extraRows: string[][] = []): void {
  const text = readFileSync(join(tmp, from), 'utf8').replace(/^\uFEFF/, '');
  const rows = text.trimEnd().split('\r\n').map((l) => l.split(','));
  const header = rows[0]!;
  for (const row of rows.slice(1)) {
    for (const [column, value] of Object.entries(edits[row[0]!] ?? {})) row[header.indexOf(column)] = value;
  }
  // Titles in the template may contain commas only inside quotes; the ids we edit have none.
  writeFileSync(join(tmp, to), [...rows, ...extraRows].map((r) => r.join(',')).join('\r\n') + '\r\n');
}

beforeAll(() => {
  const b = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, encoding: 'utf8' });
  if (b.status !== 0) throw new Error(`build failed: ${b.stderr}`);
  tmp = mkdtempSync(join(tmpdir(), 'tfa-cli-assessment-'));
  env = { ...process.env, TFA_DATA_DIR: join(tmp, 'data'), TFA_ACTOR: '鈴木 一郎' };
  delete env.TFA_BUILTIN_CRITERIA_DIR;
}, 120_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('tf-assessor demo', () => {
  it('writes a complete sample assessment whose score is what the story says', async () => {
    const r = cli(['demo', 'sample']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^wrote a sample assessment to sample: 株式会社サンプルID, jp-idtf@2\.0\.0\n/);
    expect(r.stdout).toContain('try: tf-assessor score sample');

    const a = doc('sample');
    expect(a.pack).toMatchObject({ id: 'jp-idtf', version: '2.0.0' });
    expect(a.organization.identifiers[0]!.scheme).toBe('jp-corporate-number');
    expect(isValidCorporateNumber(a.organization.identifiers[0]!.value)).toBe(true);
    expect(a.roles).toEqual(['IdP']);
    expect(a.targets).toMatchObject({ IAL: 'IAL2', AAL: 'AAL2', FAL: 'FAL2' });
    const statuses = Object.values(a.criteria).map((c) => c.status);
    const count = (s: string) => statuses.filter((x) => x === s).length;
    expect(count('conformant')).toBeGreaterThan(60);
    expect(count('minor-nc')).toBeGreaterThanOrEqual(2);
    expect(count('major-nc')).toBeGreaterThanOrEqual(1);
    expect(count('not-applicable')).toBeGreaterThanOrEqual(2);
    for (const c of Object.values(a.criteria).filter((x) => x.status === 'not-applicable')) expect(c.justification?.trim()).toBeTruthy();
    // Answers across every dimension of the pack.
    const dims = new Set(Object.keys(a.criteria).map((id) => id.split('-')[0]));
    expect([...dims].sort()).toEqual(['AAL', 'CONSENT', 'FAL', 'IAL', 'ORG', 'PRIV']);

    // Evidence: real files of several kinds, each blob named by its SHA-256.
    const media = Object.values(a.evidence).map((e) => e.mediaType).sort();
    expect(media).toEqual(['application/pdf', 'image/png', 'text/csv', 'text/markdown', 'text/markdown']);
    for (const hash of Object.keys(a.evidence)) {
      const blob = readFileSync(join(tmp, 'sample', 'evidence', hash));
      expect(createHash('sha256').update(blob).digest('hex')).toBe(hash);
    }
    const pngHash = Object.entries(a.evidence).find(([, e]) => e.mediaType === 'image/png')![0];
    expect(readFileSync(join(tmp, 'sample', 'evidence', pngHash)).subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    const pdfHash = Object.entries(a.evidence).find(([, e]) => e.mediaType === 'application/pdf')![0];
    expect(readFileSync(join(tmp, 'sample', 'evidence', pdfHash)).subarray(0, 5).toString('latin1')).toBe('%PDF-');

    // Findings with corrective actions, and claims that differ from the results.
    expect(a.findings.map((f) => [f.id, f.class, f.status])).toEqual([
      ['F-001', 'minor-nc', 'plan-accepted'],
      ['F-002', 'major-nc', 'open'],
      ['F-003', 'minor-nc', 'verified-closed'],
      ['F-004', 'observation', 'open'],
      ['F-005', 'ofi', 'open'],
    ]);
    for (const f of a.findings.slice(0, 3)) expect(f.correctiveAction).toMatchObject({ owner: expect.any(String), dueDate: expect.stringMatching(/^\d{4}-\d\d-\d\d$/) });
    const differences = diffClaims(a).filter((d) => d.kind !== 'unclaimed');
    expect(differences.map((d) => [d.criterion, d.kind])).toEqual(
      expect.arrayContaining([
        ['AAL-04', 'overclaimed'],
        ['FAL-12', 'overclaimed'],
        ['ORG-11', 'overclaimed'],
        ['ORG-01', 'applicability'],
        ['IAL-21', 'not-assessed'],
      ]),
    );
    expect(differences).toHaveLength(5);

    // Every change went through the journal, in one contiguous history, no lock left behind.
    const journal = await readJournal(join(tmp, 'sample'));
    expect(journal.map((e) => e.seq)).toEqual(journal.map((_, i) => i));
    expect(journal.at(-1)!.seq).toBe(a.revision);
    expect(new Set(journal.map((e) => e.change.op))).toEqual(new Set(['assessment.create', 'answer.set', 'evidence.add', 'finding.create', 'claims.import']));
    expect(readdirSync(join(tmp, 'sample'))).not.toContain('workspace.lock');

    const s = scoreJson('sample');
    expect(s.levels).toEqual({ ORG: 'ORG-BASE', PRIV: 'PRIV-BASE', CONSENT: 'CONSENT-BASE', IAL: 'IAL2', AAL: 'AAL2', FAL: 'FAL1' });
    expect(s.targets.FAL).toEqual({ target: 'FAL2', met: false });
    expect(s.targets.AAL).toEqual({ target: 'AAL2', met: true });
    expect(s.blocking.FAL2).toEqual([{ criterion: 'FAL-12', reason: 'open-major-finding', findings: ['F-002'] }]);
    expect(s.blocking.IAL3!.map((b) => b.reason)).toEqual(['not-assessed', 'not-assessed']);
    const human = cli(['score', 'sample']);
    expect(human.stdout).toMatch(/FAL\s+FAL1\s+FAL2 \(NOT met\)/);
  });

  it('refuses a folder that is not empty and writes nothing', () => {
    mkdirSync(join(tmp, 'busy'));
    writeFileSync(join(tmp, 'busy', 'notes.txt'), 'mine');
    const r = cli(['demo', 'busy']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('tf-assessor demo: busy is not empty: give a new or empty folder for the demo (nothing was written)\n');
    expect(readdirSync(join(tmp, 'busy'))).toEqual(['notes.txt']);
    expect(cli(['demo']).code).toBe(2);
  });
});

describe('tf-assessor answers import', () => {
  it('template → edit → import changes the score as expected, each answer journaled; importing again changes nothing', async () => {
    expect(cli(['demo', 'imp']).code).toBe(0);
    expect(cli(['answers', 'template', '--pack', 'jp-idtf@2.0.0', '--out', 'sheet.csv', '--lang', 'en']).code).toBe(0);
    editCsv('sheet.csv', 'filled.csv', {
      // IAL3's two open criteria: now assessed → IAL3.
      'IAL-13': { status: 'conformant', justification: 'Counter proofing with biometric comparison' },
      'IAL-21': { status: 'conformant' },
      // A result withdrawn → AAL2 no longer reached.
      'AAL-02': { status: 'not-assessed' },
      // Text only: the result stays.
      'ORG-07': { notes: 'ISMS certificate ISMS-0000-DEMO seen' },
    });
    const before = doc('imp');
    const r = cli(['answers', 'import', 'imp', 'filled.csv']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`imported filled.csv into imp: 4 criteria updated (2 answered, 0 changed, 1 cleared, 1 text only), 0 unchanged, 106 empty rows skipped; revision ${before.revision + 4}\n`);

    const after = doc('imp');
    expect(after.criteria['IAL-13']).toMatchObject({ status: 'conformant', justification: 'Counter proofing with biometric comparison' });
    expect(after.criteria['AAL-02']!.status).toBeUndefined();
    expect(after.criteria['AAL-02']!.justification).toBe(before.criteria['AAL-02']!.justification);
    expect(after.criteria['ORG-07']).toMatchObject({ status: 'conformant', notes: 'ISMS certificate ISMS-0000-DEMO seen' });
    const journal = await readJournal(join(tmp, 'imp'));
    const imported = journal.slice(-4);
    expect(imported.map((e) => [e.actor, e.change.op, (e.change as { criterion: string }).criterion])).toEqual([
      ['鈴木 一郎', 'answer.set', 'ORG-07'],
      ['鈴木 一郎', 'answer.set', 'IAL-21'],
      ['鈴木 一郎', 'answer.set', 'IAL-13'],
      ['鈴木 一郎', 'answer.set', 'AAL-02'],
    ]);
    expect(imported[3]!.old).toMatchObject({ status: 'conformant' });
    expect(imported[3]!.new).not.toHaveProperty('status');

    const s = scoreJson('imp');
    expect(s.levels).toMatchObject({ IAL: 'IAL3', AAL: null, FAL: 'FAL1' });
    expect(s.targets.AAL).toEqual({ target: 'AAL2', met: false });
    expect(s.blocking.AAL2).toEqual([{ criterion: 'AAL-02', reason: 'not-assessed' }]);

    const again = cli(['answers', 'import', 'imp', 'filled.csv']);
    expect(again.stdout).toMatch(/: 0 criteria updated .*, 4 unchanged, 106 empty rows skipped; revision/);
    expect(doc('imp').revision).toBe(after.revision);
  });

  it('reads XLSX sheets too', () => {
    expect(cli(['demo', 'xl']).code).toBe(0);
    const wb = XLSX.utils.book_new();
    XLSX.utils.book_append_sheet(
      wb,
      XLSX.utils.aoa_to_sheet([
        ['criterion_id', 'status', 'justification', 'notes'],
        ['FAL-12', 'conformant', '', 'single audience enforced'],
      ]),
      'answers',
    );
    writeFileSync(join(tmp, 'fix.xlsx'), XLSX.write(wb, { type: 'buffer', bookType: 'xlsx' }) as Buffer);
    expect(cli(['answers', 'import', 'xl', 'fix.xlsx']).code).toBe(0);
    expect(doc('xl').criteria['FAL-12']).toMatchObject({ status: 'conformant', notes: 'single audience enforced' });
  });

  it('a sheet with bad rows is rejected as a whole, listing every problem by row; nothing changes on disk', () => {
    expect(cli(['demo', 'bad']).code).toBe(0);
    expect(cli(['answers', 'template', '--pack', 'jp-idtf@2.0.0', '--out', 'template.csv']).code).toBe(0);
    editCsv(
      'template.csv',
      'broken.csv',
      { 'IAL-13': { status: 'conformant' }, 'AAL-04': { status: 'done' }, 'ORG-17': { status: 'not-applicable' } },
      [['NOPE-1', 'IAL', 'IAL1', 'x', 'conformant', '', '']],
    );
    const before = bytesOf('bad');
    const r = cli(['answers', 'import', 'bad', 'broken.csv']);
    expect(r.code).toBe(1);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines.slice(0, -1)).toEqual([
      expect.stringMatching(/^broken\.csv:\d+: F\d+: ORG-17 is not-applicable without a justification/),
      expect.stringMatching(/^broken\.csv:\d+: E\d+: unknown status "done"/),
      expect.stringMatching(/^broken\.csv:112: A112: unknown criterion id "NOPE-1" in jp-idtf@2\.0\.0/),
    ]);
    expect(lines.at(-1)).toBe('tf-assessor answers import: broken.csv: 3 problems; nothing was imported into bad. Fix the rows above and run the import again');
    const after = bytesOf('bad');
    expect(after.journal.equals(before.journal)).toBe(true);
    expect(after.snapshot.equals(before.snapshot)).toBe(true);
    expect(readdirSync(join(tmp, 'bad'))).not.toContain('workspace.lock');

    const missing = cli(['answers', 'import', 'bad', 'nothing.csv']);
    expect([missing.code, missing.stderr]).toEqual([1, 'tf-assessor answers import: cannot read nothing.csv: no such file\n']);
    expect(cli(['answers', 'import', 'bad']).code).toBe(2);
  });

  it('an assessment open elsewhere is refused, naming who holds it', async () => {
    expect(cli(['demo', 'held']).code).toBe(0);
    expect(cli(['answers', 'template', '--pack', 'jp-idtf@2.0.0', '--out', 'held.csv']).code).toBe(0);
    const ws = await openWorkspace(join(tmp, 'held'), { actor: 'someone' });
    try {
      const r = cli(['answers', 'import', 'held', 'held.csv']);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`^tf-assessor answers import: This assessment is already open by .* in TF Assessor \\(pid ${process.pid} on .*\\)\\. Close it there`));
      // Scoring only reads: it works while the assessment is open.
      expect(scoreJson('held').levels.IAL).toBe('IAL2');
    } finally {
      await ws.close();
    }
  });
});

describe('tf-assessor score <assessment-dir>', () => {
  it('refuses when the pinned pack is installed with other content, or not installed at all', () => {
    expect(cli(['demo', 'pinned']).code).toBe(0);
    const changed = join(tmp, 'changed-criteria');
    cpSync(join(ROOT, 'criteria'), changed, { recursive: true });
    const manifest = join(changed, 'jp-idtf', '2.0.0', 'pack.yaml');
    writeFileSync(manifest, readFileSync(manifest, 'utf8').replace('publisher: TF Assessor team', 'publisher: Someone else'));
    const r = cli(['score', 'pinned'], { TFA_BUILTIN_CRITERIA_DIR: changed });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^tf-assessor score: pinned was made with jp-idtf@2\.0\.0 \(hash [0-9a-f]{12}…\), but the installed jp-idtf@2\.0\.0 has different content: install the exact pack the assessment pins\n$/);

    const empty = join(tmp, 'no-criteria');
    mkdirSync(empty);
    const none = cli(['score', 'pinned', '--json'], { TFA_BUILTIN_CRITERIA_DIR: empty });
    expect([none.code, none.stdout]).toEqual([1, '']);
    expect(none.stderr).toBe('tf-assessor score: pinned needs pack jp-idtf@2.0.0, which is not installed: install it (pack list shows what is installed)\n');

    const notWorkspace = cli(['score', 'no-criteria']);
    expect(notWorkspace.code).toBe(1);
    expect(notWorkspace.stderr).toMatch(/no-criteria is not an assessment folder/);
  });
});
