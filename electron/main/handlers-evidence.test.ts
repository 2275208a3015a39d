// tfa:evidence:preview on real assessments in temp folders, with real files collected through
// the evidence intake and the answers checked against the contract as dispatch checks them.
import { createHash } from 'node:crypto';
import { chmod, mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ArgsOf } from '../../core/api/contract';
import { TEXT_PREVIEW_BYTES } from '../../core/api/contract-evidence';
import { dispatch } from './dispatch';
import { createHandlers, type Handlers } from './handlers';
import { createAssessmentService, type AssessmentService } from './services/assessments';
import { createPackLister, createPackLoader } from './services/packs';

const BUILTIN = join(process.cwd(), 'criteria');
// A real 1×1 PNG.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==', 'base64');

let root: string;
let service: AssessmentService;
let picked: string[] = [];

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'tfa-preview-'));
  service = createAssessmentService({
    dataDir: join(root, 'data'),
    actor: 'Sato Hanako',
    loadPack: createPackLoader({ builtinDir: BUILTIN, userDir: join(root, 'data', 'packs') }),
    pickFiles: async () => picked,
    workspace: { snapshotDelayMs: 10, retryDelayMs: 20 },
  });
});
afterEach(async () => {
  await service.closeAll().catch(() => undefined);
  await rm(root, { recursive: true, force: true });
});

function handlers(limit?: number): Handlers {
  return createHandlers({
    dataDir: join(root, 'data'),
    host: 'bridge',
    version: '0.0.0',
    platform: 'linux',
    systemLocale: 'ja-JP',
    listPacks: createPackLister({ builtinDir: BUILTIN, userDir: join(root, 'data', 'packs') }),
    assessments: service,
    ...(limit !== undefined && { evidencePreviewLimit: limit }),
  });
}

async function newAssessment(): Promise<string> {
  const view = await service.create({
    organization: { legalName: '株式会社サンプルID', identifiers: [{ scheme: 'jp-corporate-number', value: '1180301018771' }] },
    service: { name: 'サンプルID ログイン', description: 'OpenID Connect provider' },
    pack: { id: 'jp-idtf', version: '2.0.0' },
    type: 'third-party',
    roles: ['IdP'],
    capabilities: ['password', 'otp-token'],
    targets: { IAL: 'IAL2', AAL: 'AAL2' },
  } satisfies ArgsOf<'tfa:assessments:create'>);
  return view.handle;
}

/** Writes a file on disk and collects it as evidence; its SHA-256 and stored path. */
async function collect(handle: string, name: string, bytes: Uint8Array): Promise<{ hash: string; blob: string }> {
  const file = join(root, name);
  await writeFile(file, bytes);
  picked = [file];
  const [source] = await service.pickEvidence(handle);
  const added = await service.addEvidence({ handle, source: source!.source });
  const hash = added.added.hash;
  expect(hash).toBe(createHash('sha256').update(bytes).digest('hex'));
  // New assessments live in <dataDir>/assessments/<assessment id>/.
  return { hash, blob: join(root, 'data', 'assessments', added.document.id, 'evidence', hash) };
}

async function preview(h: Handlers, handle: string, hash: string) {
  return dispatch(h, 'tfa:evidence:preview', { handle, hash });
}

async function multiPagePdf(pages: number): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let i = 1; i <= pages; i++) doc.addPage().drawText(`Page ${i}`, { x: 50, y: 700, size: 24, font });
  return doc.save();
}

describe('tfa:evidence:preview', () => {
  it('sends the bytes of a PNG stored under a .pdf name, as the image its bytes say it is', async () => {
    const handle = await newAssessment();
    const { hash } = await collect(handle, 'report.pdf', PNG);
    const r = await preview(handlers(), handle, hash);
    expect(r).toEqual({
      ok: true,
      value: { hash, kind: 'image', mediaType: 'image/png', size: PNG.length, data: PNG.toString('base64'), truncated: false, pixels: { width: 1, height: 1 }, limit: 25 * 1024 * 1024, reason: null },
    });
  });

  it('sends a multi-page PDF whole, and still previews after the assessment is closed and reopened', async () => {
    const handle = await newAssessment();
    const pdf = await multiPagePdf(3);
    const { hash } = await collect(handle, 'ポリシー.pdf', pdf);
    await service.close(handle);
    await service.open(handle);
    const r = await preview(handlers(), handle, hash);
    expect(r.ok && r.value).toMatchObject({ kind: 'pdf', mediaType: 'application/pdf', size: pdf.length, reason: null });
    expect(r.ok && Buffer.from((r.value as { data: string }).data, 'base64').equals(Buffer.from(pdf))).toBe(true);
  });

  it('sends the first 256 KiB of a long text file, cut between characters', async () => {
    const handle = await newAssessment();
    // 3-byte characters after one ASCII byte: the limit falls inside a character.
    const text = Buffer.from('#' + '認証'.repeat(50_000));
    const { hash } = await collect(handle, 'log.txt', text);
    const r = await preview(handlers(), handle, hash);
    if (!r.ok) throw new Error(r.error.message);
    const v = r.value as { data: string; truncated: boolean; kind: string };
    const sent = Buffer.from(v.data, 'base64');
    expect(v).toMatchObject({ kind: 'text', truncated: true });
    expect(sent.length).toBeLessThanOrEqual(TEXT_PREVIEW_BYTES);
    expect(sent.length).toBeGreaterThan(TEXT_PREVIEW_BYTES - 3);
    expect(new TextDecoder('utf-8', { fatal: true }).decode(sent)).toBe(text.subarray(0, sent.length).toString('utf8'));
  });

  it('does not send an image whose header declares more pixels than the app decodes', async () => {
    const handle = await newAssessment();
    // A valid PNG header for 30000 × 30000 pixels (3.6 GB once decoded) in a 70-byte file.
    const bomb = Buffer.from(PNG);
    bomb.writeUInt32BE(30_000, 16);
    bomb.writeUInt32BE(30_000, 20);
    const { hash } = await collect(handle, 'huge.png', bomb);
    const r = await preview(handlers(), handle, hash);
    expect(r.ok && r.value).toMatchObject({ kind: 'image', data: null, reason: 'too-many-pixels', pixels: { width: 30_000, height: 30_000 } });
  });

  it('sends nothing for an SVG, naming it unsupported', async () => {
    const handle = await newAssessment();
    const { hash } = await collect(handle, 'diagram.svg', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'));
    const r = await preview(handlers(), handle, hash);
    expect(r.ok && r.value).toMatchObject({ kind: 'none', mediaType: 'image/svg+xml', data: null, reason: 'unsupported' });
  });

  it('refuses the bytes of a stored file that no longer hashes to its name', async () => {
    const handle = await newAssessment();
    const { hash, blob } = await collect(handle, 'screenshot.png', PNG);
    await chmod(blob, 0o644);
    const altered = Buffer.from(PNG);
    altered[altered.length - 5] = altered[altered.length - 5]! ^ 0xff;
    await writeFile(blob, altered);
    const r = await preview(handlers(), handle, hash);
    expect(r.ok && r.value).toMatchObject({ kind: 'image', size: PNG.length, data: null, reason: 'modified' });
  });

  it('says the file is missing when its blob was deleted', async () => {
    const handle = await newAssessment();
    const { hash, blob } = await collect(handle, 'screenshot.png', PNG);
    await unlink(blob);
    const r = await preview(handlers(), handle, hash);
    expect(r.ok && r.value).toMatchObject({ kind: 'none', size: 0, data: null, reason: 'missing' });
  });

  it('does not send a file over the limit, but says what it is', async () => {
    const handle = await newAssessment();
    const pdf = await multiPagePdf(2);
    const { hash } = await collect(handle, 'big.pdf', pdf);
    const r = await preview(handlers(pdf.length - 1), handle, hash);
    expect(r.ok && r.value).toMatchObject({ kind: 'pdf', size: pdf.length, data: null, limit: pdf.length - 1, reason: 'too-large' });
    const exact = await preview(handlers(pdf.length), handle, hash);
    expect(exact.ok && exact.value).toMatchObject({ reason: null });
  });

  it('answers not-found for evidence the assessment does not hold, conflict when it is not open, bad-request for a malformed hash', async () => {
    const handle = await newAssessment();
    const h = handlers();
    const unknown = createHash('sha256').update('nothing').digest('hex');
    expect(await preview(h, handle, unknown)).toMatchObject({ ok: false, error: { code: 'not-found' } });
    await service.close(handle);
    expect(await preview(h, handle, unknown)).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(await preview(h, handle, '../../etc/passwd')).toMatchObject({ ok: false, error: { code: 'bad-request' } });
  });
});
