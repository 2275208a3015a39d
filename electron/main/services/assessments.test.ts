// The assessment service on real temp folders, with the real built-in jp-idtf pack: handles,
// journaled edits, scores, evidence intake, autosave status, errors, registry recovery.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiFailure, AssessmentView, contract, type ArgsOf } from '../../../core/api/contract';
import { nodeFs, type FsPort } from '../../../core/node/fs-port';
import { JOURNAL_FILE, readJournal } from '../../../core/node/workspace';
import { LOCK_FILE } from '../../../core/node/lock';
import { REGISTRY_FILE } from './assessment-registry';
import { createAssessmentService, type AssessmentService, type AssessmentServiceOptions } from './assessments';
import { createPackLoader } from './packs';

const BUILTIN = join(process.cwd(), 'criteria');
let root: string;
let dataDir: string;
const services: AssessmentService[] = [];

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'tfa-assessments-'));
  dataDir = join(root, 'data');
});
afterEach(async () => {
  await Promise.all(services.splice(0).map((s) => s.closeAll().catch(() => undefined)));
  await rm(root, { recursive: true, force: true });
});

function service(extra: Partial<AssessmentServiceOptions> = {}): AssessmentService {
  const s = createAssessmentService({
    dataDir,
    actor: 'Sato Hanako',
    loadPack: createPackLoader({ builtinDir: BUILTIN, userDir: join(dataDir, 'packs') }),
    workspace: { snapshotDelayMs: 10, retryDelayMs: 20 },
    ...extra,
  });
  services.push(s);
  return s;
}

function createArgs(overrides: Partial<ArgsOf<'tfa:assessments:create'>> = {}): ArgsOf<'tfa:assessments:create'> {
  return {
    organization: { legalName: '株式会社サンプルID', identifiers: [{ scheme: 'jp-corporate-number', value: '1180301018771' }] },
    service: { name: 'サンプルID ログイン', description: 'OpenID Connect provider' },
    pack: { id: 'jp-idtf', version: '2.0.0' },
    type: 'third-party',
    roles: ['IdP'],
    capabilities: ['password', 'otp-token'],
    targets: { IAL: 'IAL2', AAL: 'AAL2' },
    ...overrides,
  };
}

/** The same check dispatch makes on every answer: the view must match the contract. */
function checked(view: unknown): AssessmentView {
  return contract['tfa:assessment:get'].result.parse(view);
}

async function failure(p: Promise<unknown>): Promise<ApiFailure> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ApiFailure) return err;
    throw err;
  }
  throw new Error('expected an ApiFailure');
}

async function sha256(path: string): Promise<string> {
  return createHash('sha256').update(await readFile(path)).digest('hex');
}

async function dirOf(handle: string): Promise<string> {
  const reg = JSON.parse(await readFile(join(dataDir, REGISTRY_FILE), 'utf8')) as { entries: { handle: string; dir: string }[] };
  return reg.entries.find((e) => e.handle === handle)!.dir;
}

describe('create, open, close', () => {
  it('creates an assessment under the data folder, pins the installed pack, and opens it', async () => {
    const a = service();
    const view = checked(await a.create(createArgs()));
    expect(view.handle).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(view.document.revision).toBe(0);
    expect(view.document.pack).toMatchObject({ id: 'jp-idtf', version: '2.0.0' });
    expect(view.document.pack.hash).toBe(view.pack.hash);
    expect(view.pack).toMatchObject({ id: 'jp-idtf', origin: 'builtin', criteriaCount: 110 });
    expect(view.status).toEqual({ state: 'saved', pending: 0, revision: 0, error: null });
    // Nothing answered: every applicable dimension achieves nothing.
    expect(view.score!.levels).toMatchObject({ IAL: null, AAL: null, FAL: null });
    expect(view.score!.criteria['AAL-02']).toEqual({ inScope: true, effective: 'not-assessed', met: false });
    const dir = await dirOf(view.handle);
    expect(dir).toBe(join(dataDir, 'assessments', view.document.id));
    expect((await readdir(dir)).sort()).toEqual(['assessment.json', 'evidence', 'journal.jsonl', 'workspace.lock']);
    const recent = await a.listRecent();
    expect(recent).toEqual([
      { handle: view.handle, organization: '株式会社サンプルID', service: 'サンプルID ログイン', pack: 'jp-idtf@2.0.0', updatedAt: view.document.updatedAt, open: true },
    ]);
    // The handle is the only thing that names the folder: no path in anything the renderer gets.
    expect(JSON.stringify([view, recent])).not.toContain(dataDir);
  });

  it('refuses roles, capabilities, targets and packs the pack does not have, creating nothing', async () => {
    const a = service();
    expect((await failure(a.create(createArgs({ roles: ['IDP'] })))).message).toMatch(/Role "IDP" is not in pack jp-idtf@2\.0\.0: use one of IdP, RP, AP/);
    expect((await failure(a.create(createArgs({ capabilities: ['telepathy'] })))).code).toBe('invalid-input');
    expect((await failure(a.create(createArgs({ targets: { IAL: 'AAL2' } })))).message).toMatch(/Level "AAL2" is not a level of IAL/);
    const missing = await failure(a.create(createArgs({ pack: { id: 'jp-idtf', version: '9.9.9' } })));
    expect([missing.code, missing.message]).toEqual(['not-found', 'Pack jp-idtf@9.9.9 is not installed. Install it in the packs folder, then retry.']);
    const blank = await failure(a.create(createArgs({ organization: { legalName: ' ' } })));
    expect(blank.code).toBe('invalid-input');
    expect(existsSync(join(dataDir, 'assessments')) ? await readdir(join(dataDir, 'assessments')) : []).toEqual([]);
    expect(await a.listRecent()).toEqual([]);
  });

  it('closes (saved, unlocked), reopens after a restart under the same handle, and opening twice gives one workspace', async () => {
    const a = service();
    const { handle } = await a.create(createArgs());
    await a.setAnswer({ handle, criterion: 'AAL-02', set: { status: 'conformant' } });
    const dir = await dirOf(handle);
    expect(await a.close(handle)).toBeNull();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    expect(JSON.parse(await readFile(join(dir, 'assessment.json'), 'utf8')).revision).toBe(1);
    expect((await failure(a.get(handle))).code).toBe('conflict');
    expect(await a.close(handle)).toBeNull();

    const b = service();
    expect((await b.listRecent())[0]).toMatchObject({ handle, open: false });
    const [v1, v2] = await Promise.all([b.open(handle), b.open(handle)]);
    expect(v1.document).toEqual(v2.document);
    expect(v1.document.criteria['AAL-02']).toEqual({ status: 'conformant' });
    expect(b.openHandles()).toEqual([handle]);
  });

  it('a second app on the same folder is refused with conflict, naming who holds it', async () => {
    const a = service();
    const { handle } = await a.create(createArgs());
    const err = await failure(service().open(handle));
    expect(err.code).toBe('conflict');
    expect(err.message).toMatch(/already open in this TF Assessor \(another window\)\. Close it there/);
  });

  it('an unknown handle is not-found; a known one whose folder is gone says so and is listed as missing', async () => {
    const a = service();
    expect((await failure(a.open('AAAAAAAAAAAAAAAAAAAAAAAA'))).code).toBe('not-found');
    const { handle } = await a.create(createArgs());
    const dir = await dirOf(handle);
    await a.close(handle);
    await rm(dir, { recursive: true });
    expect(await a.listRecent()).toEqual([expect.objectContaining({ handle, missing: true, open: false })]);
    const err = await failure(a.open(handle));
    expect(err.code).toBe('not-found');
    expect(err.message).toMatch(/is missing: it was moved or deleted/);
  });

  it('refuses to open against an installed pack whose content differs from the pinned hash', async () => {
    const a = service();
    const { handle } = await a.create(createArgs());
    await a.close(handle);
    // Another machine's copy of jp-idtf@2.0.0 with one title changed.
    const other = join(root, 'other-criteria');
    await cp(BUILTIN, other, { recursive: true });
    const manifest = join(other, 'jp-idtf', '2.0.0', 'pack.yaml');
    await writeFile(manifest, (await readFile(manifest, 'utf8')).replace('publisher: TF Assessor team', 'publisher: Someone else'));
    const b = service({ loadPack: createPackLoader({ builtinDir: other, userDir: join(root, 'none') }) });
    const err = await failure(b.open(handle));
    expect(err.code).toBe('conflict');
    expect(err.message).toMatch(/^This assessment was made with jp-idtf@2\.0\.0 whose content hash is [0-9a-f]{12}…, but the installed jp-idtf@2\.0\.0 has [0-9a-f]{12}…\. Install the exact pack/);
    const dir = await dirOf(handle);
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });

  it('rebuilds the recent list from the assessments folder when its file is damaged, and remembers forgotten ones', async () => {
    const a = service();
    const first = await a.create(createArgs());
    const second = await a.create(createArgs({ service: { name: 'Second service' } }));
    await a.closeAll();
    await writeFile(join(dataDir, REGISTRY_FILE), '{"version":1,"entries":[{"handle":');
    const b = service();
    const listed = await b.listRecent();
    expect(listed.map((r) => r.service).sort()).toEqual(['Second service', 'サンプルID ログイン']);
    // Re-adopted folders get new handles: the old ones named nothing that survived.
    expect(listed.map((r) => r.handle)).not.toContain(first.handle);
    const target = listed.find((r) => r.service === 'Second service')!;
    expect((await b.open(target.handle)).document.id).toBe(second.document.id);
    await b.close(target.handle);
    await b.forget(target.handle);
    expect((await service().listRecent()).map((r) => r.service)).toEqual(['サンプルID ログイン']);
  });
});

describe('edits', () => {
  it('journals each answer with old and new values and rescores', async () => {
    const a = service();
    const { handle } = await a.create(createArgs());
    const v1 = checked(await a.setAnswer({ handle, criterion: 'AAL-04', set: { status: 'minor-nc', notes: 'lockout after 100 tries' } }));
    expect(v1.document.revision).toBe(1);
    expect(v1.score!.criteria['AAL-04']).toEqual({ inScope: true, effective: 'minor-nc', met: false });
    const v2 = checked(await a.setAnswer({ handle, criterion: 'AAL-04', set: { status: 'conformant', notes: null } }));
    expect(v2.score!.criteria['AAL-04']).toMatchObject({ effective: 'conformant', met: true });
    const unknown = await failure(a.setAnswer({ handle, criterion: 'NOPE-1', set: { status: 'conformant' } }));
    expect([unknown.code, unknown.message]).toEqual(['invalid-input', 'Change answer.set: criterion "NOPE-1" is not in pack jp-idtf@2.0.0']);
    const journal = await readJournal(await dirOf(handle));
    expect(journal.map((e) => [e.seq, e.actor, e.change.op, e.old, e.new])).toEqual([
      [0, 'Sato Hanako', 'assessment.create', null, null],
      [1, 'Sato Hanako', 'answer.set', null, { status: 'minor-nc', notes: 'lockout after 100 tries' }],
      [2, 'Sato Hanako', 'answer.set', { status: 'minor-nc', notes: 'lockout after 100 tries' }, { status: 'conformant' }],
    ]);
  });

  it('sets several profile fields in one step, skipping unchanged ones, and checks them against the pack', async () => {
    const a = service();
    const { handle, document } = await a.create(createArgs());
    const v = await a.setProfile({
      handle,
      fields: { 'service.name': 'サンプルID ログイン', 'service.scope': 'Production tenant only', targets: { IAL: 'IAL2', AAL: 'AAL2', FAL: 'FAL2' } },
    });
    expect(v.document.revision).toBe(document.revision + 2);
    expect(v.document.service.scope).toBe('Production tenant only');
    expect(v.score!.dimensions.find((d) => d.dimension === 'FAL')!.target).toBe('FAL2');
    expect((await failure(a.setProfile({ handle, fields: { roles: ['Verifier'] } }))).message).toMatch(/Role "Verifier" is not in pack/);
    expect((await failure(a.setProfile({ handle, fields: { 'organization.legalName': '' } }))).code).toBe('invalid-input');
    const cleared = await a.setProfile({ handle, fields: { 'service.scope': null } });
    expect(cleared.document.service).not.toHaveProperty('scope');
  });

  it('creates, updates and deletes findings (ids assigned in order); an open major finding blocks its criterion', async () => {
    const a = service();
    const { handle } = await a.create(createArgs());
    await a.setAnswer({ handle, criterion: 'AAL-03', set: { status: 'conformant' } });
    const made = await a.createFinding({ handle, finding: { class: 'major-nc', criteria: ['AAL-03'], description: 'Passwords hashed with unsalted SHA-1' } });
    expect(made.id).toBe('F-001');
    expect(made.document.findings[0]).toMatchObject({ id: 'F-001', status: 'open' });
    expect(made.score!.criteria['AAL-03']!.met).toBe(false);
    const second = await a.createFinding({ handle, finding: { class: 'observation', criteria: [], description: 'Runbook out of date' } });
    expect(second.id).toBe('F-002');
    const closed = await a.updateFinding({
      handle,
      id: 'F-001',
      set: { status: 'verified-closed', correctiveAction: { plan: 'Migrate to Argon2id', owner: '情報システム部', dueDate: '2026-03-31' } },
    });
    expect(closed.score!.criteria['AAL-03']!.met).toBe(true);
    const deleted = await a.deleteFinding({ handle, id: 'F-002' });
    expect(deleted.document.findings.map((f) => f.id)).toEqual(['F-001']);
    expect((await failure(a.deleteFinding({ handle, id: 'F-009' }))).message).toMatch(/finding "F-009" does not exist/);
  });

  it('imports claims and lists where they differ from the results, in pack order', async () => {
    const a = service();
    const { handle } = await a.create(createArgs());
    await a.setAnswer({ handle, criterion: 'AAL-04', set: { status: 'minor-nc' } });
    const v = await a.importClaims({
      handle,
      source: { organization: '株式会社サンプルID', receivedOn: '2026-01-15', document: 'self-assessment.xlsx' },
      claims: { 'AAL-04': { status: 'conformant' }, 'AAL-02': { status: 'conformant' } },
    });
    expect(v.claimDifferences).toEqual([
      { criterion: 'AAL-02', kind: 'not-assessed', claimed: 'conformant', assessed: 'not-assessed' },
      { criterion: 'AAL-04', kind: 'overclaimed', claimed: 'conformant', assessed: 'minor-nc' },
    ]);
    const set = await a.setClaim({ handle, criterion: 'AAL-04', claim: { status: 'minor-nc' } });
    expect(set.claimDifferences.map((d) => d.criterion)).toEqual(['AAL-02']);
    expect((await a.clearClaims(handle)).claimDifferences).toEqual([]);
  });

  it('pages the journal newest first, without the documents base entries carry', async () => {
    const a = service();
    const { handle } = await a.create(createArgs());
    for (const status of ['conformant', 'minor-nc', 'major-nc', 'conformant'] as const) await a.setAnswer({ handle, criterion: 'AAL-04', set: { status } });
    const first = await a.journal({ handle, limit: 3 });
    expect(first.total).toBe(5);
    expect(first.entries.map((e) => e.seq)).toEqual([4, 3, 2]);
    expect(first.entries[0]).toMatchObject({ op: 'answer.set', actor: 'Sato Hanako', old: { status: 'major-nc' }, new: { status: 'conformant' } });
    expect(first.nextBefore).toBe(2);
    const second = await a.journal({ handle, limit: 3, before: first.nextBefore! });
    expect(second.entries.map((e) => e.seq)).toEqual([1, 0]);
    expect(second.nextBefore).toBeNull();
    expect(second.entries[1]).toEqual({ seq: 0, at: expect.any(String), actor: 'Sato Hanako', op: 'assessment.create', change: { op: 'assessment.create' }, old: null, new: null });
    expect(contract['tfa:journal:list'].result.parse(second)).toEqual(second);
  });
});

describe('evidence', () => {
  it('adds a file chosen in the native dialog by its source handle, stored under its SHA-256, linked and unlinked', async () => {
    const file = join(root, 'パスワードポリシー.md');
    const policy = '# Password policy\n\nMinimum 12 characters; breached-password check.\n';
    await writeFile(file, policy);
    const size = Buffer.byteLength(policy);
    let picked: string[] = [file];
    const a = service({ pickFiles: async () => picked });
    const { handle } = await a.create(createArgs());
    const [source] = await a.pickEvidence(handle);
    expect(source).toEqual({ source: expect.stringMatching(/^[A-Za-z0-9_-]{24}$/), name: 'パスワードポリシー.md', size });
    const added = await a.addEvidence({ handle, source: source!.source, description: 'Policy v3', criteria: ['AAL-02'] });
    const hash = await sha256(file);
    expect(added.added).toEqual({ hash, deduplicated: false });
    expect(added.document.evidence[hash]).toMatchObject({ name: 'パスワードポリシー.md', mediaType: 'text/markdown', size, description: 'Policy v3', capturedBy: 'Sato Hanako' });
    expect(added.document.criteria['AAL-02']!.evidence).toEqual([hash]);
    const blob = join(await dirOf(handle), 'evidence', hash);
    expect(await sha256(blob)).toBe(hash);
    // The user's own file is untouched; the source is single use.
    expect(existsSync(file)).toBe(true);
    expect((await failure(a.addEvidence({ handle, source: source!.source }))).code).toBe('not-found');

    const linked = await a.linkEvidence({ handle, hash, criterion: 'AAL-03' });
    expect(linked.document.criteria['AAL-03']!.evidence).toEqual([hash]);
    const unlinked = await a.unlinkEvidence({ handle, hash, criterion: 'AAL-02' });
    expect(unlinked.document.criteria['AAL-02']).toBeUndefined();
    expect(unlinked.document.evidence[hash]).toBeDefined();
    expect(await a.verifyEvidence({ handle, hash })).toEqual({ hash, ok: true, missing: false });
    const described = await a.updateEvidence({ handle, hash, description: null });
    expect(described.document.evidence[hash]).not.toHaveProperty('description');

    // The same bytes again: a recapture, no second blob.
    const [again] = await a.pickEvidence(handle);
    const dedup = await a.addEvidence({ handle, source: again!.source, name: 'policy-copy.md' });
    expect(dedup.added).toEqual({ hash, deduplicated: true });
    expect(dedup.document.evidence[hash]!.recaptures).toEqual([expect.objectContaining({ name: 'policy-copy.md' })]);

    picked = [];
    expect(await a.pickEvidence(handle)).toEqual([]);
    picked = [root];
    expect((await failure(a.pickEvidence(handle))).message).toMatch(/is not a regular file/);
  });

  it('a source is bound to its assessment, kept when adding it was refused, and refused for unknown criteria before copying', async () => {
    const file = join(root, 'x.txt');
    await writeFile(file, 'x');
    const a = service({ pickFiles: async () => [file] });
    const one = await a.create(createArgs());
    const two = await a.create(createArgs({ service: { name: 'Two' } }));
    const [source] = await a.pickEvidence(one.handle);
    expect((await failure(a.addEvidence({ handle: two.handle, source: source!.source }))).code).toBe('not-found');
    const bad = await failure(a.addEvidence({ handle: one.handle, source: source!.source, criteria: ['NOPE-1'] }));
    expect(bad.code).toBe('invalid-input');
    expect((await readdir(join(await dirOf(one.handle), 'evidence'))).filter((n) => !n.startsWith('.'))).toEqual([]);
    const ok = await a.addEvidence({ handle: one.handle, source: source!.source });
    expect(Object.keys(ok.document.evidence)).toHaveLength(1);
  });

  it('receives an upload into the workspace, adds it, and deletes the upload afterwards', async () => {
    const a = service({ maxUploadBytes: 1000 });
    const { handle } = await a.create(createArgs());
    const { Readable } = await import('node:stream');
    const bytes = Buffer.from('account,mfa\nalice,totp\n');
    const source = await a.receiveUpload({ assessment: handle, name: '../../etc/records.csv', body: Readable.from([bytes]), declaredLength: bytes.length });
    expect(source).toMatchObject({ name: 'records.csv', size: bytes.length });
    const evidenceDir = join(await dirOf(handle), 'evidence');
    expect((await readdir(evidenceDir)).filter((n) => n.startsWith('.upload.'))).toHaveLength(1);
    const added = await a.addEvidence({ handle, source: source.source });
    expect(added.added.hash).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect((await readdir(evidenceDir)).filter((n) => n.startsWith('.'))).toEqual([]);
    const big = await failure(a.receiveUpload({ assessment: handle, name: 'big.bin', body: Readable.from([Buffer.alloc(600), Buffer.alloc(600)]) }));
    expect(big.message).toMatch(/larger than/);
    expect((await readdir(evidenceDir)).filter((n) => n.startsWith('.'))).toEqual([]);
    // Closing drops uploads nobody added.
    await a.receiveUpload({ assessment: handle, name: 'left.txt', body: Readable.from([Buffer.from('x')]) });
    await a.close(handle);
    expect((await readdir(evidenceDir)).filter((n) => n.startsWith('.'))).toEqual([]);
  });
});

describe('autosave status and storage errors', () => {
  it('a full disk is disk-full with the change kept in memory; status shows it until the retry saves it', async () => {
    const faults = { on: false };
    const fs: FsPort = {
      ...nodeFs,
      async open(path, flags, mode) {
        const fh = await nodeFs.open(path, flags, mode);
        if (!path.endsWith(JOURNAL_FILE)) return fh;
        return {
          ...fh,
          async write(data, offset, length) {
            if (faults.on) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
            return fh.write(data, offset, length);
          },
        };
      },
    };
    const a = service({ workspace: { fs, snapshotDelayMs: 10, retryDelayMs: 30 } });
    const { handle } = await a.create(createArgs());
    faults.on = true;
    const err = await failure(a.setAnswer({ handle, criterion: 'AAL-04', set: { status: 'conformant' } }));
    expect(err.code).toBe('disk-full');
    expect(err.message).toMatch(/Free space on that drive.*1 change is kept in memory/);
    const status = await a.status(handle);
    expect(status).toMatchObject({ state: 'error', pending: 1, revision: 1, error: { code: 'disk-full' } });
    expect((await a.get(handle)).document.criteria['AAL-04']).toEqual({ status: 'conformant' });
    // Closing would lose the change: refused unless the user says so.
    expect((await failure(a.close(handle))).code).toBe('disk-full');
    faults.on = false;
    await expect.poll(() => a.status(handle), { timeout: 5000 }).toEqual({ state: 'saved', pending: 0, revision: 1, error: null });
    await a.close(handle);
    expect((await readJournal(await dirOf(handle))).at(-1)).toMatchObject({ seq: 1, change: { op: 'answer.set' } });
  });
  it('a read-only place is read-only, saying what to do, and nothing is listed', async () => {
    const fs: FsPort = {
      ...nodeFs,
      async mkdir(path) {
        if (path.includes('assessments')) throw Object.assign(new Error(`EROFS: read-only file system, mkdir '${path}'`), { code: 'EROFS', path });
        return nodeFs.mkdir(path);
      },
    };
    const a = service({ workspace: { fs } });
    const err = await failure(a.create(createArgs()));
    expect(err.code).toBe('read-only');
    expect(err.message).toMatch(/read-only drive.*Move the assessment folder to a writable place/);
    expect(await a.listRecent()).toEqual([]);
  });
});

describe('dialogs', () => {
  it('creates in a folder picked natively (handle only), refuses a non-empty one, and opens picked assessment folders', async () => {
    const empty = join(root, 'picked');
    await mkdir(empty);
    let next: string | null = empty;
    const a = service({ pickFolder: async () => next });
    const pick = await a.pickFolder();
    expect(pick).toEqual({ folder: expect.stringMatching(/^[A-Za-z0-9_-]{24}$/), name: 'picked' });
    const view = await a.create(createArgs({ folder: pick!.folder }));
    expect(await dirOf(view.handle)).toBe(empty);
    expect(existsSync(join(empty, 'journal.jsonl'))).toBe(true);
    // A folder handle is single use.
    expect((await failure(a.create(createArgs({ folder: pick!.folder })))).code).toBe('not-found');
    const busy = await a.pickFolder();
    const err = await failure(a.create(createArgs({ folder: busy!.folder })));
    expect(err.code).toBe('conflict');
    expect(err.message).toMatch(/already holds an assessment|is not empty/);
    next = null;
    expect(await a.pickFolder()).toBeNull();

    await a.close(view.handle);
    await a.forget(view.handle);
    next = root;
    expect((await failure(a.pickAssessment())).message).toMatch(/is not an assessment folder/);
    next = empty;
    const reopened = await a.pickAssessment();
    expect(reopened).toMatchObject({ organization: '株式会社サンプルID', pack: 'jp-idtf@2.0.0', open: false });
    expect((await a.open(reopened!.handle)).document.id).toBe(view.document.id);
  });

  it('without native dialogs (the preview) the dialog channels say what to do instead', async () => {
    const a = service();
    expect((await failure(a.pickFolder())).message).toMatch(/needs the desktop app/);
    const { handle } = await a.create(createArgs());
    expect((await failure(a.pickEvidence(handle))).message).toMatch(/in the preview, files are uploaded/);
  });
});

describe('packs', () => {
  it('returns a pack in full for the navigator, pinned by hash when asked', async () => {
    const a = service();
    const detail = contract['tfa:packs:get'].result.parse(await a.getPack({ id: 'jp-idtf', version: '2.0.0' }));
    expect(detail.criteria).toHaveLength(110);
    expect(detail.dimensions.map((d) => d.id)).toEqual(['ORG', 'PRIV', 'CONSENT', 'IAL', 'AAL', 'FAL']);
    const org01 = detail.criteria.find((c) => c.id === 'ORG-01')!;
    expect(org01.levels).toEqual(['ORG-BASE']);
    expect(org01.title.ja).not.toBe('');
    expect(org01.guidance.en).not.toBe('');
    expect(detail.criteria.find((c) => c.id === 'IAL-14')!.levels).toEqual(['IAL2', 'IAL3']);
    // Sized for one IPC message: both languages of every text, no crosswalks or mapping.
    expect(JSON.stringify(detail).length).toBeLessThan(600_000);
    expect((await failure(a.getPack({ id: 'jp-idtf', version: '2.0.0', hash: 'b'.repeat(64) }))).code).toBe('conflict');
  });
});

describe('pack migration', () => {
  it('moves an open assessment from jp-idtf 1.0.0 to 2.0.0 in one journal entry, flagging what needs re-assessment', async () => {
    const a = service();
    const created = await a.create(createArgs({ pack: { id: 'jp-idtf', version: '1.0.0' }, capabilities: [] }));
    const { handle } = created;
    await a.setAnswer({ handle, criterion: 'ORG-02', set: { status: 'minor-nc', notes: 'impact levels not documented' } });
    await a.setAnswer({ handle, criterion: 'ORG-05', set: { status: 'conformant' } });
    const before = await a.get(handle);
    const v2 = await a.getPack({ id: 'jp-idtf', version: '2.0.0' });
    expect(v2.changes?.entries.find((e) => e.kind === 'split' && e.from.includes('ORG-02'))?.to).toEqual(['ORG-17', 'ORG-18', 'ORG-19', 'ORG-20']);

    // Refused: a stale preview, another pack, an older or the same version. Nothing changes.
    const to = { id: 'jp-idtf', version: '2.0.0' };
    expect((await failure(a.migrate({ handle, to, expectRevision: 1 }))).code).toBe('conflict');
    expect((await failure(a.migrate({ handle, to: { id: 'other', version: '2.0.0' }, expectRevision: 2 }))).message).toMatch(/newer version of jp-idtf only/);
    expect((await failure(a.migrate({ handle, to: { id: 'jp-idtf', version: '1.0.0' }, expectRevision: 2 }))).message).toMatch(/not newer than jp-idtf@1.0.0/);
    expect((await a.get(handle)).document).toEqual(before.document);

    const result = contract['tfa:migration:apply'].result.parse(await a.migrate({ handle, to, expectRevision: 2 }));
    expect(result.document.pack).toEqual({ id: 'jp-idtf', version: '2.0.0', hash: v2.hash });
    expect(result.pack.version).toBe('2.0.0');
    expect(result.document.revision).toBe(3);
    expect(result.report.carried).toContainEqual({ criterion: 'ORG-05', from: ['ORG-05'], kind: 'same' });
    for (const id of ['ORG-17', 'ORG-18', 'ORG-19', 'ORG-20']) {
      expect(result.report.needsReassessment).toContainEqual({ criterion: id, reason: 'split', from: ['ORG-02'] });
      expect(result.document.criteria[id]).toEqual({ status: 'minor-nc', notes: 'impact levels not documented', reassess: { reason: 'split', from: ['ORG-02'] } });
    }
    expect(result.document.criteria['ORG-02']).toBeUndefined();
    expect(result.score?.pack).toBe('jp-idtf@2.0.0');

    // Edits now follow 2.0.0; recording a status resolves the flag.
    const answered = await a.setAnswer({ handle, criterion: 'ORG-17', set: { status: 'conformant' } });
    expect(answered.document.criteria['ORG-17']).toEqual({ status: 'conformant', notes: 'impact levels not documented' });
    const page = await a.journal({ handle, limit: 2 });
    expect(page.entries[1]).toMatchObject({ seq: 3, op: 'pack.migrate', old: { pack: before.document.pack, criteria: before.document.criteria } });
    expect((await a.listRecent())[0]!.pack).toBe('jp-idtf@2.0.0');

    // Reopened after a restart: the same document, against 2.0.0.
    const doc = (await a.get(handle)).document;
    await a.close(handle);
    const reopened = await service().open(handle);
    expect(reopened.document).toEqual(doc);
    expect(reopened.pack.version).toBe('2.0.0');
  });
});
