/**
 * The `app://tf-assessor` protocol: serves the built renderer (out/renderer) to the window.
 *
 * A custom standard scheme instead of file:// gives the app a real origin (for the CSP,
 * sender validation and navigation checks) and lets us refuse anything outside the
 * renderer folder. Registered as privileged before `app.ready`; handled after.
 *
 * #region SECURITY-SENSITIVE — path containment; protocol.test.ts attacks it on real files.
 */
import { protocol, type Protocol, type CustomScheme } from 'electron';
import { readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { APP_HOST, APP_ORIGIN, APP_SCHEME } from './security/origin';
import { SECURITY_HEADERS } from './security/csp';

/**
 * standard: real origin and relative URL resolution; secure: counts as a secure context
 * (no mixed-content downgrade); supportFetchAPI: fetch() of our own assets.
 * Deliberately NOT bypassCSP, corsEnabled or allowServiceWorkers.
 */
export const APP_SCHEME_PRIVILEGES: NonNullable<CustomScheme['privileges']> = Object.freeze({
  standard: true,
  secure: true,
  supportFetchAPI: true,
});

/** Must run before the app is ready (Electron's rule for privileged schemes). */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { ...APP_SCHEME_PRIVILEGES } }]);
}

/** Serves `rootDir` (the built renderer) on app://tf-assessor. Call once the app is ready. */
export function serveAppProtocol(rootDir: string, proto: Pick<Protocol, 'handle'> = protocol): void {
  proto.handle(APP_SCHEME, (request) => appResponse(rootDir, request));
}

export type AppResolution =
  | { status: 200; filePath: string; contentType: string }
  | { status: 400 | 403 | 404; reason: string };

const MIME_TYPES: Readonly<Record<string, string>> = Object.freeze({
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.wasm': 'application/wasm',
});

/** Content-Type for a file name; unknown types are opaque bytes (and nosniff keeps them so). */
export function contentTypeFor(filePath: string): string {
  return MIME_TYPES[path.extname(filePath).toLowerCase()] ?? 'application/octet-stream';
}

const ROOT_PREFIX = `${APP_ORIGIN}/`;
// Encoded '.', '/', '\' and NUL have no business in a URL of our own assets; refusing them
// outright beats reasoning about double decoding.
const FORBIDDEN_ENCODINGS = /%(2e|2f|5c|00)/i;

/**
 * Maps an app:// URL to a file inside `rootDir`, or says why not.
 *
 * Refuses other schemes and hosts (exact origin match, no credentials or port), `.`/`..`
 * segments, encoded dots and slashes, backslashes, NUL, drive letters; containment is
 * checked with path.relative on the joined path and again on the realpath, so a symlink
 * that points outside the folder is refused too. Extension-less routes that match no file
 * fall back to index.html (the renderer's client-side router).
 */
export async function resolveAppRequest(rootDir: string, url: string): Promise<AppResolution> {
  if (typeof url !== 'string' || url.includes('\0') || url.includes('\\')) return bad('malformed URL');
  const rawPath = rawPathOf(url);
  if (rawPath === null) return { status: 403, reason: 'not the app origin' };
  if (FORBIDDEN_ENCODINGS.test(rawPath)) return bad('encoded dot, slash or NUL');

  const rawSegments = rawPath.split('/').slice(1);
  const segments: string[] = [];
  for (const [i, raw] of rawSegments.entries()) {
    // A trailing slash means "the folder": handled as an extension-less route below.
    if (raw === '' && i === rawSegments.length - 1) continue;
    let seg: string;
    try {
      seg = decodeURIComponent(raw);
    } catch {
      return bad('bad percent-encoding');
    }
    // Checked on the raw text: URL parsing would have silently resolved `..` away.
    if (seg === '' || seg === '.' || seg === '..') return bad('empty or dot segment');
    if (/[\0/\\:]/.test(seg) || path.isAbsolute(seg)) return bad('separator, drive or NUL in a segment');
    segments.push(seg);
  }

  let realRoot: string;
  try {
    realRoot = await realpath(rootDir);
  } catch {
    return { status: 404, reason: 'the renderer is not built' };
  }
  const candidate = path.join(realRoot, ...segments);
  if (!isInside(realRoot, candidate)) return { status: 403, reason: 'outside the app folder' };

  const found = await containedFile(realRoot, candidate);
  if (found.kind === 'file') return { status: 200, filePath: found.path, contentType: contentTypeFor(found.path) };
  if (found.kind === 'outside') return { status: 403, reason: 'outside the app folder' };

  const last = segments[segments.length - 1] ?? '';
  if (path.extname(last) !== '') return { status: 404, reason: 'no such file' };
  const index = await containedFile(realRoot, path.join(realRoot, 'index.html'));
  if (index.kind === 'file') return { status: 200, filePath: index.path, contentType: contentTypeFor(index.path) };
  return { status: index.kind === 'outside' ? 403 : 404, reason: 'no index.html' };
}

/** Builds the protocol response: the file, or a short plain-text error; security headers always. */
export async function appResponse(rootDir: string, request: { url: string; method: string }): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') return errorResponse(405, 'method not allowed');
  const resolved = await resolveAppRequest(rootDir, request.url);
  if (resolved.status !== 200) return errorResponse(resolved.status, resolved.reason);
  let body: Buffer;
  try {
    body = await readFile(resolved.filePath);
  } catch {
    return errorResponse(404, 'no such file');
  }
  return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), {
    status: 200,
    headers: { ...SECURITY_HEADERS, 'Content-Type': resolved.contentType, 'Content-Length': String(body.length) },
  });
}

function errorResponse(status: number, reason: string): Response {
  return new Response(`${status} ${reason}\n`, {
    status,
    headers: { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' },
  });
}

function bad(reason: string): AppResolution {
  return { status: 400, reason };
}

/** The still-encoded path of an app:// URL of our exact origin, or null for anything else. */
function rawPathOf(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST || parsed.username || parsed.password) return null;
  // Work on the raw text: URL parsing silently resolves `..` and `%2e%2e`, hiding an attack.
  if (url !== APP_ORIGIN && !url.startsWith(ROOT_PREFIX)) return null;
  const rest = url.slice(APP_ORIGIN.length);
  const end = rest.search(/[?#]/);
  const raw = end === -1 ? rest : rest.slice(0, end);
  return raw === '' ? '/' : raw;
}

/** path.relative-based containment (never a string prefix: `/root-evil` is not in `/root`). */
export function isInside(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate);
  return rel === '' || (!path.isAbsolute(rel) && rel !== '..' && !rel.startsWith(`..${path.sep}`));
}

type Found = { kind: 'file'; path: string } | { kind: 'outside' } | { kind: 'missing' };

async function containedFile(realRoot: string, candidate: string): Promise<Found> {
  let real: string;
  try {
    real = await realpath(candidate);
  } catch {
    return { kind: 'missing' };
  }
  if (!isInside(realRoot, real)) return { kind: 'outside' };
  try {
    return (await stat(real)).isFile() ? { kind: 'file', path: real } : { kind: 'missing' };
  } catch {
    return { kind: 'missing' };
  }
}
// #endregion
