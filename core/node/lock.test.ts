import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync, existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleInit } from '../assessment/test-fixtures';
import { bundleChild } from './__crash__/bundle';
import { LOCK_FILE, acquireLock, readLockInfo, type LockInfo } from './lock';
import { createWorkspace, openWorkspace } from './workspace';
import { StorageError } from './fs-port';

let root: string;
let child: string;
let n = 0;
const exits = new Map<ChildProcess, Promise<unknown>>();

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'tfa-lock-'));
  child = await bundleChild(root);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function newWorkspace(): Promise<string> {
  const dir = join(root, `ws-${++n}`);
  await createWorkspace(dir, sampleInit(), { actor: 'setup' });
  return dir;
}

async function openError(dir: string): Promise<StorageError> {
  try {
    const ws = await openWorkspace(dir, { actor: 'second' });
    await ws.close();
  } catch (err) {
    expect(err).toBeInstanceOf(StorageError);
    return err as StorageError;
  }
  throw new Error('expected the workspace to be locked');
}

/** A process holding a workspace open until its stdin closes; resolves with its first line. */
function holder(dir: string): { proc: ChildProcess; line: Promise<string> } {
  const proc = spawn(process.execPath, [child, 'hold', dir], { stdio: ['pipe', 'pipe', 'inherit'] });
  const closed = new Promise((resolve) => proc.on('close', resolve));
  exits.set(proc, closed);
  const line = new Promise<string>((resolve) => {
    let out = '';
    proc.stdout!.setEncoding('utf8');
    proc.stdout!.on('data', (d: string) => {
      out += d;
      if (out.includes('\n')) resolve(out.slice(0, out.indexOf('\n')));
    });
  });
  return { proc, line };
}

async function stop(proc: ChildProcess): Promise<void> {
  proc.stdin!.on('error', () => undefined);
  proc.stdin!.end();
  await exits.get(proc);
}

function lockWith(dir: string, patch: Partial<LockInfo>): void {
  const info: LockInfo = {
    app: 'tf-assessor',
    pid: process.pid,
    hostname: hostname(),
    user: 'someone',
    startedAt: '2025-06-02T08:00:00.000Z',
    lockedAt: '2025-06-02T08:00:01.000Z',
    nonce: 'n'.repeat(24),
    ...patch,
  };
  writeFileSync(join(dir, LOCK_FILE), JSON.stringify(info));
}

/** A pid that surely belongs to no running process: one that just exited. */
async function deadPid(): Promise<number> {
  const p = spawn(process.execPath, ['-e', '0']);
  await new Promise((resolve) => p.on('close', resolve));
  return p.pid!;
}

describe('workspace lock', () => {
  it('refuses a second editor in the same process (another window), allows read-only viewers, frees on close', async () => {
    const dir = await newWorkspace();
    const ws = await openWorkspace(dir, { actor: 'first' });
    const err = await openError(dir);
    expect(err.code).toBe('locked');
    expect(err.message).toBe(`This assessment is already open in this TF Assessor (another window). Close it there; if that program is no longer running, delete ${join(dir, LOCK_FILE)}.`);
    const viewer = await openWorkspace(dir, { actor: 'viewer', readOnly: true });
    expect(viewer.assessment.id).toBe(ws.assessment.id);
    await viewer.close();
    await ws.close();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    const again = await openWorkspace(dir, { actor: 'first' });
    await again.close();
  });

  it('names the other process holding it', async () => {
    const dir = await newWorkspace();
    const h = holder(dir);
    expect(await h.line).toBe('opened');
    const err = await openError(dir);
    expect(err.code).toBe('locked');
    expect(err.message).toMatch(new RegExp(`already open by .* in TF Assessor \\(pid ${h.proc.pid} on ${hostname()}, since .*\\)\\. Close it there`));
    await stop(h.proc);
    await (await openWorkspace(dir, { actor: 'after' })).close();
  });

  it('lets exactly one of two processes opening at the same moment win', async () => {
    for (let round = 0; round < 3; round++) {
      const dir = await newWorkspace();
      const a = holder(dir);
      const b = holder(dir);
      const lines = await Promise.all([a.line, b.line]);
      expect(lines.filter((l) => l === 'opened')).toHaveLength(1);
      expect(lines.filter((l) => l.startsWith('locked This assessment is already open'))).toHaveLength(1);
      await Promise.all([stop(a.proc), stop(b.proc)]);
    }
  });

  it('takes over the lock of a process that died on this machine, and says so', async () => {
    const dir = await newWorkspace();
    const pid = await deadPid();
    lockWith(dir, { pid });
    const ws = await openWorkspace(dir, { actor: 'next' });
    expect(ws.recovery.staleLock?.pid).toBe(pid);
    expect(ws.recovery.issues.join(' ')).toContain(`pid ${pid} on ${hostname()} stopped`);
    expect((await readLockInfo(dir))?.pid).toBe(process.pid);
    await ws.close();
  });

  it.runIf(process.platform === 'linux')('treats a live pid with another start time (a reused pid) or from an earlier boot as stale', async () => {
    const dir = await newWorkspace();
    const mine = await acquireLock(dir);
    const info = mine.info;
    await mine.release();
    expect(info.procStart).toBeDefined();
    lockWith(dir, { pid: process.pid, procStart: String(Number(info.procStart) + 1), bootId: info.bootId! });
    const ws = await openWorkspace(dir, { actor: 'reused' });
    expect(ws.recovery.staleLock).not.toBeNull();
    await ws.close();
    lockWith(dir, { pid: process.pid, procStart: info.procStart!, bootId: 'another-boot' });
    const ws2 = await openWorkspace(dir, { actor: 'rebooted' });
    expect(ws2.recovery.staleLock?.bootId).toBe('another-boot');
    await ws2.close();
  });

  it('never takes over a lock from another machine, even if that pid is dead here', async () => {
    const dir = await newWorkspace();
    lockWith(dir, { pid: await deadPid(), hostname: 'assessor-laptop-2', user: 'tanaka' });
    const err = await openError(dir);
    expect(err.code).toBe('locked');
    expect(err.message).toMatch(/already open by tanaka in TF Assessor \(pid \d+ on assessor-laptop-2, since 2025-06-02T08:00:01.000Z\)/);
  });

  it('waits on an unreadable lock that may be being written, and takes over an old one', async () => {
    const dir = await newWorkspace();
    writeFileSync(join(dir, LOCK_FILE), '');
    expect((await openError(dir)).message).toMatch(/being opened by another program right now/);
    const old = new Date(Date.now() - 60_000);
    utimesSync(join(dir, LOCK_FILE), old, old);
    const ws = await openWorkspace(dir, { actor: 'next' });
    await ws.close();
  });

  it('release leaves a lock that is no longer its own', async () => {
    const dir = await newWorkspace();
    const held = await acquireLock(dir);
    lockWith(dir, { pid: 4242, nonce: 'x'.repeat(24) });
    await held.release();
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')).pid).toBe(4242);
  });
});
