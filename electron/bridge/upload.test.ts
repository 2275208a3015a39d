// The bridge's upload route at the HTTP level: the same caller checks as the API, streaming
// to the receiver, and every refusal answered with a typed error (the receiver is a stand-in
// here; test/e2e/assessment-api.test.ts runs the real one).
import { request } from 'node:http';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ApiFailure } from '../../core/api/contract';
import { createHandlers } from '../main/handlers';
import type { UploadRequest } from '../main/services/assessments';
import { UploadTooLargeError } from '../main/services/evidence-intake';
import { startBridge, type Bridge } from './server';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  json: () => unknown;
}

function put(bridge: Bridge, path: string, headers: Record<string, string>, chunks: Buffer[]): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: bridge.port, method: headers[':method'] ?? 'PUT', path, headers: Object.fromEntries(Object.entries(headers).filter(([k]) => !k.startsWith(':'))) }, (res) => {
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

let root: string;
let bridge: Bridge;
let received: { request: Omit<UploadRequest, 'body'>; bytes: Buffer }[] = [];
let behaviour: (r: UploadRequest, bytes: Buffer) => Promise<void> = async () => undefined;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'tfa-upload-test-'));
  await mkdir(join(root, 'renderer'));
  await writeFile(join(root, 'renderer', 'index.html'), '<!doctype html><title>x</title>');
  const handlers = createHandlers({ dataDir: join(root, 'data'), host: 'bridge', version: '1', platform: 'linux', systemLocale: 'en', listPacks: async () => [] });
  bridge = await startBridge({
    handlers,
    rendererDir: join(root, 'renderer'),
    uploads: async (r) => {
      const parts: Buffer[] = [];
      // Read as the real receiver does, as a stream; a refusal may come before the end.
      const reading = (async () => {
        for await (const c of r.body) parts.push(c as Buffer);
      })();
      await behaviour(r, Buffer.concat(parts));
      await reading;
      const bytes = Buffer.concat(parts);
      const { body: _body, ...rest } = r;
      received.push({ request: rest, bytes });
      return { source: 'src_0123456789abcdefghij', name: r.name, size: bytes.length };
    },
  });
});
beforeEach(() => {
  received = [];
  behaviour = async () => undefined;
});
afterAll(async () => {
  await bridge?.close();
  await rm(root, { recursive: true, force: true });
});

const good = () => ({ 'X-TFA-Token': bridge.token, Origin: bridge.origin, 'Content-Type': 'application/octet-stream' });

describe('PUT /upload', () => {
  it('streams the body to the receiver with the assessment handle and the name, and answers with the source', async () => {
    const chunks = [Buffer.from('%PDF-1.7\n'), Buffer.alloc(70_000, 7), Buffer.from('%%EOF\n')];
    const reply = await put(bridge, `/upload?assessment=abc_DEF-123&name=${encodeURIComponent('監査報告書.pdf')}`, { ...good(), 'Content-Length': String(Buffer.concat(chunks).length) }, chunks);
    expect(reply.status).toBe(200);
    expect(reply.headers['content-security-policy']).toBeDefined();
    expect(reply.json()).toEqual({ ok: true, value: { source: 'src_0123456789abcdefghij', name: '監査報告書.pdf', size: 70_015 } });
    expect(received).toHaveLength(1);
    expect(received[0]!.request).toEqual({ assessment: 'abc_DEF-123', name: '監査報告書.pdf', declaredLength: 70_015 });
    expect(received[0]!.bytes.equals(Buffer.concat(chunks))).toBe(true);
  });

  it.each([
    ['no token', { 'X-TFA-Token': '' }],
    ['a wrong token', { 'X-TFA-Token': 'x'.repeat(43) }],
    ['another origin', { Origin: 'http://evil.example' }],
    ['a DNS-rebinding Host', { Host: 'evil.example:80' }],
  ])('refuses %s before reading anything', async (_name, override) => {
    const headers = { ...good(), ...override } as Record<string, string>;
    if (headers['X-TFA-Token'] === '') delete headers['X-TFA-Token'];
    const reply = await put(bridge, '/upload?assessment=abc&name=a.txt', headers, [Buffer.from('secret')]);
    expect(reply.status).toBe(403);
    expect(reply.json()).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(received).toEqual([]);
  });

  it.each([
    ['POST instead of PUT', 'POST', '/upload?assessment=abc&name=a.txt', {}, 405],
    ['a body that is not octet-stream', 'PUT', '/upload?assessment=abc&name=a.txt', { 'Content-Type': 'text/plain' }, 400],
    ['no assessment', 'PUT', '/upload?name=a.txt', {}, 400],
    ['a path as the assessment', 'PUT', '/upload?assessment=../../etc&name=a.txt', {}, 400],
    ['no name', 'PUT', '/upload?assessment=abc', {}, 400],
    ['a 1001-character name', 'PUT', `/upload?assessment=abc&name=${'n'.repeat(1001)}`, {}, 400],
  ])('%s is refused', async (_label, method, path, override, status) => {
    const reply = await put(bridge, path, { ...good(), ...override, ':method': method } as Record<string, string>, [Buffer.from('x')]);
    expect(reply.status).toBe(status);
    expect(reply.json()).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(received).toEqual([]);
  });

  it('a file over the limit is answered 413 and the connection closed', async () => {
    behaviour = async () => {
      throw new UploadTooLargeError(10);
    };
    const reply = await put(bridge, '/upload?assessment=abc&name=big.bin', good(), [Buffer.alloc(64 * 1024), Buffer.alloc(64 * 1024)]);
    expect(reply.status).toBe(413);
    expect(reply.headers.connection).toBe('close');
    expect(reply.json()).toMatchObject({ ok: false, error: { code: 'bad-request', message: expect.stringMatching(/larger than/) } });
  });

  it('typed refusals keep their code: an assessment that is not open is 409 conflict, a full disk 507', async () => {
    behaviour = async () => {
      throw new ApiFailure('conflict', 'This assessment is not open: open it first.');
    };
    const reply = await put(bridge, '/upload?assessment=abc&name=a.txt', good(), [Buffer.from('x')]);
    expect([reply.status, reply.json()]).toEqual([409, { ok: false, error: { code: 'conflict', message: 'This assessment is not open: open it first.' } }]);
    behaviour = async () => {
      throw new ApiFailure('disk-full', 'Disk full.');
    };
    expect((await put(bridge, '/upload?assessment=abc&name=a.txt', good(), [Buffer.from('x')])).status).toBe(507);
  });

  it('a bridge without a receiver has no upload route', async () => {
    const handlers = createHandlers({ dataDir: join(root, 'data2'), host: 'bridge', version: '1', platform: 'linux', systemLocale: 'en', listPacks: async () => [] });
    const plain = await startBridge({ handlers, rendererDir: join(root, 'renderer') });
    try {
      const reply = await put(plain, '/upload?assessment=abc&name=a.txt', { 'X-TFA-Token': plain.token, Origin: plain.origin, 'Content-Type': 'application/octet-stream' }, [Buffer.from('x')]);
      expect(reply.status).toBe(404);
    } finally {
      await plain.close();
    }
  });
});
