import { mkdtemp, mkdir, writeFile, symlink, rm, realpath } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CONTENT_SECURITY_POLICY } from './security/csp';

const electron = vi.hoisted(() => ({
  protocol: { registerSchemesAsPrivileged: vi.fn(), handle: vi.fn() },
}));
vi.mock('electron', () => electron);

const { APP_SCHEME_PRIVILEGES, appResponse, contentTypeFor, isInside, registerAppScheme, resolveAppRequest, serveAppProtocol } = await import('./protocol');

// Layout on disk (real files, real symlinks):
//   <tmp>/secret.txt                      outside the app folder
//   <tmp>/renderer-evil/x.js              sibling whose name starts like the root
//   <tmp>/outside/other.js
//   <tmp>/renderer/index.html
//   <tmp>/renderer/assets/app.js, app.css, logo.svg, font.woff2, data.json, blob.bin
//   <tmp>/renderer/assets/alias.js  ->  app.js                 (inside: allowed)
//   <tmp>/renderer/leak.txt         ->  ../secret.txt           (outside: refused)
//   <tmp>/renderer/linkdir          ->  ../outside              (outside: refused)
//   <tmp>/renderer-link             ->  renderer                (root given via a symlink)
let tmp: string;
let root: string;

beforeAll(async () => {
  tmp = await realpath(await mkdtemp(path.join(tmpdir(), 'tfa-protocol-')));
  root = path.join(tmp, 'renderer');
  await mkdir(path.join(root, 'assets'), { recursive: true });
  await mkdir(path.join(tmp, 'renderer-evil'));
  await mkdir(path.join(tmp, 'outside'));
  await writeFile(path.join(tmp, 'secret.txt'), 'TOP SECRET');
  await writeFile(path.join(tmp, 'renderer-evil', 'x.js'), 'evil()');
  await writeFile(path.join(tmp, 'outside', 'other.js'), 'outside()');
  await writeFile(path.join(root, 'index.html'), '<!doctype html><title>TF Assessor</title>');
  await writeFile(path.join(root, 'assets', 'app.js'), 'console.log(1)');
  await writeFile(path.join(root, 'assets', 'app.css'), 'body{}');
  await writeFile(path.join(root, 'assets', 'logo.svg'), '<svg/>');
  await writeFile(path.join(root, 'assets', 'font.woff2'), 'w2');
  await writeFile(path.join(root, 'assets', 'data.json'), '{}');
  await writeFile(path.join(root, 'assets', 'blob.bin'), 'bin');
  await writeFile(path.join(root, 'assets', 'name with space.js'), 'spaced()');
  await symlink('app.js', path.join(root, 'assets', 'alias.js'));
  await symlink(path.join('..', 'secret.txt'), path.join(root, 'leak.txt'));
  await symlink(path.join('..', 'outside'), path.join(root, 'linkdir'));
  await symlink('renderer', path.join(tmp, 'renderer-link'));
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function servedPath(url: string, rootDir = root): Promise<string | number> {
  const r = await resolveAppRequest(rootDir, url);
  return r.status === 200 ? path.relative(root, r.filePath) : r.status;
}

describe('registerAppScheme', () => {
  it('registers app:// as standard, secure and fetch-capable — and nothing more', () => {
    registerAppScheme();
    expect(electron.protocol.registerSchemesAsPrivileged).toHaveBeenCalledExactlyOnceWith([
      { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } },
    ]);
    expect(APP_SCHEME_PRIVILEGES).not.toHaveProperty('bypassCSP');
    expect(APP_SCHEME_PRIVILEGES).not.toHaveProperty('corsEnabled');
    expect(APP_SCHEME_PRIVILEGES).not.toHaveProperty('allowServiceWorkers');
  });

  it('serveAppProtocol handles the app scheme with the resolver', async () => {
    serveAppProtocol(root);
    const [scheme, handler] = electron.protocol.handle.mock.calls[0]! as [string, (r: Request) => Promise<Response>];
    expect(scheme).toBe('app');
    const res = await handler(new Request('app://tf-assessor/assets/app.js'));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('console.log(1)');
  });
});

describe('resolveAppRequest: files inside out/renderer', () => {
  it.each([
    ['app://tf-assessor/', 'index.html'],
    ['app://tf-assessor', 'index.html'],
    ['app://tf-assessor/index.html', 'index.html'],
    ['app://tf-assessor/assets/app.js', path.join('assets', 'app.js')],
    ['app://tf-assessor/assets/app.js?v=3#x', path.join('assets', 'app.js')],
    ['app://tf-assessor/assets/name%20with%20space.js', path.join('assets', 'name with space.js')],
    ['app://tf-assessor/assets/alias.js', path.join('assets', 'app.js')],
  ])('%s → %s', async (url, expected) => {
    expect(await servedPath(url)).toBe(expected);
  });

  it('works when the root folder itself is reached through a symlink', async () => {
    expect(await servedPath('app://tf-assessor/assets/app.js', path.join(tmp, 'renderer-link'))).toBe(path.join('assets', 'app.js'));
  });

  it('falls back to index.html for extension-less client routes, not for missing files', async () => {
    expect(await servedPath('app://tf-assessor/assessments/42')).toBe('index.html');
    expect(await servedPath('app://tf-assessor/settings/')).toBe('index.html');
    expect(await servedPath('app://tf-assessor/assets')).toBe('index.html');
    expect(await servedPath('app://tf-assessor/assets/missing.js')).toBe(404);
    expect(await servedPath('app://tf-assessor/favicon.ico')).toBe(404);
  });

  it('answers 404 when the renderer has not been built', async () => {
    expect(await servedPath('app://tf-assessor/', path.join(tmp, 'nope'))).toBe(404);
  });
});

describe('resolveAppRequest: traversal and foreign URLs are refused', () => {
  it.each([
    'app://tf-assessor/../secret.txt',
    'app://tf-assessor/assets/../../secret.txt',
    'app://tf-assessor/./index.html',
    'app://tf-assessor/..',
    'app://tf-assessor/%2e%2e/secret.txt',
    'app://tf-assessor/%2E%2E/secret.txt',
    'app://tf-assessor/.%2e/secret.txt',
    'app://tf-assessor/%2e%2e%2fsecret.txt',
    'app://tf-assessor/..%2fsecret.txt',
    'app://tf-assessor/..%5csecret.txt',
    'app://tf-assessor/assets%2fapp.js',
    'app://tf-assessor/index%2ehtml',
    'app://tf-assessor/..\\secret.txt',
    'app://tf-assessor/assets\\app.js',
    'app://tf-assessor/index.html%00.js',
    'app://tf-assessor/index.html\0',
    'app://tf-assessor//etc/passwd',
    'app://tf-assessor/C:/Windows/win.ini',
    'app://tf-assessor/%E0%A4%A',
    'app://tf-assessor/../renderer-evil/x.js',
  ])('%s', async (url) => {
    const r = await resolveAppRequest(root, url);
    expect(r.status).not.toBe(200);
    expect([400, 403]).toContain(r.status);
  });

  it.each([
    'app://tf-assessor.evil/index.html',
    'app://evil/index.html',
    'app://tf-assessor:8080/index.html',
    'app://user@tf-assessor/index.html',
    'app://TF-ASSESSOR/index.html',
    'file:///etc/passwd',
    'https://tf-assessor/index.html',
    'app:index.html',
    'not a url',
    // URL parsing lower-cases the scheme and drops tabs, newlines and leading spaces; the
    // raw text then no longer lines up with what was checked, so it is refused outright.
    'APP://tf-assessor/index.html',
    ' app://tf-assessor/index.html',
    'app://tf-ass\tessor/index.html',
    'app://tf-assessor\n/../secret.txt',
  ])('refuses another origin: %s', async (url) => {
    expect((await resolveAppRequest(root, url)).status).toBe(403);
  });

  it('decodes once only: %252e%252e names a literal "%2e%2e" folder, not the parent', async () => {
    expect(await servedPath('app://tf-assessor/%252e%252e/secret.txt')).toBe(404);
  });

  it('refuses symlinks that lead outside the folder (file and directory)', async () => {
    expect(await servedPath('app://tf-assessor/leak.txt')).toBe(403);
    expect(await servedPath('app://tf-assessor/linkdir/other.js')).toBe(403);
  });

  it('refuses an index.html that is a symlink to outside, even as the SPA fallback', async () => {
    const alt = path.join(tmp, 'alt-root');
    await mkdir(alt);
    await symlink(path.join('..', 'secret.txt'), path.join(alt, 'index.html'));
    expect(await servedPath('app://tf-assessor/', alt)).toBe(403);
    expect(await servedPath('app://tf-assessor/some/route', alt)).toBe(403);
  });

  it('a sibling folder sharing the root name prefix is never reachable', async () => {
    for (const url of ['app://tf-assessor/../renderer-evil/x.js', 'app://tf-assessor/%2e%2e/renderer-evil/x.js']) {
      const r = await resolveAppRequest(root, url);
      expect(r.status).not.toBe(200);
    }
  });
});

describe('isInside', () => {
  it('uses path semantics, not string prefixes', () => {
    const r = path.resolve('/srv/app/renderer');
    expect(isInside(r, r)).toBe(true);
    expect(isInside(r, path.join(r, 'assets', 'app.js'))).toBe(true);
    expect(isInside(r, path.join(r, '..foo'))).toBe(true);
    expect(isInside(r, `${r}-evil`)).toBe(false);
    expect(isInside(r, path.join(r, '..', 'renderer-evil', 'x.js'))).toBe(false);
    expect(isInside(r, path.dirname(r))).toBe(false);
    expect(isInside(r, '/etc/passwd')).toBe(false);
  });
});

describe('MIME types', () => {
  it.each([
    ['index.html', 'text/html; charset=utf-8'],
    ['a.js', 'text/javascript; charset=utf-8'],
    ['a.mjs', 'text/javascript; charset=utf-8'],
    ['a.CSS', 'text/css; charset=utf-8'],
    ['a.json', 'application/json; charset=utf-8'],
    ['a.svg', 'image/svg+xml'],
    ['a.png', 'image/png'],
    ['a.woff2', 'font/woff2'],
    ['a.woff', 'font/woff'],
    ['a.ttf', 'font/ttf'],
    ['a.wasm', 'application/wasm'],
    ['a.bin', 'application/octet-stream'],
    ['noext', 'application/octet-stream'],
  ])('%s → %s', (file, type) => expect(contentTypeFor(file)).toBe(type));
});

describe('appResponse', () => {
  const expectSecurityHeaders = (res: Response) => {
    expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  };

  it('serves files with their type, the CSP and nosniff', async () => {
    for (const [url, type] of [
      ['app://tf-assessor/', 'text/html; charset=utf-8'],
      ['app://tf-assessor/assets/app.js', 'text/javascript; charset=utf-8'],
      ['app://tf-assessor/assets/app.css', 'text/css; charset=utf-8'],
      ['app://tf-assessor/assets/logo.svg', 'image/svg+xml'],
      ['app://tf-assessor/assets/font.woff2', 'font/woff2'],
      ['app://tf-assessor/assets/blob.bin', 'application/octet-stream'],
    ] as const) {
      const res = await appResponse(root, { url, method: 'GET' });
      expect(res.status, url).toBe(200);
      expect(res.headers.get('content-type'), url).toBe(type);
      expectSecurityHeaders(res);
    }
  });

  it('puts the CSP and nosniff on errors too, and never leaks the outside file', async () => {
    for (const url of ['app://tf-assessor/../secret.txt', 'app://tf-assessor/leak.txt', 'app://tf-assessor/missing.js', 'app://evil/']) {
      const res = await appResponse(root, { url, method: 'GET' });
      expect(res.status).toBeGreaterThanOrEqual(400);
      expectSecurityHeaders(res);
      expect(await res.text()).not.toContain('TOP SECRET');
    }
  });

  it('answers HEAD without a body and refuses other methods', async () => {
    const head = await appResponse(root, { url: 'app://tf-assessor/assets/app.js', method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    const post = await appResponse(root, { url: 'app://tf-assessor/assets/app.js', method: 'POST' });
    expect(post.status).toBe(405);
    expectSecurityHeaders(post);
  });
});
