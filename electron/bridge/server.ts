/**
 * The browser bridge behind `npm run preview` and the end-to-end tests: the real handlers
 * served over HTTP on the loopback interface, with the built renderer beside them. It is the
 * same surface as the Electron IPC, so it gets the same care: loopback only, a per-run
 * secret, exact origin and host checks, and the app's CSP on every page.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile, realpath, stat } from 'node:fs/promises';
import { extname, isAbsolute, relative, resolve, sep } from 'node:path';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { ApiFailure, type ApiError, type EvidenceSource } from '../../core/api/contract';
import { dispatch, isChannel } from '../main/dispatch';
import type { Handlers } from '../main/handlers';
import { UploadTooLargeError } from '../main/services/evidence-intake';
import type { UploadRequest } from '../main/services/assessments';
import type { PackageUpload, SourceView } from '../main/services/package-sources';
import { SECURITY_HEADERS as APP_SECURITY_HEADERS } from '../main/security/csp';

/** The only address the bridge ever listens on. */
export const BRIDGE_HOST = '127.0.0.1';
export const TOKEN_HEADER = 'x-tfa-token';
/** Largest request body accepted; the contract's arguments are small JSON objects. */
export const MAX_BODY_BYTES = 1024 * 1024;
/** Longest file name accepted in `PUT /upload?name=…` (the name is display text only). */
export const MAX_UPLOAD_NAME = 1000;

export interface BridgeOptions {
  handlers: Handlers;
  /** The built renderer (out/renderer). */
  rendererDir: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Accepted only as 127.0.0.1; present so a caller cannot silently widen the bind. */
  host?: string;
  /**
   * Receives `PUT /upload?assessment=<handle>&name=<file name>` bodies (evidence from the
   * user's files; see docs/decisions/0010-evidence-intake.md). Absent: the route answers 404.
   */
  uploads?: (request: UploadRequest) => Promise<EvidenceSource>;
  /**
   * Receives `PUT /upload?purpose=package&name=<file name>` bodies: a submission package for
   * `tfa:reviews:import` (no assessment). Absent: that purpose answers 404.
   */
  packageUploads?: (request: PackageUpload) => Promise<SourceView>;
}

export interface Bridge {
  /** `http://127.0.0.1:<port>` — the only Origin the API accepts. */
  origin: string;
  port: number;
  /** The per-run secret; the renderer receives it in the URL fragment. */
  token: string;
  /** The address to open: origin plus `/#token=…`. */
  url: string;
  close(): Promise<void>;
}

// The app:// protocol's headers (one CSP for the whole product), plus what a page served
// over HTTP additionally needs: no caching of a session's files, no cross-origin embedding.
const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  ...APP_SECURITY_HEADERS,
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
};

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiError['code'],
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** Starts the bridge. Rejects if asked to listen anywhere but 127.0.0.1. */
export async function startBridge(options: BridgeOptions): Promise<Bridge> {
  // #region Security-sensitive: loopback-only bind. Do not change without review.
  const host = options.host ?? BRIDGE_HOST;
  if (host !== BRIDGE_HOST) {
    throw new Error(`The preview bridge listens on ${BRIDGE_HOST} only; refusing to start on ${host}.`);
  }
  // #endregion
  const rendererRoot = await realpath(resolve(options.rendererDir)).catch(() => {
    throw new Error(`The renderer is not built (${options.rendererDir} is missing): run npm run build first.`);
  });

  const token = randomBytes(32).toString('base64url');
  const tokenDigest = sha256(token);
  let origin = '';
  let expectedHost = '';

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      // A bug in here must not take the bridge down or leak a stack trace to the page.
      if (!res.headersSent) sendError(res, new HttpError(500, 'internal', err instanceof Error ? err.message : String(err)));
      else res.destroy();
    });
  });
  server.headersTimeout = 10_000;
  // Uploads of large evidence files legitimately take minutes, so there is no cap on the whole
  // request; a client that stops sending for 30 s is cut off instead.
  server.requestTimeout = 0;
  server.timeout = 30_000;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      // DNS rebinding: a page on evil.example resolved to 127.0.0.1 still sends its own Host.
      if (req.headers.host !== expectedHost) throw new HttpError(403, 'forbidden', 'Wrong Host header.');
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      if (path.startsWith('/api/')) await handleApi(req, res, path.slice('/api/'.length));
      else if (path === '/upload') await handleUpload(req, res);
      else await handleStatic(req, res, path);
    } catch (err) {
      if (err instanceof HttpError) {
        // Stop reading a body we are refusing; the client gets its answer either way.
        req.resume();
        sendError(res, err);
      } else throw err;
    }
  }

  // #region Security-sensitive: caller checks (API and uploads). Do not change without review.
  function checkCaller(req: IncomingMessage): void {
    const requestOrigin = req.headers.origin;
    if (requestOrigin !== undefined && requestOrigin !== origin) {
      throw new HttpError(403, 'forbidden', 'Requests from other origins are refused.');
    }
    const presented = req.headers[TOKEN_HEADER];
    if (typeof presented !== 'string' || !timingSafeEqual(sha256(presented), tokenDigest)) {
      throw new HttpError(403, 'forbidden', 'Missing or wrong session token: open the address printed by npm run preview.');
    }
  }
  // #endregion

  /**
   * `PUT /upload?assessment=<handle>&name=<file name>`, body = the file's bytes: streamed into
   * the open assessment's folder (never held in memory), answered with an evidence source for
   * `tfa:evidence:add`. `PUT /upload?purpose=package&name=<file name>` streams a submission
   * package to `<dataDir>/reviews/.incoming/` for `tfa:reviews:import` instead. Same Host,
   * Origin and token checks as the API.
   */
  async function handleUpload(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'PUT') throw new HttpError(405, 'bad-request', 'Uploads use PUT.', { Allow: 'PUT' });
    checkCaller(req);
    if (!options.uploads && !options.packageUploads) throw new HttpError(404, 'not-found', 'Uploads are not available here.');
    const contentType = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (contentType !== 'application/octet-stream') {
      throw new HttpError(400, 'bad-request', 'Send the file as the request body with Content-Type: application/octet-stream.');
    }
    const query = new URLSearchParams((req.url ?? '').split('?')[1] ?? '');
    const assessment = query.get('assessment') ?? '';
    const name = query.get('name') ?? '';
    // `purpose=package`: a submission package for review, which belongs to no assessment.
    const purpose = query.get('purpose') ?? 'evidence';
    if (purpose !== 'evidence' && purpose !== 'package') throw new HttpError(400, 'bad-request', 'The upload purpose must be evidence or package.');
    const forPackage = purpose === 'package';
    if (!(forPackage ? options.packageUploads : options.uploads)) throw new HttpError(404, 'not-found', 'Uploads are not available here.');
    if (forPackage && query.has('assessment')) throw new HttpError(400, 'bad-request', 'A package upload belongs to no assessment: leave out ?assessment.');
    if (!forPackage && !/^[A-Za-z0-9_-]{1,64}$/.test(assessment)) throw new HttpError(400, 'bad-request', 'The upload needs ?assessment=<handle of an open assessment>.');
    if (name.length === 0 || name.length > MAX_UPLOAD_NAME) throw new HttpError(400, 'bad-request', `The upload needs ?name=<file name> (at most ${MAX_UPLOAD_NAME} characters).`);
    const lengthHeader = req.headers['content-length'];
    const declaredLength = lengthHeader === undefined ? undefined : Number(lengthHeader);
    if (declaredLength !== undefined && !(Number.isSafeInteger(declaredLength) && declaredLength >= 0)) {
      throw new HttpError(400, 'bad-request', 'Content-Length is not a byte count.');
    }
    // The receiver may stop early (too large, disk full): reading through a pass-through lets
    // us unpipe and still answer, instead of the socket being torn down under the reply.
    const body = new PassThrough();
    const cutOff = (): void => {
      if (!req.complete) body.destroy(Object.assign(new Error('The upload was interrupted.'), { code: 'ECONNRESET' }));
    };
    req.on('close', cutOff);
    req.on('error', cutOff);
    req.pipe(body);
    try {
      const length = declaredLength !== undefined ? { declaredLength } : {};
      const source = forPackage ? await options.packageUploads!({ name, body, ...length }) : await options.uploads!({ assessment, name, body, ...length });
      sendJson(res, 200, { ok: true, value: source });
    } catch (err) {
      req.unpipe(body);
      if (err instanceof UploadTooLargeError) throw new HttpError(413, 'bad-request', err.message, { Connection: 'close' });
      if (err instanceof ApiFailure) throw new HttpError(HTTP_STATUS[err.code] ?? 500, err.code, err.message, req.complete ? {} : { Connection: 'close' });
      throw err;
    } finally {
      req.off('close', cutOff);
      req.off('error', cutOff);
    }
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse, rawChannel: string): Promise<void> {
    if (req.method !== 'POST') throw new HttpError(405, 'bad-request', 'The API accepts POST only.', { Allow: 'POST' });
    checkCaller(req);
    let channel: string;
    try {
      channel = decodeURIComponent(rawChannel);
    } catch {
      throw new HttpError(404, 'not-found', 'Unknown channel.');
    }
    if (!isChannel(channel)) throw new HttpError(404, 'not-found', `Unknown channel: ${channel.slice(0, 100)}`);

    const contentType = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (contentType !== 'application/json') throw new HttpError(400, 'bad-request', 'The request body must be JSON (Content-Type: application/json).');
    const body = await readBody(req);
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      throw new HttpError(400, 'bad-request', 'The request body is not valid JSON.');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new HttpError(400, 'bad-request', 'The request body must be a JSON object: {"args": ...}.');
    }
    const args = Object.prototype.hasOwnProperty.call(parsed, 'args') ? (parsed as { args: unknown }).args : undefined;
    const result = await dispatch(options.handlers, channel, args);
    sendJson(res, 200, result);
  }

  async function handleStatic(req: IncomingMessage, res: ServerResponse, urlPath: string): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      throw new HttpError(405, 'bad-request', 'Only GET and HEAD are served here.', { Allow: 'GET, HEAD' });
    }
    const file = await resolveStatic(rendererRoot, urlPath);
    if (!file) throw new HttpError(404, 'not-found', 'Not found.');
    const content = await readFile(file);
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'Content-Type': CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
      'Content-Length': String(content.length),
    });
    res.end(req.method === 'HEAD' ? undefined : content);
  }

  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(options.port ?? 0, BRIDGE_HOST, () => {
      server.off('error', rejectListen);
      resolveListen();
    });
  });
  const address = server.address() as AddressInfo;
  // Belt and braces: whatever Node did with the arguments, the socket must be loopback.
  if (address.address !== BRIDGE_HOST) {
    await closeServer(server);
    throw new Error(`The preview bridge ended up on ${address.address}; refusing to serve.`);
  }
  origin = `http://${BRIDGE_HOST}:${address.port}`;
  expectedHost = `${BRIDGE_HOST}:${address.port}`;

  return {
    origin,
    port: address.port,
    token,
    url: `${origin}/#token=${token}`,
    close: () => closeServer(server),
  };
}

/** HTTP status of an upload failure, by API error code. */
const HTTP_STATUS: Partial<Record<ApiError['code'], number>> = {
  'bad-request': 400,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  'invalid-input': 422,
  'disk-full': 507,
  'read-only': 507,
  io: 500,
  internal: 500,
};

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

// #region Security-sensitive: path containment for static files. Do not change without review.
/**
 * Maps a URL path to a file inside the renderer folder, or null. Containment is checked with
 * path.relative on the real paths (symlinks resolved), never with a string prefix: a prefix
 * test would let `/out/renderer-evil` pass for `/out/renderer`.
 */
export async function resolveStatic(rootReal: string, urlPath: string): Promise<string | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const wanted = decoded === '/' || decoded === '' ? '/index.html' : decoded;
  const candidate = resolve(rootReal, '.' + wanted);
  if (!isInside(rootReal, candidate)) return null;
  let real: string;
  try {
    real = await realpath(candidate);
  } catch {
    return null;
  }
  if (!isInside(rootReal, real)) return null;
  const info = await stat(real).catch(() => null);
  return info?.isFile() ? real : null;
}

function isInside(root: string, target: string): boolean {
  const rel = relative(root, target);
  return rel !== '' && !rel.startsWith('..' + sep) && rel !== '..' && !isAbsolute(rel);
}
// #endregion

function tooLarge(): HttpError {
  // Connection: close, because the rest of an oversized body is not worth reading.
  return new HttpError(413, 'bad-request', `The request body is larger than ${MAX_BODY_BYTES} bytes.`, { Connection: 'close' });
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) return Promise.reject(tooLarge());
  return new Promise((resolveBody, rejectBody) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    // Event listeners rather than `for await`: leaving an async iterator early destroys the
    // socket, and the client would see a reset instead of our 413.
    req.on('data', (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      // Counted as it arrives: a chunked body has no Content-Length to trust.
      if (size > MAX_BODY_BYTES) {
        refused = true;
        chunks.length = 0;
        rejectBody(tooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!refused) resolveBody(Buffer.concat(chunks));
    });
    req.on('error', rejectBody);
  });
}

function sendJson(res: ServerResponse, status: number, payload: unknown, extraHeaders: Record<string, string> = {}): void {
  const body = JSON.stringify(payload);
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    ...extraHeaders,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(body)),
  });
  res.end(body);
}

function sendError(res: ServerResponse, err: HttpError): void {
  sendJson(res, err.status, { ok: false, error: { code: err.code, message: err.message } }, err.headers);
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolveClose) => {
    server.close(() => resolveClose());
    server.closeAllConnections();
  });
}
