import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, appendFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Assessment, FORMAT_VERSION } from '../assessment/schema';
import { sampleInit } from '../assessment/test-fixtures';
import type { Change } from '../assessment/ops';
import { nodeFs, StorageError, type FsPort } from './fs-port';
import { encodeJournalLine, scanJournal } from './journal';
import { LOCK_FILE } from './lock';
import { ASSESSMENT_FILE, BACKUP_FILE, JOURNAL_FILE, createWorkspace, openWorkspace, readJournal, type Workspace } from './workspace';

let root: string;
let n = 0;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'tfa-ws-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const note = (criterion: string, notes: string): Change => ({ op: 'answer.set', criterion, set: { notes } });

async function fresh(options: { fs?: FsPort } = {}): Promise<string> {
  const dir = join(root, `ws-${++n}`);
  await createWorkspace(dir, sampleInit(), { actor: 'setup', ...options });
  return dir;
}

async function open(dir: string, extra: Partial<Parameters<typeof openWorkspace>[1]> = {}): Promise<Workspace> {
  return openWorkspace(dir, { actor: 'Sato Hanako', snapshotDelayMs: 60_000, ...extra });
}

async function ok<T>(p: Promise<{ ok: true; value: T } | { ok: false; error: StorageError }>): Promise<T> {
  const r = await p;
  if (!r.ok) throw r.error;
  return r.value;
}

/** What the disk holds right now, as if the machine had died this instant (the lock aside). */
function crashCopy(dir: string): string {
  const copy = join(root, `crash-${++n}`);
  cpSync(dir, copy, { recursive: true, filter: (src) => !src.endsWith(LOCK_FILE) });
  return copy;
}

/**
 * A file-system port that fails like a full disk (a write stores half its bytes, then
 * ENOSPC) or a read-only / forbidden folder (EROFS / EACCES on every write). Tests run as
 * root, and chmod 0o555 does not stop root, so this injection is the only faithful way to
 * exercise those paths here.
 */
function faultyFs() {
  const faults = { code: null as null | 'ENOSPC' | 'EROFS' | 'EACCES', only: (_path: string) => true };
  const active = (path: string) => faults.code !== null && faults.only(path);
  const fail = (path: string) => Object.assign(new Error(`${faults.code}: simulated failure, ${path}`), { code: faults.code!, path });
  const guard =
    <A extends unknown[]>(fn: (path: string, ...rest: A) => Promise<void>) =>
    async (path: string, ...rest: A) => {
      if (active(path) && faults.code !== 'ENOSPC') throw fail(path);
      return fn(path, ...rest);
    };
  const fs: FsPort = {
    ...nodeFs,
    async open(path, flags, mode) {
      if (flags !== 'r' && active(path) && faults.code !== 'ENOSPC') throw fail(path);
      const fh = await nodeFs.open(path, flags, mode);
      return {
        ...fh,
        async write(data, offset, length) {
          if (!active(path)) return fh.write(data, offset, length);
          if (faults.code === 'ENOSPC' && length > 1) await fh.write(data, offset, Math.floor(length / 2));
          throw fail(path);
        },
      };
    },
    rename: (from, to) => guard(nodeFs.rename)(to, from).then(() => undefined),
    link: guard(nodeFs.link),
    unlink: guard(nodeFs.unlink),
    mkdir: guard(nodeFs.mkdir),
    chmod: guard(nodeFs.chmod),
  };
  // rename is guarded on its target; keep argument order for the real call.
  fs.rename = async (from, to) => {
    if (active(to) && faults.code !== 'ENOSPC') throw fail(to);
    return nodeFs.rename(from, to);
  };
  return { fs, faults };
}

function diskState(dir: string) {
  const journal = scanJournal(readFileSync(join(dir, JOURNAL_FILE)));
  const snapshot = Assessment.parse(JSON.parse(readFileSync(join(dir, ASSESSMENT_FILE), 'utf8')));
  return { journal, snapshot, lastSeq: journal.lines.at(-1)?.seq };
}

describe('createWorkspace / openWorkspace', () => {
  it('creates the folder layout, journal first, and reopens to the same document', async () => {
    const dir = await fresh();
    expect(readdirSync(dir).sort()).toEqual([ASSESSMENT_FILE, 'evidence', JOURNAL_FILE]);
    const journal = await readJournal(dir);
    expect(journal).toHaveLength(1);
    expect(journal[0]).toMatchObject({ seq: 0, actor: 'setup', change: { op: 'assessment.create' } });
    const ws = await open(dir);
    expect(ws.assessment).toEqual((journal[0]!.change as { assessment: unknown }).assessment);
    expect(ws.recovery).toMatchObject({ source: ASSESSMENT_FILE, replayed: 0, issues: [] });
    await ws.close();
  });

  it('refuses a non-empty folder and an existing assessment, and says what to do', async () => {
    const dir = join(root, `used-${++n}`);
    mkdirSync(dir);
    writeFileSync(join(dir, 'notes.txt'), 'x');
    await expect(createWorkspace(dir, sampleInit(), { actor: 'a' })).rejects.toMatchObject({ code: 'exists', message: expect.stringContaining('choose an empty folder') });
    await expect(openWorkspace(join(root, 'nowhere'), { actor: 'a' })).rejects.toMatchObject({ code: 'not-found' });
    await expect(createWorkspace(join(root, `bad-${++n}`), { ...sampleInit(), type: 'audit' as never }, { actor: 'a' })).rejects.toMatchObject({ code: 'invalid-input' });
  });

  it('acknowledges a change only once it is in the journal, and snapshots it later', async () => {
    const dir = await fresh();
    const ws = await open(dir);
    const entry = await ok(ws.apply(note('IAL2-1', 'interviewed the CISO')));
    expect(entry).toMatchObject({ seq: 1, actor: 'Sato Hanako', old: null, new: { notes: 'interviewed the CISO' } });
    expect(diskState(dir).lastSeq).toBe(1);
    expect(diskState(dir).snapshot.revision).toBe(0);
    expect(ws.status()).toMatchObject({ revision: 1, acknowledged: 1, saved: 0, unsaved: 0, error: null });
    await ok(ws.flush());
    expect(diskState(dir).snapshot.revision).toBe(1);
    expect(readFileSync(join(dir, BACKUP_FILE), 'utf8')).toContain('"revision": 0');
    await ws.close();
  });

  it('saves a debounced snapshot on its own', async () => {
    const dir = await fresh();
    const ws = await open(dir, { snapshotDelayMs: 20 });
    await ok(ws.apply(note('A-1', 'x')));
    await ok(ws.apply(note('A-1', 'y')));
    // Nobody calls flush: the debounce timer saves (polled, so a loaded machine cannot flake it).
    for (let waited = 0; ws.status().saved !== 2 && waited < 5000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(ws.status().saved).toBe(2);
    expect(diskState(dir).snapshot.revision).toBe(2);
    await ws.close();
  });

  it('applies a batch with one journal write, or nothing when one change is invalid', async () => {
    const dir = await fresh();
    const ws = await open(dir);
    const bad = await ws.applyAll([note('A-1', 'one'), { op: 'finding.delete', id: 'F-404' }]);
    expect(!bad.ok && bad.error).toMatchObject({ code: 'invalid-input', message: 'Change 2 of 2, finding.delete: finding "F-404" does not exist' });
    expect(ws.status().revision).toBe(0);
    const entries = await ok(ws.applyAll(Array.from({ length: 2000 }, (_, i) => ({ op: 'answer.set', criterion: `C-${i}`, set: { status: 'conformant' } }))));
    expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: 2000 }, (_, i) => i + 1));
    await ws.close();
    const again = await open(dir);
    expect(Object.keys(again.assessment.criteria)).toHaveLength(2000);
    await again.close();
  });

  it('read-only: no lock, no writes, edits refused', async () => {
    const dir = await fresh();
    const ws = await open(dir, { readOnly: true });
    const r = await ws.apply(note('A', 'x'));
    expect(!r.ok && r.error.code).toBe('read-only');
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    await ws.close();
  });

  it('refuses changes after close', async () => {
    const ws = await open(await fresh());
    await ws.close();
    const r = await ws.apply(note('A', 'x'));
    expect(!r.ok && r.error.code).toBe('closed');
  });
});

describe('full disk and read-only folders', () => {
  it('disk full: a clear error, the change kept in memory and queued, disk files intact, saved on retry', async () => {
    const { fs, faults } = faultyFs();
    const dir = await fresh();
    const ws = await open(dir, { fs });
    await ok(ws.apply(note('IAL2-1', 'before')));
    await ok(ws.flush());
    const statuses: number[] = [];
    ws.subscribe((s) => statuses.push(s.unsaved));

    faults.code = 'ENOSPC';
    const r = await ws.apply(note('IAL2-1', 'typed while the disk was full'));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toBeInstanceOf(StorageError);
    expect(r.error.code).toBe('disk-full');
    expect(r.error.message).toBe(
      `Disk full: could not save the change to the journal (${join(dir, JOURNAL_FILE)}). Free space on that drive, then retry. 1 change is kept in memory and will be saved on the next change or retry.`,
    );
    expect(ws.assessment.criteria['IAL2-1']?.notes).toBe('typed while the disk was full');
    const second = await ws.apply(note('AAL2-1', 'second'));
    expect(!second.ok && second.error.message).toContain('2 changes are kept in memory');
    expect(ws.status()).toMatchObject({ revision: 3, acknowledged: 1, unsaved: 2, error: { code: 'disk-full' } });
    expect(statuses).toEqual([1, 2]);
    expect((await ws.flush()).ok).toBe(false);
    expect((await ws.close()).ok).toBe(false);

    // The half-written line was cut back off: the disk holds exactly the acknowledged state.
    const disk = diskState(dir);
    expect(disk.journal.torn).toBeNull();
    expect(disk.lastSeq).toBe(1);
    expect(disk.snapshot.criteria['IAL2-1']?.notes).toBe('before');
    const viewer = await open(dir, { readOnly: true });
    expect(viewer.recovery.issues).toEqual([]);
    expect(viewer.assessment.revision).toBe(1);
    await viewer.close();

    faults.code = null;
    await ok(ws.retry());
    expect(ws.status()).toMatchObject({ revision: 3, acknowledged: 3, unsaved: 0, error: null });
    await ok(ws.close());
    const reopened = await open(dir);
    expect(reopened.assessment.criteria['IAL2-1']?.notes).toBe('typed while the disk was full');
    expect(reopened.assessment.criteria['AAL2-1']?.notes).toBe('second');
    expect((await reopened.readJournal()).map((e) => e.seq)).toEqual([0, 1, 2, 3]);
    await reopened.close();
  });

  it('disk full while saving the snapshot only: the change is acknowledged and survives; the snapshot is retried', async () => {
    const { fs, faults } = faultyFs();
    const dir = await fresh();
    const ws = await open(dir, { fs });
    faults.code = 'ENOSPC';
    faults.only = (path) => !path.endsWith(JOURNAL_FILE);
    await ok(ws.apply(note('IAL2-1', 'acknowledged')));
    const saved = await ws.flush();
    expect(!saved.ok && saved.error.code).toBe('disk-full');
    expect(ws.status()).toMatchObject({ acknowledged: 1, saved: 0, unsaved: 0, error: { code: 'disk-full' } });
    expect(diskState(dir).snapshot.revision).toBe(0);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const viewer = await open(dir, { readOnly: true });
    expect(viewer.assessment.criteria['IAL2-1']?.notes).toBe('acknowledged');
    await viewer.close();
    faults.code = null;
    await ok(ws.flush());
    expect(ws.status()).toMatchObject({ saved: 1, error: null });
    await ok(ws.close());
  });

  it.each([
    ['EROFS', 'read-only drive'],
    ['EACCES', 'permission denied'],
  ] as const)('%s: a "read-only" error naming the folder, changes kept, saved once writable again', async (code, words) => {
    const { fs, faults } = faultyFs();
    const dir = await fresh();
    const ws = await open(dir, { fs });
    await ok(ws.apply(note('A-1', 'first')));
    faults.code = code;
    const r = await ws.apply(note('A-1', 'second'));
    expect(!r.ok && r.error.code).toBe('read-only');
    expect(!r.ok && r.error.message).toContain(`Cannot write to ${join(dir, JOURNAL_FILE)} (${words})`);
    expect(!r.ok && r.error.message).toContain('Move the assessment folder to a writable place or fix its permissions');
    expect(ws.assessment.criteria['A-1']?.notes).toBe('second');
    expect(diskState(dir).lastSeq).toBe(1);
    faults.code = null;
    await ok(ws.apply(note('A-1', 'third')));
    expect(ws.status()).toMatchObject({ acknowledged: 3, unsaved: 0 });
    await ok(ws.close());
    const again = await open(dir);
    expect(again.assessment.criteria['A-1']?.notes).toBe('third');
    expect((await again.readJournal()).map((e) => (e.new as { notes?: string } | null)?.notes ?? null)).toEqual([null, 'first', 'second', 'third']);
    await again.close();
  });

  it('disk full while capturing evidence: nothing half-written is left, nothing recorded', async () => {
    const { fs, faults } = faultyFs();
    const dir = await fresh();
    const ws = await open(dir, { fs });
    const source = join(root, `evidence-${++n}.pdf`);
    writeFileSync(source, Buffer.alloc(3 * 1024 * 1024, 7));
    faults.code = 'ENOSPC';
    faults.only = (path) => path.includes(`${join(dir, 'evidence')}`);
    const r = await ws.addEvidence(source, { criteria: ['IAL2-1'] });
    expect(!r.ok && r.error.code).toBe('disk-full');
    expect(readdirSync(join(dir, 'evidence'))).toEqual([]);
    expect(ws.status().revision).toBe(0);
    faults.code = null;
    const added = await ok(ws.addEvidence(source, { criteria: ['IAL2-1'] }));
    expect(statSync(ws.evidencePath(added.hash)).size).toBe(3 * 1024 * 1024);
    await ok(ws.close());
  });

  it('saves queued changes on its own once the disk has room again', async () => {
    const { fs, faults } = faultyFs();
    const dir = await fresh();
    const ws = await open(dir, { fs, retryDelayMs: 20 });
    faults.code = 'ENOSPC';
    expect((await ws.apply(note('A', 'queued'))).ok).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(ws.status().unsaved).toBe(1);
    faults.code = null;
    const saved = new Promise<void>((resolve) => ws.subscribe((s) => s.unsaved === 0 && resolve()));
    await saved;
    expect(ws.status()).toMatchObject({ acknowledged: 1, error: null });
    expect(diskState(dir).lastSeq).toBe(1);
    await ok(ws.close());
  });

  it('close refuses while changes are unsaved, unless told to discard them', async () => {
    const { fs, faults } = faultyFs();
    const dir = await fresh();
    const ws = await open(dir, { fs });
    faults.code = 'ENOSPC';
    await ws.apply(note('A', 'lost on purpose'));
    const refused = await ws.close();
    expect(!refused.ok && refused.error.code).toBe('disk-full');
    expect(existsSync(join(dir, LOCK_FILE))).toBe(true);
    await ok(ws.close({ discardUnsaved: true }));
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });
});

describe('recovery on open', () => {
  /** A workspace with a snapshot at revision 3 and changes 4–5 only in the journal. */
  async function withUnsnapshottedChanges(): Promise<{ dir: string; ws: Workspace }> {
    const dir = await fresh();
    const ws = await open(dir);
    for (const i of [1, 2, 3]) await ok(ws.apply(note('C-1', `v${i}`)));
    await ok(ws.flush());
    await ok(ws.apply(note('C-1', 'v4')));
    await ok(ws.apply({ op: 'profile.set', field: 'service.description', value: 'changed after the snapshot' }));
    return { dir, ws };
  }

  it('replays journal entries newer than the snapshot', async () => {
    const { dir, ws } = await withUnsnapshottedChanges();
    const copy = crashCopy(dir);
    await ws.close();
    const recovered = await open(copy);
    expect(recovered.recovery).toMatchObject({ source: ASSESSMENT_FILE, snapshotRevision: 3, replayed: 2, revision: 5, tornTail: null });
    expect(recovered.assessment.service.description).toBe('changed after the snapshot');
    await recovered.close();
  });

  it('ignores and reports a torn last journal line, cuts it off, and appends cleanly after it', async () => {
    const { dir, ws } = await withUnsnapshottedChanges();
    const copy = crashCopy(dir);
    await ws.close();
    const next = encodeJournalLine({ seq: 6, at: '2025-06-02T10:00:00.000Z', actor: 'x', change: note('C-1', 'never acknowledged'), old: null, new: null });
    appendFileSync(join(copy, JOURNAL_FILE), next.subarray(0, 57));
    const sizeWithTear = statSync(join(copy, JOURNAL_FILE)).size;

    const recovered = await open(copy);
    expect(recovered.recovery.tornTail).toEqual({ line: 7, bytes: 57 });
    expect(recovered.recovery.issues[0]).toMatch(/journal\.jsonl ended with an incomplete line \(57 bytes, line 7\) .* that change had not been acknowledged/);
    expect(recovered.assessment.revision).toBe(5);
    expect(recovered.assessment.criteria['C-1']?.notes).toBe('v4');
    expect(statSync(join(copy, JOURNAL_FILE)).size).toBe(sizeWithTear - 57);
    await ok(recovered.apply(note('C-1', 'v6')));
    await ok(recovered.close());
    const again = await open(copy);
    expect(again.recovery.tornTail).toBeNull();
    expect(again.assessment.criteria['C-1']?.notes).toBe('v6');
    await again.close();
  });

  it('read-only open reports a torn line but leaves the file alone', async () => {
    const { dir, ws } = await withUnsnapshottedChanges();
    await ws.close();
    appendFileSync(join(dir, JOURNAL_FILE), Buffer.alloc(512));
    const size = statSync(join(dir, JOURNAL_FILE)).size;
    const viewer = await open(dir, { readOnly: true });
    expect(viewer.recovery.tornTail?.bytes).toBe(512);
    expect(statSync(join(dir, JOURNAL_FILE)).size).toBe(size);
    await viewer.close();
  });

  it.each([
    ['garbage', 'not JSON {'],
    ['a truncated write', '{"formatVersion":1,"id":"x'],
    ['valid JSON of the wrong shape', '{"formatVersion":1,"revision":-1}'],
    ['an empty file', ''],
  ])('falls back to the previous snapshot when assessment.json is %s', async (_, content) => {
    const { dir, ws } = await withUnsnapshottedChanges();
    const copy = crashCopy(dir);
    await ws.close();
    writeFileSync(join(copy, ASSESSMENT_FILE), content);
    const recovered = await open(copy);
    expect(recovered.recovery.source).toBe(BACKUP_FILE);
    expect(recovered.recovery.issues.join(' ')).toMatch(/assessment\.json is not (readable JSON|a valid assessment)/);
    expect(recovered.assessment.revision).toBe(5);
    expect(recovered.assessment.service.description).toBe('changed after the snapshot');
    // Repaired at once: a valid assessment.json is back on disk.
    expect(diskState(copy).snapshot.revision).toBe(5);
    await recovered.close();
  });

  it('rebuilds from the journal alone when no snapshot is readable', async () => {
    const { dir, ws } = await withUnsnapshottedChanges();
    const copy = crashCopy(dir);
    await ws.close();
    writeFileSync(join(copy, ASSESSMENT_FILE), '\u0000\u0000');
    rmSync(join(copy, BACKUP_FILE));
    const recovered = await open(copy);
    expect(recovered.recovery).toMatchObject({ source: 'journal', snapshotRevision: null, replayed: 6, revision: 5 });
    expect(recovered.assessment.criteria['C-1']?.notes).toBe('v4');
    await recovered.close();
    const missing = crashCopy(copy);
    rmSync(join(missing, ASSESSMENT_FILE));
    rmSync(join(missing, BACKUP_FILE));
    const rebuilt = await open(missing);
    expect(rebuilt.recovery.issues[0]).toBe('assessment.json was missing.');
    expect(rebuilt.assessment.revision).toBe(5);
    await rebuilt.close();
  });

  it('re-anchors a lost journal on the snapshot, keeping the audit trail going', async () => {
    const { dir, ws } = await withUnsnapshottedChanges();
    await ws.close();
    rmSync(join(dir, JOURNAL_FILE));
    const ws2 = await open(dir);
    expect(ws2.recovery.issues.join(' ')).toMatch(/journal\.jsonl ends at change -1 but assessment\.json is at revision 5/);
    expect(ws2.assessment.revision).toBe(6);
    await ok(ws2.apply(note('C-1', 'after')));
    await ws2.close();
    const journal = await readJournal(dir);
    expect(journal.map((e) => [e.seq, e.change.op])).toEqual([
      [6, 'journal.resume'],
      [7, 'answer.set'],
    ]);
    const again = await open(dir);
    expect(again.recovery.issues).toEqual([]);
    expect(again.assessment.criteria['C-1']?.notes).toBe('after');
    await again.close();
  });

  it('refuses to open when a damaged journal line hides changes the snapshot lacks', async () => {
    const { dir, ws } = await withUnsnapshottedChanges();
    const copy = crashCopy(dir);
    await ws.close();
    const lines = readFileSync(join(copy, JOURNAL_FILE), 'utf8').split('\n');
    // Line 5 is change 4 (line 1 is the creation entry): flip one character of its value.
    lines[4] = lines[4]!.replace('"v4"', '"v5"');
    writeFileSync(join(copy, JOURNAL_FILE), lines.join('\n'));
    await expect(open(copy)).rejects.toMatchObject({
      code: 'corrupt',
      message: expect.stringMatching(/journal\.jsonl line 6 cannot be replayed \(change #5 follows revision 3: entries 4–4 are missing\)\. Restore the folder from a backup/),
    });
    // Damage inside what the snapshot already holds is reported, not fatal.
    const old = crashCopy(dir);
    const oldLines = readFileSync(join(old, JOURNAL_FILE), 'utf8').split('\n');
    oldLines[1] = oldLines[1]!.replace('"v1"', '"vX"');
    writeFileSync(join(old, JOURNAL_FILE), oldLines.join('\n'));
    const ws3 = await open(old);
    expect(ws3.recovery.issues).toContain('journal.jsonl line 2 is damaged (checksum mismatch).');
    expect(ws3.assessment.revision).toBe(5);
    await ws3.close();
  });

  it('refuses a newer format and leaves the file untouched', async () => {
    const dir = await fresh();
    const path = join(dir, ASSESSMENT_FILE);
    const newer = JSON.stringify({ ...JSON.parse(readFileSync(path, 'utf8')), formatVersion: FORMAT_VERSION + 1, futureField: true });
    writeFileSync(path, newer);
    await expect(open(dir)).rejects.toMatchObject({ code: 'newer-format', message: expect.stringContaining('update TF Assessor') });
    expect(readFileSync(path, 'utf8')).toBe(newer);
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });

  it('removes temp files a crash left behind, but not the lock file another live process is writing', async () => {
    const dir = await fresh();
    writeFileSync(join(dir, `.${ASSESSMENT_FILE}.12345.0123456789ab.tmp`), 'half');
    writeFileSync(join(dir, 'evidence', '.capture.12345.0123456789ab.tmp'), 'half a photo');
    const dead = join(dir, `.${LOCK_FILE}.${2 ** 22 + 17}.0123456789ab.tmp`);
    const live = join(dir, `.${LOCK_FILE}.${process.ppid}.0123456789ab.tmp`);
    writeFileSync(dead, '{}');
    writeFileSync(live, '{}');
    const ws = await open(dir);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([`.${LOCK_FILE}.${process.ppid}.0123456789ab.tmp`]);
    rmSync(live);
    expect(readdirSync(join(dir, 'evidence'))).toEqual([]);
    await ws.close();
  });
});

describe('format migration', () => {
  const fixture = join(import.meta.dirname, '..', 'assessment', '__fixtures__', 'assessment.v0.json');

  it('migrates a format-0 folder, keeping the original as assessment.v0.bak.json and journaling it', async () => {
    const dir = join(root, `v0-${++n}`);
    mkdirSync(join(dir, 'evidence'), { recursive: true });
    const original = readFileSync(fixture);
    writeFileSync(join(dir, ASSESSMENT_FILE), original);
    writeFileSync(join(dir, 'evidence', 'c'.repeat(64)), Buffer.alloc(1234));

    const ws = await open(dir);
    expect(ws.recovery).toMatchObject({ migratedFrom: 0, migrationBackup: 'assessment.v0.bak.json', revision: 15 });
    expect(readFileSync(join(dir, 'assessment.v0.bak.json'))).toEqual(original);
    const disk = diskState(dir);
    expect(disk.snapshot.formatVersion).toBe(FORMAT_VERSION);
    expect(disk.snapshot.revision).toBe(15);
    expect(disk.snapshot.organization.identifiers).toEqual([{ scheme: 'jp-corporate-number', value: '5010401067252' }]);
    const journal = await ws.readJournal();
    expect(journal).toHaveLength(1);
    expect(journal[0]).toMatchObject({ seq: 15, actor: 'Sato Hanako', change: { op: 'format.migrate', from: 0, to: FORMAT_VERSION } });
    await ok(ws.apply(note('IAL2-2', 'follow-up')));
    await ws.close();

    const again = await open(dir);
    expect(again.recovery.migratedFrom).toBeNull();
    expect(again.assessment.criteria['IAL2-2']?.notes).toBe('follow-up');
    await again.close();
    // Even with the snapshot gone, the journal rebuilds the migrated document.
    rmSync(join(dir, ASSESSMENT_FILE));
    rmSync(join(dir, BACKUP_FILE), { force: true });
    const rebuilt = await open(dir);
    expect(rebuilt.recovery.source).toBe('journal');
    expect(rebuilt.assessment.criteria['IAL2-2']).toEqual({ status: 'minor-nc', notes: 'follow-up' });
    await rebuilt.close();
  });

  it('a migration that cannot be written leaves the old file as it was, and succeeds later', async () => {
    const { fs, faults } = faultyFs();
    const dir = join(root, `v0full-${++n}`);
    mkdirSync(dir);
    const original = readFileSync(fixture);
    writeFileSync(join(dir, ASSESSMENT_FILE), original);
    faults.code = 'ENOSPC';
    faults.only = (path) => path.endsWith(JOURNAL_FILE);
    await expect(open(dir, { fs, retryDelayMs: 10 })).rejects.toMatchObject({ code: 'disk-full' });
    // Space comes back: nothing of the failed open may wake up and write on its own.
    faults.code = null;
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(readFileSync(join(dir, ASSESSMENT_FILE))).toEqual(original);
    expect(readFileSync(join(dir, JOURNAL_FILE)).length).toBe(0);
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    const ws = await open(dir, { fs });
    expect(ws.recovery.migratedFrom).toBe(0);
    expect(readFileSync(join(dir, 'assessment.v0.bak.json'))).toEqual(original);
    await ws.close();
  });

  it('read-only open migrates in memory only', async () => {
    const dir = join(root, `v0ro-${++n}`);
    mkdirSync(dir);
    writeFileSync(join(dir, ASSESSMENT_FILE), readFileSync(fixture));
    const viewer = await open(dir, { readOnly: true });
    expect(viewer.assessment.formatVersion).toBe(FORMAT_VERSION);
    expect(viewer.recovery.migratedFrom).toBe(0);
    await viewer.close();
    expect(readdirSync(dir)).toEqual([ASSESSMENT_FILE]);
  });
});
