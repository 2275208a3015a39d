import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHandlers } from '../main/handlers';
import { CONTENT_SECURITY_POLICY as RENDERER_CSP } from '../main/security/csp';
import { MAX_BODY_BYTES, resolveStatic, startBridge, type Bridge } from './server';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: () => unknown;
}

/** A raw HTTP request, so tests can send the headers a browser would not let a page forge. */
function send(
  bridge: Bridge,
  options: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer; chunks?: Buffer[] },
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: bridge.port, method: options.method ?? 'GET', path: options.path, headers: options.headers },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () => {
          const text = Buffer.concat(parts).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) });
        });
      },
    );
    // The server may answer and close before an oversized body is fully written.
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE' && err.code !== 'ECONNRESET') reject(err);
    });
    if (options.chunks) {
      for (const c of options.chunks) req.write(c);
      req.end();
    } else req.end(options.body);
  });
}

function api(bridge: Bridge, channel: string, body: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  return send(bridge, {
    method: 'POST',
    path: `/api/${channel}`,
    headers: { 'Content-Type': 'application/json', 'X-TFA-Token': bridge.token, Origin: bridge.origin, ...headers },
    body: JSON.stringify(body),
  });
}

let root: string;
let rendererDir: string;
let dataDir: string;
let bridge: Bridge;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'tfa-bridge-test-'));
  rendererDir = join(root, 'renderer');
  dataDir = join(root, 'data');
  await mkdir(join(rendererDir, 'assets'), { recursive: true });
  await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>TF Assessor</title>');
  await writeFile(join(rendererDir, 'assets', 'app.js'), 'console.log("app");');
  // Files next to the renderer that must never be served: a secret beside it, a folder
  // whose name merely starts with the renderer's, and a symlink pointing out.
  await writeFile(join(root, 'secret.txt'), 'top secret');
  await mkdir(join(root, 'renderer-evil'));
  await writeFile(join(root, 'renderer-evil', 'x.txt'), 'evil');
  await symlink(join(root, 'secret.txt'), join(rendererDir, 'assets', 'link.txt'));
  const handlers = createHandlers({
    dataDir,
    host: 'bridge',
    version: '9.9.9',
    platform: 'linux',
    systemLocale: 'ja-JP',
    listPacks: async () => [],
  });
  bridge = await startBridge({ handlers, rendererDir });
});

afterAll(async () => {
  await bridge?.close();
  await rm(root, { recursive: true, force: true });
});

describe('startBridge', () => {
  it('listens on 127.0.0.1 only, with a fresh 32-byte token', async () => {
    expect(bridge.origin).toBe(`http://127.0.0.1:${bridge.port}`);
    expect(bridge.url).toBe(`${bridge.origin}/#token=${bridge.token}`);
    expect(Buffer.from(bridge.token, 'base64url')).toHaveLength(32);
    const handlers = createHandlers({ dataDir, host: 'bridge', version: '1', platform: 'linux', systemLocale: 'en', listPacks: async () => [] });
    const other = await startBridge({ handlers, rendererDir });
    try {
      expect(other.token).not.toBe(bridge.token);
    } finally {
      await other.close();
    }
  });

  it.each(['0.0.0.0', '::', 'localhost', '::1', '192.168.1.10', '127.0.0.2'])('refuses to start on %s', async (host) => {
    const handlers = createHandlers({ dataDir, host: 'bridge', version: '1', platform: 'linux', systemLocale: 'en', listPacks: async () => [] });
    await expect(startBridge({ handlers, rendererDir, host })).rejects.toThrow(/127\.0\.0\.1 only/);
  });

  it('refuses to start without a built renderer, saying what to run', async () => {
    const handlers = createHandlers({ dataDir, host: 'bridge', version: '1', platform: 'linux', systemLocale: 'en', listPacks: async () => [] });
    await expect(startBridge({ handlers, rendererDir: join(root, 'missing') })).rejects.toThrow(/npm run build/);
  });
});

describe('API calls', () => {
  it('runs a channel and returns its ApiResult', async () => {
    const reply = await api(bridge, 'tfa:app:info', {});
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(reply.json()).toEqual({
      ok: true,
      value: { name: 'TF Assessor', version: '9.9.9', platform: 'linux', systemLanguage: 'ja', host: 'bridge' },
    });
  });

  it('passes arguments through to the real handler, which writes the settings file', async () => {
    const reply = await api(bridge, 'tfa:settings:set', { args: { language: 'en' } });
    expect(reply.json()).toEqual({ ok: true, value: { language: 'en' } });
    expect(JSON.parse(await readFile(join(dataDir, 'settings.json'), 'utf8'))).toEqual({ language: 'en' });
  });

  it('accepts a call without an Origin header (not a browser page)', async () => {
    const reply = await send(bridge, {
      method: 'POST',
      path: '/api/tfa:settings:get',
      headers: { 'Content-Type': 'application/json', 'X-TFA-Token': bridge.token },
      body: '{}',
    });
    expect(reply.status).toBe(200);
  });

  it('reports invalid arguments as a bad-request result', async () => {
    const reply = await api(bridge, 'tfa:settings:set', { args: { language: 'fr' } });
    expect(reply.status).toBe(200);
    expect(reply.json()).toMatchObject({ ok: false, error: { code: 'bad-request' } });
  });

  it('accepts a percent-encoded channel name', async () => {
    const reply = await api(bridge, encodeURIComponent('tfa:app:info'), {});
    expect(reply.json()).toMatchObject({ ok: true });
  });
});

describe('refusals', () => {
  const forbidden = { ok: false, error: { code: 'forbidden' } };

  it('403 without a token', async () => {
    const reply = await send(bridge, {
      method: 'POST',
      path: '/api/tfa:app:info',
      headers: { 'Content-Type': 'application/json', Origin: bridge.origin },
      body: '{}',
    });
    expect(reply.status).toBe(403);
    expect(reply.json()).toMatchObject(forbidden);
  });

  it.each([
    ['a wrong token of the same length', () => 'A'.repeat(bridge.token.length)],
    ['a truncated token', () => bridge.token.slice(0, -1)],
    ['the token plus a character', () => `${bridge.token}x`],
    ['an empty token', () => ''],
  ])('403 with %s', async (_name, token) => {
    const reply = await api(bridge, 'tfa:app:info', {}, { 'X-TFA-Token': token() });
    expect(reply.status).toBe(403);
    expect(reply.json()).toMatchObject(forbidden);
  });

  it.each([
    ['another site', 'https://evil.example'],
    ['another port on loopback', 'http://127.0.0.1:1'],
    ['localhost instead of 127.0.0.1', () => `http://localhost:${bridge.port}`],
    ['an opaque origin', 'null'],
    ['the origin with a trailing slash', () => `${bridge.origin}/`],
  ])('403 for an Origin of %s', async (_name, origin) => {
    const value = typeof origin === 'function' ? origin() : origin;
    const reply = await api(bridge, 'tfa:app:info', {}, { Origin: value });
    expect(reply.status).toBe(403);
    expect(reply.json()).toMatchObject(forbidden);
  });

  it.each([
    ['a rebinding host name', (b: Bridge) => `evil.example:${b.port}`],
    ['localhost', (b: Bridge) => `localhost:${b.port}`],
    ['the wrong port', () => '127.0.0.1:1'],
    ['no port', () => '127.0.0.1'],
  ])('403 for a Host header of %s, on the API and on static files', async (_name, host) => {
    const value = host(bridge);
    const apiReply = await api(bridge, 'tfa:app:info', {}, { Host: value });
    expect(apiReply.status).toBe(403);
    const page = await send(bridge, { path: '/', headers: { Host: value } });
    expect(page.status).toBe(403);
    expect(page.text).not.toContain('TF Assessor');
  });

  it.each(['tfa:nope:list', 'constructor', '__proto__', 'tfa:app:info/extra', '%E0%A4%A'])('404 for the unknown channel %s', async (channel) => {
    const reply = await api(bridge, channel, {});
    expect(reply.status).toBe(404);
    expect(reply.json()).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });

  it.each(['GET', 'PUT', 'DELETE'])('405 for %s on the API', async (method) => {
    const reply = await send(bridge, { method, path: '/api/tfa:app:info', headers: { 'X-TFA-Token': bridge.token } });
    expect(reply.status).toBe(405);
    expect(reply.headers.allow).toBe('POST');
  });

  it('405 for POST on a static file', async () => {
    const reply = await send(bridge, { method: 'POST', path: '/index.html', body: '' });
    expect(reply.status).toBe(405);
  });

  it('413 for a body over 1 MiB announced by Content-Length', async () => {
    const reply = await api(bridge, 'tfa:app:info', { args: undefined, pad: 'x'.repeat(MAX_BODY_BYTES) });
    expect(reply.status).toBe(413);
  });

  it('413 for a chunked body that grows past 1 MiB', async () => {
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const reply = await send(bridge, {
      method: 'POST',
      path: '/api/tfa:app:info',
      headers: { 'Content-Type': 'application/json', 'X-TFA-Token': bridge.token, 'Transfer-Encoding': 'chunked' },
      chunks: Array.from({ length: 20 }, () => chunk),
    });
    expect(reply.status).toBe(413);
  });

  it.each([
    ['a body that is not JSON', 'application/json', '{"args":'],
    ['a JSON array', 'application/json', '[]'],
    ['a JSON string', 'application/json', '"args"'],
    ['a non-JSON content type', 'text/plain', '{}'],
    ['a form post', 'application/x-www-form-urlencoded', 'args=1'],
  ])('400 for %s', async (_name, contentType, body) => {
    const reply = await send(bridge, {
      method: 'POST',
      path: '/api/tfa:app:info',
      headers: { 'Content-Type': contentType, 'X-TFA-Token': bridge.token, Origin: bridge.origin },
      body,
    });
    expect(reply.status).toBe(400);
    expect(reply.json()).toMatchObject({ ok: false, error: { code: 'bad-request' } });
  });
});

describe('static files', () => {
  it('serves index.html at / with the CSP and hardening headers', async () => {
    const reply = await send(bridge, { path: '/' });
    expect(reply.status).toBe(200);
    expect(reply.text).toContain('<title>TF Assessor</title>');
    expect(reply.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(reply.headers['content-security-policy']).toBe(RENDERER_CSP);
    expect(reply.headers['x-content-type-options']).toBe('nosniff');
    expect(reply.headers['referrer-policy']).toBe('no-referrer');
  });

  it('serves assets with their content type', async () => {
    const reply = await send(bridge, { path: '/assets/app.js?v=1' });
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(reply.headers['content-security-policy']).toBe(RENDERER_CSP);
  });

  it.each([
    '/../secret.txt',
    '/%2e%2e/secret.txt',
    '/assets/..%2f..%2fsecret.txt',
    '/assets/%2e%2e%5c%2e%2e%5csecret.txt',
    '/..%2frenderer-evil/x.txt',
    '/assets/link.txt',
    '/index.html%00.js',
    '/assets',
    '/missing.js',
  ])('404 for %s', async (path) => {
    const reply = await send(bridge, { path });
    expect(reply.status).toBe(404);
    expect(reply.text).not.toContain('secret');
    expect(reply.text).not.toContain('evil');
  });

  it('resolveStatic keeps every path inside the root', async () => {
    const { realpath } = await import('node:fs/promises');
    const real = await realpath(rendererDir);
    expect(await resolveStatic(real, '/')).toBe(join(real, 'index.html'));
    expect(await resolveStatic(real, '/assets/app.js')).toBe(join(real, 'assets', 'app.js'));
    expect(await resolveStatic(real, '/../renderer-evil/x.txt')).toBeNull();
    expect(await resolveStatic(real, '/assets/link.txt')).toBeNull();
    expect(await resolveStatic(real, '/%zz')).toBeNull();
  });
});
