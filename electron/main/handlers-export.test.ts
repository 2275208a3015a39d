// The identity and export channels through `dispatch`, as IPC and the bridge call them: real
// identities made by core/signing and sealed on disk, real assessments, and real exports run
// in the real worker thread (bundled from the current sources), checked with openssl.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, unlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiResult, ArgsOf, Channel, ResultOf } from '../../core/api/contract';
import { MAX_P12_BYTES, type ExportJobView } from '../../core/api/contract-export';
import { toBase64 } from '../../core/signing/bytes';
import { createLocalIdentity } from '../../core/signing/local-identity';
import { exportPkcs12 } from '../../core/signing/pkcs12';
import { dispatch } from './dispatch';
import { createHandlers, type Handlers } from './handlers';
import { createAssessmentService, type AssessmentService } from './services/assessments';
import { buildTestWorker } from './services/export-test-support';
import { workerRunner } from './services/export-jobs';
import { createPackLister, createPackLoader } from './services/packs';

const BUILTIN = join(process.cwd(), 'criteria');

let root: string;
let dataDir: string;
let service: AssessmentService;
let h: Handlers;
let handle: string;
let evidenceHash: string;
const revealed: string[] = [];
let picked: string | null = null;

async function call<C extends Channel>(channel: C, args?: ArgsOf<C>): Promise<ApiResult<ResultOf<C>>> {
  return (await dispatch(h, channel, args)) as ApiResult<ResultOf<C>>;
}
async function ok<C extends Channel>(channel: C, args?: ArgsOf<C>): Promise<ResultOf<C>> {
  const r = await call(channel, args);
  if (!r.ok) throw new Error(`${channel}: ${r.error.code}: ${r.error.message}`);
  return r.value;
}

async function finished(job: string, timeoutMs = 90_000): Promise<ExportJobView> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await ok('tfa:export:status', { job });
    if (v.state !== 'running') return v;
    if (Date.now() > until) throw new Error(`export ${job} still running at step ${v.step}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'tfa-export-handlers-'));
  dataDir = join(root, 'data');
  service = createAssessmentService({
    dataDir,
    actor: '佐藤 花子',
    loadPack: createPackLoader({ builtinDir: BUILTIN, userDir: join(dataDir, 'packs') }),
    pickFiles: async () => [join(root, '認証ポリシー.txt')],
    workspace: { snapshotDelayMs: 10, retryDelayMs: 20 },
  });
  const worker = await buildTestWorker();
  h = createHandlers({
    dataDir,
    host: 'bridge',
    version: '0.0.0',
    platform: 'linux',
    systemLocale: 'en-US',
    listPacks: createPackLister({ builtinDir: BUILTIN, userDir: join(dataDir, 'packs') }),
    assessments: service,
    exportRunner: workerRunner(worker),
    packRoots: [{ dir: BUILTIN, origin: 'builtin' }],
    revealPath: (p) => revealed.push(p),
    pickExportFolder: async () => picked,
  });
  const view = await ok('tfa:assessments:create', {
    organization: { legalName: '株式会社サンプル認証', identifiers: [{ scheme: 'jp-corporate-number', value: '1180301018771' }] },
    service: { name: 'サンプルID ログイン', description: 'OpenID Connect provider' },
    pack: { id: 'jp-idtf', version: '2.0.0' },
    type: 'third-party',
    roles: ['IdP'],
    capabilities: ['password', 'otp-token'],
    targets: { IAL: 'IAL2', AAL: 'AAL2' },
    assessors: [{ name: '佐藤 花子', organization: 'Example Assurance LLC', role: 'lead' }],
  });
  handle = view.handle;
  await ok('tfa:answers:set', { handle, criterion: 'AAL-01', set: { status: 'conformant', methods: ['examine'] } });
  await ok('tfa:answers:set', { handle, criterion: 'AAL-04', set: { status: 'minor-nc', notes: '=HYPERLINK("x")' } });
  await writeFile(join(root, '認証ポリシー.txt'), '認証ポリシー 第 3 版\n');
  const [source] = await ok('tfa:dialogs:pickEvidence', { handle });
  evidenceHash = (await ok('tfa:evidence:add', { handle, source: source!.source, criteria: ['AAL-01'] })).added.hash;
}, 60_000);

afterAll(async () => {
  await service.closeAll().catch(() => undefined);
  await rm(root, { recursive: true, force: true });
});

describe('signing identities', () => {
  let created: ResultOf<'tfa:identities:create'>;

  it('starts empty, with keys sealed by the preview key file (said so)', async () => {
    const list = await ok('tfa:identities:list');
    expect(list.identities).toEqual([]);
    expect(list.storage).toEqual({ available: true, kind: 'preview-key-file', problem: null });
  });

  it('creates a local CA identity with a Japanese organization; the key is sealed on disk and never in a result', async () => {
    created = await ok('tfa:identities:create', { commonName: '佐藤 花子', organization: '株式会社サンプル監査', country: 'JP', validityDays: 30 });
    expect(created).toMatchObject({ subject: 'CN=佐藤 花子,O=株式会社サンプル監査,C=JP', commonName: '佐藤 花子', keyAlgorithm: 'ECDSA P-256', expired: false, localCa: true });
    expect(created.issuer).toMatch(/^CN=佐藤 花子 Local CA [0-9A-F]{8},O=株式会社サンプル監査,C=JP$/);
    expect(created.caSubject).toBe(created.issuer);
    expect(created.fingerprintSha256).toBe(created.id);
    const file = readFileSync(join(dataDir, 'identities', `${created.id}.identity.json`), 'utf8');
    const stored = JSON.parse(file) as { key: { protection: string; data: string } };
    expect(stored.key.protection).toBe('preview-key-file-aes256gcm');
    // The sealed key is not a PKCS#8 structure in the clear (SEQUENCE, version 0, ecPublicKey OID).
    expect(Buffer.from(stored.key.data, 'base64').includes(Buffer.from('06072a8648ce3d0201', 'hex'))).toBe(false);
    const list = await ok('tfa:identities:list');
    expect(list.identities.map((i) => i.id)).toEqual([created.id]);
    expect(JSON.stringify(list)).not.toMatch(/privateKey|PRIVATE KEY/);
  });

  it('hands out the CA certificate as PEM, which openssl reads with the Japanese name intact', async () => {
    const ca = await ok('tfa:identities:caCertificate', { id: created.id });
    expect(ca.suggestedName).toBe('ca.pem');
    expect(ca.fingerprintSha256).toBe(created.caFingerprintSha256);
    const r = spawnSync('openssl', ['x509', '-noout', '-subject', '-fingerprint', '-sha256', '-nameopt', 'utf8'], { input: ca.pem, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('佐藤 花子 Local CA');
    expect(r.stdout.replace(/:/g, '').toLowerCase()).toContain(ca.fingerprintSha256);
  });

  it('imports a .p12 with its passphrase; a wrong passphrase and an expired certificate are clear invalid-input errors', async () => {
    const local = await createLocalIdentity({ commonName: 'Imported Signer', keyType: 'ecdsa-p256', validityDays: 10 });
    const p12 = toBase64(await exportPkcs12(local.identity, 'correct horse'));
    const wrong = await call('tfa:identities:import', { p12, passphrase: 'wrong', name: 'signer.p12' });
    expect(wrong).toEqual({ ok: false, error: { code: 'invalid-input', message: expect.stringMatching(/^The passphrase is wrong for "signer\.p12"/) } });
    const imported = await ok('tfa:identities:import', { p12, passphrase: 'correct horse', name: 'signer.p12' });
    expect(imported).toMatchObject({ subject: 'CN=Imported Signer', localCa: true, expired: false });

    const old = await createLocalIdentity({ commonName: 'Old Signer', keyType: 'ecdsa-p256', validityDays: 1, notBefore: new Date('2024-01-01T00:00:00Z') });
    const expired = await call('tfa:identities:import', { p12: toBase64(await exportPkcs12(old.identity, 'pw')), passphrase: 'pw', name: 'old.p12' });
    expect(expired).toEqual({ ok: false, error: { code: 'invalid-input', message: expect.stringMatching(/expired on 2024-01-02T00:00:00Z.*renew the certificate or create a new identity/) } });

    const garbage = await call('tfa:identities:import', { p12: toBase64(new Uint8Array([1, 2, 3, 4])), passphrase: 'pw' });
    expect(garbage.ok ? null : garbage.error.code).toBe('invalid-input');
    const tooLarge = await call('tfa:identities:import', { p12: 'A'.repeat(Math.ceil(MAX_P12_BYTES / 3) * 4 + 4), passphrase: 'pw' });
    expect(tooLarge.ok ? null : tooLarge.error.code).toBe('bad-request');

    const list = await ok('tfa:identities:remove', { id: imported.id });
    expect(list.identities.map((i) => i.id)).toEqual([created.id]);
    expect(existsSync(join(dataDir, 'identities', `${imported.id}.identity.json`))).toBe(false);
    expect((await call('tfa:identities:caCertificate', { id: imported.id })).ok).toBe(false);
  });

  describe('export', () => {
    let signed: ExportJobView;

    it('offers the templates, the identities and the app language', async () => {
      const o = await ok('tfa:export:options', { handle });
      expect(o.templates.map((t) => t.name)).toContain('default');
      expect(o.templates[0]!.name).toBe('default');
      expect(o.identities.map((i) => i.id)).toEqual([created.id]);
      expect(o.defaultLang).toBe('en');
      expect(o).toMatchObject({ canPickDestination: true, canReveal: true, running: null, last: null });
      expect(o.defaultDestination).toContain(join(dataDir, 'exports'));
      await ok('tfa:settings:set', { language: 'ja' });
      expect((await ok('tfa:export:options', { handle })).defaultLang).toBe('ja');
    });

    it('exports signed in a worker: every step reported, files hashed, ca.pem beside them, openssl verifies the spreadsheet', async () => {
      const { job } = await ok('tfa:export:start', { handle, lang: 'ja', template: 'default', identity: created.id, include: { evidence: true, oscal: true } });
      const seen = new Set<string>();
      // A second export of the same assessment waits for the first.
      const again = await call('tfa:export:start', { handle, lang: 'ja', template: 'default', identity: null, include: { evidence: false, oscal: false } });
      expect(again.ok ? null : again.error.code).toBe('conflict');
      for (;;) {
        const v = await ok('tfa:export:status', { job });
        seen.add(v.step);
        if (v.state !== 'running') break;
        await new Promise((r) => setTimeout(r, 20));
      }
      signed = await finished(job);
      expect(signed.error).toBeNull();
      expect(signed.state).toBe('done');
      expect(signed.steps).toEqual(['workspace', 'pack', 'report-pdf', 'report-xlsx', 'sign', 'oscal', 'package', 'done']);
      expect(seen.has('report-pdf') || seen.has('report-xlsx') || seen.has('sign')).toBe(true);
      const r = signed.result!;
      expect(r.folder.startsWith(join(dataDir, 'exports'))).toBe(true);
      expect(r.files.map((f) => f.kind)).toEqual(['package', 'report-pdf', 'report-xlsx', 'xlsx-signature', 'oscal', 'ca-certificate']);
      for (const f of r.files) {
        const bytes = readFileSync(join(r.folder, f.name));
        expect(sha256(bytes), f.name).toBe(f.sha256);
        expect(bytes.length).toBe(f.size);
      }
      expect(r.files[0]!.name).toMatch(/^株式会社サンプル認証-jp-idtf-2\.0\.0-\d{4}-\d{2}-\d{2}\.tfpkg$/);
      expect(r.packageSha256).toBe(r.files[0]!.sha256);
      expect(r.signer).toMatchObject({ subject: 'CN=佐藤 花子,O=株式会社サンプル監査,C=JP', fingerprintSha256: created.id, caFingerprintSha256: created.caFingerprintSha256 });
      expect(r.signedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
      expect(r.levels.find((l) => l.dimension === 'AAL')).toMatchObject({ target: 'AAL2', targetMet: false });
      const verify = spawnSync(
        'openssl',
        ['cms', '-verify', '-binary', '-inform', 'DER', '-in', join(r.folder, 'report.xlsx.p7s'), '-content', join(r.folder, 'report.xlsx'), '-CAfile', join(r.folder, 'ca.pem'), '-out', '/dev/null'],
        { encoding: 'utf8' },
      );
      expect(verify.stderr).toContain('Verification successful');
      // The workspace stays open and editable in the app, its lock untouched.
      await ok('tfa:answers:set', { handle, criterion: 'AAL-02', set: { status: 'conformant' } });
      const o = await ok('tfa:export:options', { handle });
      expect(o).toMatchObject({ running: null, last: job });
    }, 120_000);

    it('shows the package in the file manager on the desktop', async () => {
      await ok('tfa:export:reveal', { job: signed.job });
      expect(revealed).toEqual([join(signed.result!.folder, signed.result!.files[0]!.name)]);
    });

    it('exports unsigned into a picked folder: no signature, no CA certificate, and nothing stale from before', async () => {
      picked = join(root, 'picked');
      const pick = await ok('tfa:dialogs:pickExportFolder');
      expect(pick).toMatchObject({ folder: picked });
      // A signed export's leftovers in the folder must not sit beside an unsigned report.
      await ok('tfa:export:start', { handle, lang: 'en', identity: created.id, include: { evidence: false, oscal: false }, destination: pick!.destination }).then(({ job }) => finished(job));
      expect(existsSync(join(picked, 'ca.pem'))).toBe(true);
      const again = await ok('tfa:dialogs:pickExportFolder');
      const { job } = await ok('tfa:export:start', { handle, lang: 'en', identity: null, include: { evidence: false, oscal: false }, destination: again!.destination });
      const v = await finished(job);
      expect(v.steps).toEqual(['workspace', 'pack', 'report-pdf', 'report-xlsx', 'package', 'done']);
      expect(v.result).toMatchObject({ folder: picked, signer: null, signedAt: null });
      expect(v.result!.files.map((f) => f.kind)).toEqual(['package', 'report-pdf', 'report-xlsx']);
      expect(readdirSync(picked).sort()).toEqual(expect.not.arrayContaining(['ca.pem', 'report.xlsx.p7s']));
      // A destination handle is single use.
      const reused = await call('tfa:export:start', { handle, lang: 'en', identity: null, include: { evidence: false, oscal: false }, destination: again!.destination });
      expect(reused.ok ? null : reused.error.code).toBe('not-found');
    }, 120_000);

    it('a failure in the worker is one line with what to do (a missing evidence file)', async () => {
      const blob = join(dataDir, 'assessments');
      const dir = readdirSync(blob)[0]!;
      const file = join(blob, dir, 'evidence', evidenceHash);
      const bytes = await readFile(file);
      await unlink(file);
      try {
        const { job } = await ok('tfa:export:start', { handle, lang: 'ja', identity: null, include: { evidence: true, oscal: false } });
        const v = await finished(job);
        expect(v.state).toBe('failed');
        expect(v.error).toEqual({ code: 'evidence', message: expect.stringMatching(/^The evidence file "認証ポリシー\.txt" \([0-9a-f]{12}…\) is missing from .*: restore it, or export with --no-evidence\.$/) });
        expect(v.error!.message).not.toContain('\n');
      } finally {
        await writeFile(file, bytes);
      }
    }, 60_000);

    it('refuses an unknown template, an unknown identity and an assessment that is not open', async () => {
      const t = await call('tfa:export:start', { handle, lang: 'ja', template: 'nope', identity: null, include: { evidence: false, oscal: false } });
      expect(t.ok ? null : t.error.code).toBe('invalid-input');
      const i = await call('tfa:export:start', { handle, lang: 'ja', identity: 'f'.repeat(64), include: { evidence: false, oscal: false } });
      expect(i.ok ? null : i.error.code).toBe('not-found');
      const closed = await call('tfa:export:start', { handle: 'not-open-handle', lang: 'ja', identity: null, include: { evidence: false, oscal: false } });
      expect(closed.ok ? null : closed.error.code).toBe('conflict');
      const status = await call('tfa:export:status', { job: 'unknown-job' });
      expect(status.ok ? null : status.error.code).toBe('not-found');
    });
  });
});

describe('without the desktop', () => {
  it('the preview neither picks folders nor reveals files, and says why', async () => {
    const bare = createHandlers({ dataDir: join(root, 'bare'), host: 'bridge', version: '0', platform: 'linux', systemLocale: 'ja-JP', listPacks: async () => [] });
    const pick = await dispatch(bare, 'tfa:dialogs:pickExportFolder', undefined);
    expect(pick).toEqual({ ok: false, error: { code: 'bad-request', message: expect.stringContaining('desktop app') } });
    const reveal = await dispatch(bare, 'tfa:export:reveal', { job: 'abc' });
    expect(reveal.ok ? null : reveal.error.code).toBe('bad-request');
  });

  it('a desktop without a usable keychain lists identities but refuses to store a key, with the reason', async () => {
    const desk = createHandlers({
      dataDir: join(root, 'desk'),
      host: 'electron',
      version: '0',
      platform: 'linux',
      systemLocale: 'ja-JP',
      listPacks: async () => [],
      keyProtection: {
        kind: 'system-keychain',
        protector: () => {
          throw new Error('no system keyring was found (safeStorage backend "basic_text")');
        },
      },
    });
    const list = await dispatch(desk, 'tfa:identities:list', undefined);
    expect(list).toEqual({ ok: true, value: { identities: [], storage: { available: false, kind: 'system-keychain', problem: 'No system keyring was found (safeStorage backend "basic_text").' } } });
    const create = await dispatch(desk, 'tfa:identities:create', { commonName: 'x' });
    expect(create).toEqual({ ok: false, error: { code: 'invalid-input', message: 'No system keyring was found (safeStorage backend "basic_text").' } });
  });
});

describe('quitting during an export', () => {
  it('waits for the running export before the app quits', async () => {
    const hooks: (() => Promise<unknown>)[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const quitting = createHandlers({
      dataDir: join(root, 'quit'),
      host: 'electron',
      version: '0',
      platform: 'linux',
      systemLocale: 'en-US',
      listPacks: async () => [],
      assessments: service,
      packRoots: [{ dir: BUILTIN, origin: 'builtin' }],
      // A runner that finishes only when released: the export "in progress" at quit time.
      exportRunner: async () => {
        await gate;
        throw new Error('released');
      },
      beforeQuit: (hook) => void hooks.push(hook),
    });
    expect(hooks).toHaveLength(1);
    const started = await dispatch(quitting, 'tfa:export:start', { handle, lang: 'en', identity: null, include: { evidence: false, oscal: false } });
    expect(started.ok).toBe(true);
    let quit = false;
    const waiting = hooks[0]!().then(() => (quit = true));
    await new Promise((r) => setTimeout(r, 50));
    expect(quit).toBe(false);
    release();
    await waiting;
    expect(quit).toBe(true);
  });
});

/** Resolves never; rejects once `signal` is aborted (also when it already is). */
function untilAborted(signal: AbortSignal): Promise<never> {
  return new Promise<never>((_, reject) => {
    if (signal.aborted) reject(new Error('aborted'));
    else signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
  });
}

describe('cancelling an export', () => {
  it('stops the runner, reports cancelled and removes the folder the export had started', async () => {
    let outDir = '';
    const cancelling = createHandlers({
      dataDir: join(root, 'cancel'),
      host: 'bridge',
      version: '0',
      platform: 'linux',
      systemLocale: 'en-US',
      listPacks: async () => [],
      assessments: service,
      packRoots: [{ dir: BUILTIN, origin: 'builtin' }],
      // Writes its first file, then runs until aborted — as a worker rendering a long PDF.
      exportRunner: async (request, onProgress, signal) => {
        outDir = request.outDir;
        await mkdir(outDir, { recursive: true });
        await writeFile(join(outDir, 'report.pdf'), 'partial');
        onProgress('report-xlsx');
        await untilAborted(signal!);
        throw new Error('unreachable');
      },
    });
    const started = await dispatch(cancelling, 'tfa:export:start', { handle, lang: 'en', identity: null, include: { evidence: false, oscal: false } });
    if (!started.ok) throw new Error(started.error.message);
    const { job } = started.value as { job: string };
    for (let i = 0; i < 100 && !existsSync(join(outDir, 'report.pdf')); i++) await new Promise((r) => setTimeout(r, 10));
    expect(existsSync(join(outDir, 'report.pdf'))).toBe(true);
    const cancelled = await dispatch(cancelling, 'tfa:export:cancel', { job });
    expect(cancelled.ok && cancelled.value).toMatchObject({ state: 'cancelled', step: 'report-xlsx', error: null, result: null });
    expect(existsSync(outDir)).toBe(false);
    // Cancelling again, or a finished export, changes nothing.
    expect((await dispatch(cancelling, 'tfa:export:cancel', { job })).ok).toBe(true);
    const unknown = await dispatch(cancelling, 'tfa:export:cancel', { job: 'nosuchjob' });
    expect(unknown.ok ? null : unknown.error.code).toBe('not-found');
  });
});

describe('cancelling an export into a chosen folder', () => {
  it('removes only what the export wrote since it started; the folder and older files stay', async () => {
    const chosen = join(root, 'chosen');
    await mkdir(chosen, { recursive: true });
    await writeFile(join(chosen, 'notes.txt'), 'mine');
    await writeFile(join(chosen, 'last-year.tfpkg'), 'older submission');
    const old = new Date(Date.now() - 3_600_000);
    await utimes(join(chosen, 'last-year.tfpkg'), old, old);
    const desk = createHandlers({
      dataDir: join(root, 'cancel-chosen'),
      host: 'bridge',
      version: '0',
      platform: 'linux',
      systemLocale: 'en-US',
      listPacks: async () => [],
      assessments: service,
      packRoots: [{ dir: BUILTIN, origin: 'builtin' }],
      pickExportFolder: async () => chosen,
      exportRunner: async (request, onProgress, signal) => {
        await writeFile(join(request.outDir, 'report.pdf'), 'partial');
        await writeFile(join(request.outDir, '.report.xlsx.4242.0123456789ab.tmp'), 'half');
        onProgress('report-xlsx');
        await untilAborted(signal!);
        throw new Error('unreachable');
      },
    });
    const pick = (await dispatch(desk, 'tfa:dialogs:pickExportFolder', undefined)) as ApiResult<ResultOf<'tfa:dialogs:pickExportFolder'>>;
    if (!pick.ok || !pick.value) throw new Error('no folder');
    const started = await dispatch(desk, 'tfa:export:start', { handle, lang: 'en', identity: null, include: { evidence: false, oscal: false }, destination: pick.value.destination });
    if (!started.ok) throw new Error(started.error.message);
    const { job } = started.value as { job: string };
    for (let i = 0; i < 100 && !existsSync(join(chosen, 'report.pdf')); i++) await new Promise((r) => setTimeout(r, 10));
    const cancelled = (await dispatch(desk, 'tfa:export:cancel', { job })) as ApiResult<ExportJobView>;
    expect(cancelled.ok && cancelled.value.state).toBe('cancelled');
    expect(readdirSync(chosen).sort()).toEqual(['last-year.tfpkg', 'notes.txt']);
  });
});
