/**
 * The assessment API end to end, over HTTP, against the real preview process
 * (`node dist/bridge.cjs`, what `npm run preview` runs): the real handlers, workspaces on
 * disk, the real pack, and the upload route. A second preview process on the same data
 * folder plays "another TF Assessor" for the lock.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, openAsBlob, createReadStream } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AssessmentView, contract, type Channel } from '../../core/api/contract';
import { scanJournal } from '../../core/node/journal';
import { PROJECT_ROOT } from '../support/paths';
import { ensureRendererBuilt } from '../support/renderer-build';

interface Preview {
  child: ChildProcess;
  origin: string;
  token: string;
  exited: Promise<number | null>;
}

let root: string;
let dataDir: string;
const running: Preview[] = [];

/** Starts `node dist/bridge.cjs` on a free port and reads its address (with the token) from stdout. */
async function startPreviewProcess(): Promise<Preview> {
  const child = spawn(process.execPath, [join(PROJECT_ROOT, 'dist', 'bridge.cjs')], {
    env: { ...process.env, TFA_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let out = '';
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /TF Assessor preview: (\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    void exited.then((code) => reject(new Error(`preview exited with ${code}: ${err}`)));
  });
  const parsed = new URL(url);
  const preview = { child, origin: parsed.origin, token: new URLSearchParams(parsed.hash.slice(1)).get('token')!, exited };
  running.push(preview);
  return preview;
}

async function stop(p: Preview): Promise<number | null> {
  p.child.kill('SIGTERM');
  const code = await p.exited;
  running.splice(running.indexOf(p), 1);
  return code;
}

interface Reply<T> {
  status: number;
  body: { ok: true; value: T } | { ok: false; error: { code: string; message: string } };
}

/** One API call as the renderer's bridge client makes it. */
async function call<C extends Channel>(p: Preview, channel: C, args?: unknown): Promise<Reply<unknown>> {
  const res = await fetch(`${p.origin}/api/${channel}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-TFA-Token': p.token, Origin: p.origin },
    body: JSON.stringify({ args }),
  });
  return { status: res.status, body: (await res.json()) as Reply<unknown>['body'] };
}

/** A call that must succeed; its value is checked against the contract, as the renderer does. */
async function ok<C extends Channel>(p: Preview, channel: C, args?: unknown): Promise<ReturnType<(typeof contract)[C]['result']['parse']>> {
  const reply = await call(p, channel, args);
  if (!reply.body.ok) throw new Error(`${channel}: ${reply.body.error.code}: ${reply.body.error.message}`);
  return contract[channel].result.parse(reply.body.value) as never;
}

async function upload(p: Preview, handle: string, name: string, body: Blob | ReadableStream): Promise<Reply<{ source: string; name: string; size: number }>> {
  const res = await fetch(`${p.origin}/upload?assessment=${handle}&name=${encodeURIComponent(name)}`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/octet-stream', 'X-TFA-Token': p.token, Origin: p.origin },
    body,
    duplex: 'half',
  } as RequestInit);
  return { status: res.status, body: (await res.json()) as Reply<{ source: string; name: string; size: number }>['body'] };
}

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

let a: Preview;
let view: AssessmentView;
let wsDir: string;

beforeAll(async () => {
  const build = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: PROJECT_ROOT, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`build failed: ${build.stderr}`);
  await ensureRendererBuilt();
  root = await mkdtemp(join(tmpdir(), 'tfa-e2e-api-'));
  dataDir = join(root, 'data');
  a = await startPreviewProcess();
});

afterAll(async () => {
  for (const p of [...running]) await stop(p);
  await rm(root, { recursive: true, force: true });
});

describe('assessment API over the preview bridge', () => {
  it('creates an assessment that the start screen then lists, with no path anywhere', async () => {
    expect(await ok(a, 'tfa:assessments:listRecent')).toEqual([]);
    view = await ok(a, 'tfa:assessments:create', {
      organization: { legalName: '株式会社サンプルID', identifiers: [{ scheme: 'jp-corporate-number', value: '1180301018771' }] },
      service: { name: 'サンプルID', description: 'OpenID Provider' },
      pack: { id: 'jp-idtf', version: '2.0.0' },
      type: 'third-party',
      roles: ['IdP'],
      capabilities: ['password', 'otp-token', 'attribute-release'],
      targets: { IAL: 'IAL2', AAL: 'AAL2', FAL: 'FAL2' },
    });
    wsDir = join(dataDir, 'assessments', view.document.id);
    expect(existsSync(join(wsDir, 'journal.jsonl'))).toBe(true);
    expect(view.status.state).toBe('saved');
    const recent = await ok(a, 'tfa:assessments:listRecent');
    expect(recent).toEqual([{ handle: view.handle, organization: '株式会社サンプルID', service: 'サンプルID', pack: 'jp-idtf@2.0.0', updatedAt: view.document.updatedAt, open: true }]);
    expect(JSON.stringify(recent) + JSON.stringify(view)).not.toContain(dataDir);
    const pack = await ok(a, 'tfa:packs:get', { id: 'jp-idtf', version: '2.0.0', hash: view.pack.hash });
    expect(pack.criteria.map((c) => c.id)).toContain('AAL-02');
  });

  it('journals every change with who, when, old and new value — in the API and in journal.jsonl on disk', async () => {
    const h = view.handle;
    await ok(a, 'tfa:answers:set', { handle: h, criterion: 'AAL-02', set: { status: 'minor-nc', notes: '8文字以上' } });
    const answered = await ok(a, 'tfa:answers:set', { handle: h, criterion: 'AAL-02', set: { status: 'conformant', justification: '12文字以上、漏洩パスワード照合あり', notes: null } });
    expect(answered.score!.criteria['AAL-02']).toEqual({ inScope: true, effective: 'conformant', met: true });
    await ok(a, 'tfa:profile:set', { handle: h, fields: { 'service.scope': '本番環境', 'organization.legalNameEn': 'Sample ID K.K.' } });
    const finding = await ok(a, 'tfa:findings:create', { handle: h, finding: { class: 'minor-nc', criteria: ['AAL-04'], description: 'ロックアウト閾値が未設定' } });
    expect(finding.id).toBe('F-001');
    await ok(a, 'tfa:findings:update', { handle: h, id: 'F-001', set: { status: 'plan-accepted', correctiveAction: { plan: '10回でロック', owner: '運用部', dueDate: '2026-06-30' } } });
    await ok(a, 'tfa:claims:import', { handle: h, source: { organization: '株式会社サンプルID' }, claims: { 'AAL-04': { status: 'conformant' } } });

    const page = await ok(a, 'tfa:journal:list', { handle: h, limit: 10 });
    expect(page.total).toBe(8);
    expect(page.entries.map((e) => [e.seq, e.op, e.actor])).toEqual([
      [7, 'claims.import', expect.any(String)],
      [6, 'finding.update', expect.any(String)],
      [5, 'finding.create', expect.any(String)],
      [4, 'profile.set', expect.any(String)],
      [3, 'profile.set', expect.any(String)],
      [2, 'answer.set', expect.any(String)],
      [1, 'answer.set', expect.any(String)],
      [0, 'assessment.create', expect.any(String)],
    ]);
    expect(page.entries[5]).toMatchObject({
      old: { status: 'minor-nc', notes: '8文字以上' },
      new: { status: 'conformant', justification: '12文字以上、漏洩パスワード照合あり' },
    });
    expect(page.entries[6]).toMatchObject({ old: null, new: { status: 'minor-nc', notes: '8文字以上' } });
    expect(page.entries[1]).toMatchObject({ old: { status: 'open' }, new: { status: 'plan-accepted', correctiveAction: { owner: '運用部' } } });
    const profile = page.entries.filter((e) => e.op === 'profile.set').map((e) => [(e.change as { field: string }).field, e.old, e.new]);
    expect(profile.sort()).toEqual([
      ['organization.legalNameEn', null, 'Sample ID K.K.'],
      ['service.scope', null, '本番環境'],
    ]);
    expect(page.entries[1]!.at).toMatch(/^\d{4}-\d\d-\d\dT/);

    // The file itself: every line checks itself, seq 0..7 contiguous, same old/new values.
    const onDisk = scanJournal(await readFile(join(wsDir, 'journal.jsonl')));
    expect(onDisk.torn).toBeNull();
    expect(onDisk.lines.map((l) => l.seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    const second = JSON.parse(onDisk.lines[2]!.body) as { old: unknown; new: unknown; change: { op: string } };
    expect(second).toMatchObject({ change: { op: 'answer.set' }, old: { status: 'minor-nc', notes: '8文字以上' }, new: { status: 'conformant' } });
  });

  it('uploads a real file (streamed), adds it as evidence: the blob exists with the right SHA-256, and the journal records it', async () => {
    const h = view.handle;
    const file = join(root, '画面キャプチャ.png');
    const bytes = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(3 * 1024 * 1024 + 17, 0xab)]);
    await writeFile(file, bytes);
    const up = await upload(a, h, '画面キャプチャ.png', await openAsBlob(file));
    expect(up.status).toBe(200);
    expect(up.body).toEqual({ ok: true, value: { source: expect.any(String), name: '画面キャプチャ.png', size: bytes.length } });
    const source = (up.body as { value: { source: string } }).value.source;
    const added = await ok(a, 'tfa:evidence:add', { handle: h, source, description: 'MFA登録画面', criteria: ['AAL-06'] });
    const hash = sha256(bytes);
    expect(added.added).toEqual({ hash, deduplicated: false });
    expect(added.document.evidence[hash]).toMatchObject({ name: '画面キャプチャ.png', mediaType: 'image/png', size: bytes.length });
    expect(added.document.criteria['AAL-06']!.evidence).toEqual([hash]);
    const blob = join(wsDir, 'evidence', hash);
    expect(sha256(await readFile(blob))).toBe(hash);
    expect(await ok(a, 'tfa:evidence:verify', { handle: h, hash })).toEqual({ hash, ok: true, missing: false });
    // The upload's temp file is gone once the evidence is stored.
    const { readdir } = await import('node:fs/promises');
    expect((await readdir(join(wsDir, 'evidence'))).filter((n) => n.startsWith('.'))).toEqual([]);

    // A chunked upload (no Content-Length), then link and unlink.
    const csv = join(root, 'records.csv');
    await writeFile(csv, 'user,method\nalice,totp\n');
    const chunked = await upload(a, h, 'records.csv', Readable.toWeb(createReadStream(csv)) as ReadableStream);
    expect(chunked.status).toBe(200);
    const csvAdded = await ok(a, 'tfa:evidence:add', { handle: h, source: (chunked.body as { value: { source: string } }).value.source });
    const csvHash = csvAdded.added.hash;
    expect(csvHash).toBe(sha256(await readFile(csv)));
    await ok(a, 'tfa:evidence:link', { handle: h, hash: csvHash, criterion: 'AAL-08' });
    const unlinked = await ok(a, 'tfa:evidence:unlink', { handle: h, hash: csvHash, criterion: 'AAL-08' });
    expect(unlinked.document.criteria['AAL-08']).toBeUndefined();

    const page = await ok(a, 'tfa:journal:list', { handle: h, limit: 4 });
    expect(page.entries.map((e) => e.op)).toEqual(['evidence.unlink', 'evidence.link', 'evidence.add', 'evidence.add']);
    expect(page.entries[3]).toMatchObject({ change: { op: 'evidence.add', hash, criteria: ['AAL-06'] }, old: null, new: { name: '画面キャプチャ.png', size: bytes.length } });
    expect(page.entries[0]).toMatchObject({ old: [csvHash], new: [] });
    expect(await ok(a, 'tfa:assessment:status', { handle: h })).toMatchObject({ pending: 0, error: null });

    // Without the token the route refuses, and nothing is written.
    const res = await fetch(`${a.origin}/upload?assessment=${h}&name=x.txt`, { method: 'PUT', headers: { 'Content-Type': 'application/octet-stream' }, body: 'x' });
    expect(res.status).toBe(403);
  });

  it('bad arguments are bad-request (nothing changes); edits the model refuses are invalid-input', async () => {
    const h = view.handle;
    const before = (await ok(a, 'tfa:assessment:get', { handle: h })).document.revision;
    const cases: [string, unknown][] = [
      ['tfa:answers:set', { handle: h, criterion: 'AAL-02', set: { status: 'done' } }],
      ['tfa:answers:set', { handle: h, criterion: 'AAL-02', set: {} }],
      ['tfa:answers:set', { criterion: 'AAL-02', set: { status: 'conformant' } }],
      ['tfa:assessments:open', { handle: '../../etc/passwd' }],
      ['tfa:profile:set', { handle: h, fields: { pack: { id: 'x', version: '1.0.0', hash: 'a'.repeat(64) } } }],
      ['tfa:evidence:add', { handle: h, source: 'x', path: '/etc/passwd' }],
      ['tfa:journal:list', { handle: h, limit: 100000 }],
    ];
    for (const [channel, args] of cases) {
      const reply = await call(a, channel as Channel, args);
      expect(reply.status, channel).toBe(200);
      expect(reply.body, `${channel} ${JSON.stringify(args)}`).toMatchObject({ ok: false, error: { code: 'bad-request', message: expect.stringContaining(`Invalid request for ${channel}`) } });
    }
    const unknown = await call(a, 'tfa:answers:set', { handle: h, criterion: 'XYZ-1', set: { status: 'conformant' } });
    expect(unknown.body).toEqual({ ok: false, error: { code: 'invalid-input', message: 'Change answer.set: criterion "XYZ-1" is not in pack jp-idtf@2.0.0' } });
    expect((await ok(a, 'tfa:assessment:get', { handle: h })).document.revision).toBe(before);
  });

  it('another TF Assessor process opening the same assessment gets a clear locked error; after close it can', async () => {
    const b = await startPreviewProcess();
    const listed = await ok(b, 'tfa:assessments:listRecent');
    expect(listed.map((r) => r.handle)).toEqual([view.handle]);
    const refused = await call(b, 'tfa:assessments:open', { handle: view.handle });
    expect(refused.body).toMatchObject({ ok: false, error: { code: 'conflict' } });
    const message = (refused.body as { error: { message: string } }).error.message;
    expect(message).toMatch(new RegExp(`^This assessment is already open by .* in TF Assessor \\(pid ${a.child.pid} on .*\\)\\. Close it there`));

    expect(await ok(a, 'tfa:assessments:close', { handle: view.handle })).toBeNull();
    expect(existsSync(join(wsDir, 'workspace.lock'))).toBe(false);
    const opened = await ok(b, 'tfa:assessments:open', { handle: view.handle });
    expect(opened.document.revision).toBe(11);
    expect(opened.document.criteria['AAL-02']).toMatchObject({ status: 'conformant' });
    // Stopping the preview saves and unlocks what it has open.
    expect(await stop(b)).toBe(0);
    expect(existsSync(join(wsDir, 'workspace.lock'))).toBe(false);
    expect(JSON.parse(await readFile(join(wsDir, 'assessment.json'), 'utf8')).revision).toBe(11);
  });
});
