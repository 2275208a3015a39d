// The preview's package upload (`PUT /upload?purpose=package`) with the real review service:
// the same caller checks as the API, streamed to `<dataDir>/reviews/.incoming/`, the size
// limit counted as bytes arrive, and the source imported through the API like a dialog pick.
import { request } from 'node:http';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { exportAssessment } from '../../core/node/export';
import { makeDemo, makeIdentity, PACK_ROOTS } from '../../test/fixtures/export/tools';
import { createHandlers } from '../main/handlers';
import { reviewServiceFor } from '../main/handlers-intake';
import { createReviewService } from '../main/services/reviews';
import { createTrustStore } from '../main/services/trust-store';
import { startBridge, type Bridge } from './server';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  json: () => { ok: boolean; value?: unknown; error?: { code: string; message: string } };
}

function send(bridge: Bridge, method: string, path: string, headers: Record<string, string>, chunks: Buffer[]): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: bridge.port, method, path, headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => {
        const text = Buffer.concat(parts).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, json: () => JSON.parse(text) });
      });
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE' && err.code !== 'ECONNRESET') reject(err);
    });
    for (const c of chunks) req.write(c);
    req.end();
  });
}

const tmp = mkdtempSync(join(tmpdir(), 'tfa-upload-package-'));
const dataDir = join(tmp, 'data');
const incoming = join(dataDir, 'reviews', '.incoming');
let bridge: Bridge;
let small: Bridge;
let packageBytes: Buffer;
let packageSha: string;

const upload = (b: Bridge) => ({ 'X-TFA-Token': b.token, Origin: b.origin, 'Content-Type': 'application/octet-stream' });
const api = (b: Bridge, channel: string, args: unknown) =>
  send(b, 'POST', `/api/${channel}`, { 'X-TFA-Token': b.token, Origin: b.origin, 'Content-Type': 'application/json' }, [Buffer.from(JSON.stringify({ args }))]);
const pending = () => readdirSync(incoming).filter((n) => n.endsWith('.tmp'));

beforeAll(async () => {
  await mkdir(join(tmp, 'renderer'));
  await writeFile(join(tmp, 'renderer', 'index.html'), '<!doctype html><title>x</title>');
  await makeDemo(join(tmp, 'ws'));
  const who = await makeIdentity(tmp, 'trusted');
  const exported = await exportAssessment(join(tmp, 'ws'), { outDir: join(tmp, 'out'), lang: 'ja', identity: who.identity, packRoots: PACK_ROOTS });
  packageBytes = readFileSync(exported.package.path);
  packageSha = exported.package.sha256;

  const deps = { dataDir, host: 'bridge' as const, version: '1', platform: 'linux', systemLocale: 'en', listPacks: async () => [], packRoots: PACK_ROOTS };
  const reviews = reviewServiceFor(deps);
  await reviews.trust.add(readFileSync(who.caPem, 'utf8'));
  bridge = await startBridge({ handlers: createHandlers({ ...deps, reviews }), rendererDir: join(tmp, 'renderer'), packageUploads: (r) => reviews.receiveUpload(r) });
  // A second bridge whose packages may hold at most 1,000 bytes.
  const smallDir = join(tmp, 'small');
  const tiny = createReviewService({ dataDir: smallDir, packRoots: PACK_ROOTS, trust: createTrustStore({ dataDir: smallDir }), maxPackageBytes: 1000 });
  small = await startBridge({ handlers: createHandlers({ ...deps, dataDir: smallDir, reviews: tiny }), rendererDir: join(tmp, 'renderer'), packageUploads: (r) => tiny.receiveUpload(r) });
}, 120_000);
afterAll(async () => {
  await bridge?.close();
  await small?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('PUT /upload?purpose=package', () => {
  it('streams a package into .incoming/, and tfa:reviews:import makes it a verified review (moved, not copied)', async () => {
    const chunks = [packageBytes.subarray(0, 70_000), packageBytes.subarray(70_000)];
    const reply = await send(bridge, 'PUT', `/upload?purpose=package&name=${encodeURIComponent('申請/2026年度.tfpkg')}`, { ...upload(bridge), 'Content-Length': String(packageBytes.length) }, chunks);
    expect(reply.status).toBe(200);
    const source = reply.json().value as { source: string; name: string; size: number };
    // The name is display text: the folder part the client sent is dropped.
    expect(source).toEqual({ source: expect.stringMatching(/^[A-Za-z0-9_-]{24}$/), name: '2026年度.tfpkg', size: packageBytes.length });
    expect(pending()).toHaveLength(1);

    const imported = await api(bridge, 'tfa:reviews:import', { source: source.source });
    expect(imported.json()).toMatchObject({ ok: true, value: { ok: true, fileName: '2026年度.tfpkg', sha256: packageSha, size: packageBytes.length } });
    expect(pending()).toEqual([]);
    // Single use.
    expect((await api(bridge, 'tfa:reviews:import', { source: source.source })).json()).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });

  it('a file that is not a package is imported as an invalid review: zip-structure failed, nothing read from it', async () => {
    const reply = await send(bridge, 'PUT', '/upload?purpose=package&name=notes.tfpkg', upload(bridge), [Buffer.from('PK\u0003\u0004 this is not a real archive')]);
    const { source } = reply.json().value as { source: string };
    const summary = (await api(bridge, 'tfa:reviews:import', { source })).json().value as { review: string; ok: boolean };
    expect(summary.ok).toBe(false);
    const view = (await api(bridge, 'tfa:reviews:get', { review: summary.review })).json().value as {
      report: { checks: { id: string; status: string }[] };
      document: unknown;
      documentProblem: string;
      pack: unknown;
      score: unknown;
    };
    expect(view.report.checks.find((c) => c.id === 'zip-structure')!.status).toBe('failed');
    expect(view).toMatchObject({ document: null, pack: null, score: null, documentProblem: expect.stringMatching(/no usable manifest/) });
  });

  it.each([
    ['no token', { 'X-TFA-Token': '' }],
    ['another origin', { Origin: 'http://evil.example' }],
    ['a DNS-rebinding Host', { Host: 'evil.example:80' }],
  ])('refuses %s before writing anything', async (_label, override) => {
    const headers = { ...upload(bridge), ...override } as Record<string, string>;
    if (headers['X-TFA-Token'] === '') delete headers['X-TFA-Token'];
    const reply = await send(bridge, 'PUT', '/upload?purpose=package&name=a.tfpkg', headers, [packageBytes.subarray(0, 1000)]);
    expect(reply.status).toBe(403);
    expect(pending()).toEqual([]);
  });

  it.each([
    ['an assessment handle with a package', '/upload?purpose=package&assessment=abc&name=a.tfpkg', 400],
    ['an unknown purpose', '/upload?purpose=settings&name=a.tfpkg', 400],
    ['no name', '/upload?purpose=package', 400],
    ['evidence on a bridge that only takes packages', '/upload?assessment=abc&name=a.txt', 404],
  ])('%s is refused', async (_label, path, status) => {
    const reply = await send(bridge, 'PUT', path, upload(bridge), [Buffer.from('x')]);
    expect(reply.status).toBe(status);
    expect(reply.json().ok).toBe(false);
    expect(pending()).toEqual([]);
  });

  it('an upload cut off midway leaves no temp file and no source', async () => {
    const { connect } = await import('node:net');
    const socket = connect(bridge.port, '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    const head = [
      `PUT /upload?purpose=package&name=cut.tfpkg HTTP/1.1`,
      `Host: 127.0.0.1:${bridge.port}`,
      `Origin: ${bridge.origin}`,
      `X-TFA-Token: ${bridge.token}`,
      'Content-Type: application/octet-stream',
      'Content-Length: 100000',
      '',
      '',
    ].join('\r\n');
    socket.write(head);
    socket.write(packageBytes.subarray(0, 20_000));
    // The upload is being written...
    await vi.waitFor(() => expect(pending()).toHaveLength(1));
    socket.destroy();
    // ...and removed once the connection drops.
    await vi.waitFor(() => expect(pending()).toEqual([]));
  });

  it('over the package size limit: refused from Content-Length before reading, or counted as it arrives; no temp file is left', async () => {
    const declared = await send(small, 'PUT', '/upload?purpose=package&name=big.tfpkg', { ...upload(small), 'Content-Length': '1001' }, [Buffer.alloc(1001)]);
    expect(declared.status).toBe(413);
    expect(declared.json().error?.message).toBe('The file is larger than 1000 bytes, more than a submission package can hold: it is not a package TF Assessor can verify.');
    // Chunked: no length to trust, the bytes are counted.
    const counted = await send(small, 'PUT', '/upload?purpose=package&name=big.tfpkg', { ...upload(small), 'Transfer-Encoding': 'chunked' }, [Buffer.alloc(600), Buffer.alloc(600)]);
    expect(counted.status).toBe(413);
    expect(readdirSync(join(tmp, 'small', 'reviews', '.incoming'))).toEqual([]);
  });
});
