/**
 * The workspace lock: one editor per assessment folder, across windows, processes and
 * machines sharing a folder. The lock file names its holder so the refusal can say who.
 *
 * The file is written complete under a temp name and hard-linked into place (link fails
 * when the target exists, atomically), so no one ever reads a half-written lock. Where hard
 * links are unsupported it falls back to O_EXCL create.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname as osHostname, userInfo } from 'node:os';
import { join } from 'node:path';
import { fsyncDir } from './atomic-file';
import { StorageError, errno, nodeFs, storageErrorFrom, writeAll, type FsPort } from './fs-port';

export const LOCK_FILE = 'workspace.lock';

export interface LockInfo {
  app: 'tf-assessor';
  pid: number;
  hostname: string;
  user: string;
  /** When the holding process started (ISO). */
  startedAt: string;
  /** When the lock was taken (ISO). */
  lockedAt: string;
  /** Linux: /proc/<pid>/stat start time in clock ticks, to tell a reused pid from the holder. */
  procStart?: string;
  /** Linux: kernel boot id; a lock from an earlier boot is stale whatever its pid. */
  bootId?: string;
  /** Random per lock, so release never removes somebody else's lock. */
  nonce: string;
}

export interface HeldLock {
  path: string;
  info: LockInfo;
  /** The dead holder whose lock was taken over, if any. */
  tookOverFrom: LockInfo | null;
  release(): Promise<void>;
}

export interface LockOptions {
  fs?: FsPort;
  /** For tests: pretend to be another machine or process. */
  hostname?: string;
  pid?: number;
}

/**
 * Takes the lock of a workspace folder, taking over a lock whose holder is provably gone
 * (same host, and the pid is dead, reused, or from an earlier boot).
 * @throws StorageError `locked` naming the holder, or an I/O error.
 */
export async function acquireLock(dir: string, options: LockOptions = {}): Promise<HeldLock> {
  const fs = options.fs ?? nodeFs;
  const path = join(dir, LOCK_FILE);
  const pid = options.pid ?? process.pid;
  const info: LockInfo = {
    app: 'tf-assessor',
    pid,
    hostname: options.hostname ?? osHostname(),
    user: safeUser(),
    startedAt: new Date(Date.now() - process.uptime() * 1000).toISOString(),
    lockedAt: new Date().toISOString(),
    ...optional('procStart', procStartTime(pid)),
    ...optional('bootId', bootId()),
    nonce: randomBytes(12).toString('hex'),
  };
  const content = JSON.stringify(info);
  let tookOverFrom: LockInfo | null = null;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await createExclusive(fs, dir, path, content);
      await fsyncDir(dir, fs);
      return { path, info, tookOverFrom, release: () => releaseLock(fs, path, info.nonce) };
    } catch (err) {
      if (errno(err) !== 'EEXIST') throw storageErrorFrom(err, 'lock the assessment folder', dir);
    }
    const held = await readLock(fs, path);
    if (held === 'gone') continue;
    const verdict = staleness(held, info.hostname);
    if (verdict !== 'stale') throw lockedError(dir, path, held, info);
    // Remove it only if it is still the very lock judged stale (another opener may have
    // taken it over meanwhile).
    const again = await readLock(fs, path);
    if (again !== 'gone' && !sameLock(again, held)) throw lockedError(dir, path, again, info);
    await fs.unlink(path).catch((e: unknown) => {
      if (errno(e) !== 'ENOENT') throw storageErrorFrom(e, 'remove a stale lock', path);
    });
    tookOverFrom = typeof held.info === 'object' ? held.info : null;
  }
  throw new StorageError('locked', `Could not lock ${dir}: another program keeps taking the lock. Close other TF Assessor windows and retry.`);
}

/** The current holder of a workspace lock, or null when unlocked. */
export async function readLockInfo(dir: string, fs: FsPort = nodeFs): Promise<LockInfo | null> {
  const held = await readLock(fs, join(dir, LOCK_FILE));
  return held === 'gone' || held.info === null ? null : held.info;
}

// ---------------------------------------------------------------------------------------

interface ReadLock {
  raw: string;
  info: LockInfo | null;
  mtimeMs: number;
}

async function createExclusive(fs: FsPort, dir: string, path: string, content: string): Promise<void> {
  // Named like writeFileAtomic's temp files, so opening a workspace cleans up leftovers.
  const tmp = join(dir, `.${LOCK_FILE}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const fh = await fs.open(tmp, 'wx', 0o644);
  try {
    await writeAll(fh, Buffer.from(content));
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await fs.link(tmp, path);
  } catch (err) {
    if (!['EPERM', 'ENOTSUP', 'ENOSYS', 'EXDEV'].includes(errno(err) ?? '')) throw err;
    // No hard links here: O_EXCL create. A reader may briefly see it empty (handled below).
    const direct = await fs.open(path, 'wx', 0o644);
    try {
      await writeAll(direct, Buffer.from(content));
      await direct.sync();
    } finally {
      await direct.close();
    }
  } finally {
    await fs.unlink(tmp).catch(() => undefined);
  }
}

async function readLock(fs: FsPort, path: string): Promise<ReadLock | 'gone'> {
  try {
    const [raw, st] = await Promise.all([fs.readFile(path), fs.stat(path)]);
    const text = raw.toString('utf8');
    return { raw: text, info: parseLockInfo(text), mtimeMs: st.mtimeMs };
  } catch (err) {
    if (errno(err) === 'ENOENT') return 'gone';
    throw storageErrorFrom(err, 'read the workspace lock', path);
  }
}

function parseLockInfo(text: string): LockInfo | null {
  try {
    const v = JSON.parse(text) as Partial<LockInfo>;
    if (typeof v.pid === 'number' && typeof v.hostname === 'string' && typeof v.nonce === 'string') return v as LockInfo;
  } catch {
    // fall through
  }
  return null;
}

function sameLock(a: ReadLock, b: ReadLock): boolean {
  return a.raw === b.raw;
}

/** An unreadable lock younger than this may be one being written without hard links. */
const UNREADABLE_GRACE_MS = 5_000;

function staleness(held: ReadLock, myHost: string): 'stale' | 'held' {
  const info = held.info;
  if (!info) return Date.now() - held.mtimeMs > UNREADABLE_GRACE_MS ? 'stale' : 'held';
  // A process on another machine cannot be checked from here.
  if (info.hostname !== myHost) return 'held';
  const boot = bootId();
  if (info.bootId && boot && info.bootId !== boot) return 'stale';
  if (!isProcessAlive(info.pid)) return 'stale';
  const start = procStartTime(info.pid);
  if (info.procStart && start && info.procStart !== start) return 'stale';
  return 'held';
}

function lockedError(dir: string, path: string, held: ReadLock, me: LockInfo): StorageError {
  const h = held.info;
  if (!h) return new StorageError('locked', `${dir} is being opened by another program right now (${LOCK_FILE} is unreadable). Retry in a few seconds.`);
  const who = h.pid === me.pid && h.hostname === me.hostname ? 'in this TF Assessor (another window)' : `by ${h.user || 'another user'} in TF Assessor (pid ${h.pid} on ${h.hostname}, since ${h.lockedAt})`;
  return new StorageError('locked', `This assessment is already open ${who}. Close it there; if that program is no longer running, delete ${path}.`);
}

async function releaseLock(fs: FsPort, path: string, nonce: string): Promise<void> {
  const held = await readLock(fs, path).catch(() => 'gone' as const);
  if (held === 'gone' || held.info?.nonce !== nonce) return;
  await fs.unlink(path).catch(() => undefined);
}

/** True when a process with this pid exists on this machine (whoever owns it). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return errno(err) === 'EPERM';
  }
}

function procStartTime(pid: number): string | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // Field 22 (starttime); fields after the command name, which may contain spaces, start at 3.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

let cachedBootId: string | undefined | null = null;
function bootId(): string | undefined {
  if (cachedBootId === null) {
    try {
      cachedBootId = process.platform === 'linux' ? readFileSync('/proc/sys/kernel/random/boot_id', 'latin1').trim() : undefined;
    } catch {
      cachedBootId = undefined;
    }
  }
  return cachedBootId;
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return '';
  }
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>);
}
