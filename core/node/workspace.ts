/**
 * Workspace storage: one folder per assessment.
 *
 *   assessment.json         snapshot of the document, with the journal seq it includes (`revision`)
 *   assessment.json.bak     the previous snapshot (hard link)
 *   journal.jsonl           append-only audit trail; every change, fsynced before it is acknowledged
 *   evidence/<sha256>       collected files, read-only
 *   evidence/<sha256>.json  their metadata
 *   workspace.lock          who has the assessment open
 *
 * Journal first: `apply()` appends the change to the journal and fsyncs it — the moment it
 * resolves, the change survives kill -9 and power loss — then updates memory and schedules
 * a debounced snapshot. The journal starts with the whole initial document, so the journal
 * alone can always rebuild the assessment; the snapshot only makes opening fast.
 * See docs/decisions/0006-workspace-storage.md.
 */
import { randomUUID } from 'node:crypto';
import { basename, join } from 'node:path';
import { InvalidInputError } from '../assessment/errors';
import { newAssessment, type AssessmentInit } from '../assessment/create';
import { FORMAT_VERSION, own, type Assessment, type EvidenceItem } from '../assessment/schema';
import { applyChange, applyChanges, evidenceLinks, parseChange, BASE_OPS, type BaseChange, type BaseOp, type Change, type JournalEntry } from '../assessment/ops';
import { migrateChange, migrateDocument } from '../assessment/format';
import { sanitizeDisplayName } from '../assessment/display-name';
import type { Pack } from '../criteria/schema';
import { fsyncDir, isAtomicTempName, writeFileAtomic } from './atomic-file';
import { StorageError, errno, nodeFs, storageErrorFrom, writeAll, type FileHandlePort, type FsPort } from './fs-port';
import { encodeJournalLine, parseStoredEntry, scanJournal, type StoredEntry } from './journal';
import { LOCK_FILE, acquireLock, isProcessAlive, type HeldLock, type LockInfo } from './lock';
import { EVIDENCE_DIR, evidenceBlobPath, evidenceMetaPath, evidenceMetadata, guessMediaType, removeReadOnly, storeBlob, verifyBlob, type BlobCheck } from './evidence';

export const ASSESSMENT_FILE = 'assessment.json';
export const BACKUP_FILE = 'assessment.json.bak';
export const JOURNAL_FILE = 'journal.jsonl';

export type Result<T> = { ok: true; value: T } | { ok: false; error: StorageError };

export interface WorkspaceOptions {
  /** Who makes the changes (recorded in every journal entry). */
  actor: string;
  /** Open for reading only: no lock, nothing written, no repair. */
  readOnly?: boolean;
  /** Quiet time before a snapshot is saved after a change (default 1000 ms). */
  snapshotDelayMs?: number;
  /** Longest a snapshot waits while changes keep coming (default 10 s). */
  snapshotMaxDelayMs?: number;
  /** After a failed write (disk full, read-only), how often to try again on its own (default 5 s). */
  retryDelayMs?: number;
  /** When given, edits are checked against the pinned pack's criteria, roles and levels. */
  pack?: Pack;
  fs?: FsPort;
  now?: () => Date;
  /** For tests of the lock: the host name to record and compare. */
  hostname?: string;
}

export interface CreateOptions {
  actor: string;
  fs?: FsPort;
  now?: () => Date;
  /** Assessment id; a random UUID by default. */
  id?: string;
}

/** What opening found and did. `issues` holds one line per problem, for the user. */
export interface RecoveryReport {
  /** Where the document came from before replaying the journal. */
  source: 'assessment.json' | 'assessment.json.bak' | 'journal';
  /** Revision of that snapshot (null when rebuilt from the journal's base entry). */
  snapshotRevision: number | null;
  /** Journal entries applied on top of it. */
  replayed: number;
  revision: number;
  /** A write cut short at the end of the journal: ignored (and cut off unless read-only). */
  tornTail: { line: number; bytes: number } | null;
  /** Format the document was migrated from, when it was older. */
  migratedFrom: number | null;
  /** Backup of the pre-migration document, when one was written. */
  migrationBackup: string | null;
  /** Holder of a stale lock that was taken over. */
  staleLock: LockInfo | null;
  /** Evidence files present without a record (an interrupted capture): kept, reused if added again. */
  orphanBlobs: string[];
  issues: string[];
}

export interface WorkspaceStatus {
  /** Revision in memory, including changes not yet saved. */
  revision: number;
  /** Last revision durable in the journal. */
  acknowledged: number;
  /** Revision of the assessment.json snapshot on disk. */
  saved: number;
  /** Changes in memory not yet in the journal (a write failed; retried on the next change or `retry()`). */
  unsaved: number;
  /** The last write failure, until a write succeeds. */
  error: StorageError | null;
  closed: boolean;
}

export interface AddEvidenceOptions {
  /** Display name; defaults to the file's name. Always sanitized. */
  name?: string;
  mediaType?: string;
  description?: string;
  /** Criteria to link the evidence to. */
  criteria?: string[];
}

export interface AddedEvidence {
  hash: string;
  item: EvidenceItem;
  /** The workspace already held these bytes: only a capture record and links were added. */
  deduplicated: boolean;
  entry: JournalEntry;
}

export interface Workspace {
  readonly dir: string;
  readonly actor: string;
  readonly readOnly: boolean;
  /** The document in memory, including unsaved changes. Treat as immutable. */
  readonly assessment: Assessment;
  readonly recovery: RecoveryReport;
  status(): WorkspaceStatus;
  /** Called after every state or save-status change. Returns the unsubscribe function. */
  subscribe(listener: (status: WorkspaceStatus) => void): () => void;
  /**
   * Applies one change. Resolves `ok` once the change is durable in the journal. On a write
   * failure the change stays in memory, queued, and the result carries the error.
   */
  apply(change: Change | unknown): Promise<Result<JournalEntry>>;
  /** Applies several changes with one journal write: all are applied or, if one is invalid, none. */
  applyAll(changes: readonly (Change | unknown)[]): Promise<Result<JournalEntry[]>>;
  /**
   * Switches the pack later edits are checked against, after a `pack.migrate` change moved
   * the assessment to it. Refused unless it is the pack the document now pins.
   */
  usePack(pack: Pack): void;
  /** Streams a file into the evidence store and records it (see evidence.ts). */
  addEvidence(sourcePath: string, options?: AddEvidenceOptions): Promise<Result<AddedEvidence>>;
  /** Re-hashes one evidence file. */
  verifyEvidence(hash: string): Promise<Result<BlobCheck>>;
  /** Path of an evidence file (the hash is validated). */
  evidencePath(hash: string): string;
  /** The audit trail as stored (every valid journal line). */
  readJournal(): Promise<StoredEntry[]>;
  /** Writes queued changes to the journal. */
  retry(): Promise<Result<void>>;
  /** Writes queued changes and saves the snapshot now. */
  flush(): Promise<Result<void>>;
  /**
   * Flushes, then releases the lock. Refuses (and stays open) while changes could not be
   * written, unless `discardUnsaved` is set.
   */
  close(options?: { discardUnsaved?: boolean }): Promise<Result<void>>;
}

/**
 * Creates a workspace folder (which must be empty or absent) holding a new assessment:
 * the journal's first entry carries the whole initial document, then the first snapshot.
 * @throws StorageError — `exists` for a non-empty folder, `invalid-input`, or an I/O error.
 */
export async function createWorkspace(dir: string, init: AssessmentInit, options: CreateOptions): Promise<Assessment> {
  const fs = options.fs ?? nodeFs;
  const now = (options.now ?? (() => new Date()))().toISOString();
  let assessment: Assessment;
  try {
    assessment = newAssessment(init, { id: options.id ?? randomUUID(), now });
  } catch (err) {
    if (err instanceof InvalidInputError) throw new StorageError('invalid-input', err.message);
    throw err;
  }
  if (!options.actor?.trim()) throw new StorageError('invalid-input', 'Who is creating the assessment (actor) must be given.');
  try {
    await fs.mkdir(dir);
    const existing = (await fs.readdir(dir)).filter((name) => !name.startsWith('.'));
    if (existing.length > 0) {
      throw new StorageError('exists', `${dir} is not empty (${existing.slice(0, 3).join(', ')}${existing.length > 3 ? ', …' : ''}): choose an empty folder for a new assessment.`);
    }
    await fs.mkdir(join(dir, EVIDENCE_DIR));
    const entry: JournalEntry = { seq: 0, at: now, actor: options.actor, change: { op: 'assessment.create', assessment }, old: null, new: null };
    // 'wx': if two creators race for one folder, exactly one gets the journal.
    const fh = await fs.open(join(dir, JOURNAL_FILE), 'wx', 0o600);
    try {
      await writeAll(fh, encodeJournalLine(entry));
      await fh.sync();
    } finally {
      await fh.close();
    }
    await fsyncDir(dir, fs);
    await writeFileAtomic(join(dir, ASSESSMENT_FILE), serialize(assessment), { fs });
  } catch (err) {
    if (errno(err) === 'EEXIST') throw new StorageError('exists', `${dir} already holds an assessment: open it instead.`);
    throw storageErrorFrom(err, 'create the assessment', dir);
  }
  return assessment;
}

/**
 * Opens a workspace: takes the lock, loads the snapshot (falling back to the previous one,
 * then to the journal alone), replays newer journal entries, cuts off a torn last line,
 * migrates an older format (keeping `assessment.v<N>.bak.json`).
 * @throws StorageError — `locked` naming the holder, `not-found`, `newer-format`,
 *   `corrupt` (damage the journal cannot make up for), or an I/O error.
 */
export async function openWorkspace(dir: string, options: WorkspaceOptions): Promise<Workspace> {
  if (!options.actor?.trim()) throw new StorageError('invalid-input', 'Who is editing (actor) must be given to open an assessment.');
  const fs = options.fs ?? nodeFs;
  const readOnly = options.readOnly === true;
  const lock = readOnly ? null : await acquireLock(dir, { fs, ...(options.hostname !== undefined && { hostname: options.hostname }) });
  try {
    const loaded = await load(dir, fs, readOnly);
    loaded.report.staleLock = lock?.tookOverFrom ?? null;
    if (lock?.tookOverFrom) {
      const t = lock.tookOverFrom;
      loaded.report.issues.push(`The assessment was not closed properly (TF Assessor pid ${t.pid} on ${t.hostname} stopped); its lock was released.`);
    }
    const ws = new WorkspaceImpl(dir, fs, options, lock, loaded);
    try {
      await ws.init(loaded);
    } catch (err) {
      // No timer of a workspace nobody holds may write after its lock is gone.
      await ws.dispose();
      throw err;
    }
    return ws;
  } catch (err) {
    await lock?.release().catch(() => undefined);
    throw err;
  }
}

/** Reads the audit trail of a workspace without opening it. */
export async function readJournal(dir: string, fs: FsPort = nodeFs): Promise<StoredEntry[]> {
  const data = await readOptional(fs, join(dir, JOURNAL_FILE));
  if (!data) return [];
  return scanJournal(data).lines.map((l) => {
    try {
      return parseStoredEntry(l.body);
    } catch (err) {
      throw new StorageError('corrupt', `${join(dir, JOURNAL_FILE)} line ${l.line} is not a journal entry (${(err as Error).message}).`);
    }
  });
}

// ---------------------------------------------------------------------------------------

interface Loaded {
  state: Assessment;
  report: RecoveryReport;
  journalLength: number;
  /** Journal seq the file ends at (-1 when empty). */
  lastSeq: number;
  /** Revision of the snapshot on disk that is valid and current-format (-1: none). */
  savedRevision: number;
  migration: { from: number; original: Buffer } | null;
  /** Evidence whose metadata file may be older than the document. */
  dirtyEvidence: Set<string>;
}

async function readOptional(fs: FsPort, path: string): Promise<Buffer | null> {
  try {
    return await fs.readFile(path);
  } catch (err) {
    if (errno(err) === 'ENOENT') return null;
    throw storageErrorFrom(err, 'read', path);
  }
}

function isBaseOp(op: string): op is BaseOp {
  return (BASE_OPS as readonly string[]).includes(op);
}

async function load(dir: string, fs: FsPort, readOnly: boolean): Promise<Loaded> {
  const issues: string[] = [];
  if (!readOnly) await removeLeftoverTempFiles(dir, fs);
  const journalPath = join(dir, JOURNAL_FILE);
  const journalData = await readOptional(fs, journalPath);
  const scan = scanJournal(journalData ?? Buffer.alloc(0));
  if (scan.torn) {
    issues.push(`${JOURNAL_FILE} ended with an incomplete line (${scan.torn.bytes} bytes, line ${scan.torn.line}) from an interrupted write; it was ignored — that change had not been acknowledged.`);
  }
  for (const d of scan.damaged) issues.push(`${JOURNAL_FILE} line ${d.line} is damaged (checksum mismatch).`);

  // 1. The newest readable snapshot.
  let base: { state: Assessment; source: RecoveryReport['source']; from: number; bytes: Buffer } | null = null;
  for (const name of [ASSESSMENT_FILE, BACKUP_FILE] as const) {
    const bytes = await readOptional(fs, join(dir, name));
    if (!bytes) {
      if (name === ASSESSMENT_FILE && journalData) issues.push(`${ASSESSMENT_FILE} was missing.`);
      continue;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(bytes.toString('utf8'));
    } catch (err) {
      issues.push(`${name} is not readable JSON (${(err as Error).message}).`);
      continue;
    }
    try {
      const m = migrateDocument(raw);
      base = { state: m.assessment, source: name, from: m.from, bytes };
      break;
    } catch (err) {
      const message = (err as Error).message;
      // A newer format must not be "recovered" by an older program that would drop what it does not know.
      if (message.includes('newer TF Assessor')) throw new StorageError('newer-format', message);
      issues.push(`${name} is not a valid assessment (${message}).`);
    }
  }
  if (!base && !journalData) {
    throw new StorageError('not-found', `${dir} is not an assessment folder (no ${ASSESSMENT_FILE} or ${JOURNAL_FILE}).`);
  }

  // 2. Replay what the journal holds beyond it, in batches between base entries (a batch
  // copies each part of the document once, however many entries it holds).
  let state: Assessment | null = base?.state ?? null;
  let revision = state ? state.revision : -1;
  let replayed = 0;
  const dirtyEvidence = new Set<string>();
  let batch: { change: unknown; meta: { seq: number; at: string; actor: string }; line: number }[] = [];
  const applyBatch = () => {
    if (batch.length === 0 || !state) return;
    try {
      state = applyChanges(state, batch).assessment;
    } catch (err) {
      if (!(err instanceof InvalidInputError)) throw err;
      // Find the entry at fault, one by one, to name its line.
      let s = state;
      for (const item of batch) {
        try {
          s = applyChange(s, item.change, item.meta).assessment;
        } catch (e) {
          throw corrupt(dir, item.line, (e as Error).message);
        }
      }
      throw corrupt(dir, batch[0]!.line, err.message);
    }
    batch = [];
  };
  for (const line of scan.lines) {
    if (state && line.seq <= revision) continue;
    let entry: StoredEntry;
    try {
      entry = parseStoredEntry(line.body);
    } catch (err) {
      throw corrupt(dir, line.line, (err as Error).message);
    }
    if (isBaseOp(entry.change.op)) {
      applyBatch();
      let doc: Assessment;
      try {
        doc = migrateDocument((entry.change as BaseChange).assessment).assessment;
      } catch (err) {
        throw corrupt(dir, line.line, (err as Error).message);
      }
      state = { ...doc, revision: entry.seq };
      for (const hash of Object.keys(state.evidence)) dirtyEvidence.add(hash);
    } else {
      if (!state) throw corrupt(dir, line.line, 'the journal does not start with the assessment it changes');
      if (entry.seq !== revision + 1) {
        throw corrupt(dir, line.line, `change #${entry.seq} follows revision ${revision}: entries ${revision + 1}–${entry.seq - 1} are missing`);
      }
      const change = migrateChange(entry.change, entry.fv);
      batch.push({ change, meta: { seq: entry.seq, at: entry.at, actor: entry.actor }, line: line.line });
      const hash = (change as { hash?: unknown }).hash;
      if (typeof hash === 'string') dirtyEvidence.add(hash);
      // A pack migration moves links of any evidence: every metadata file may be stale.
      if ((change as { op?: unknown }).op === 'pack.migrate' && state) for (const h of Object.keys(state.evidence)) dirtyEvidence.add(h);
    }
    revision = entry.seq;
    replayed += 1;
  }
  applyBatch();
  if (!state) {
    throw new StorageError('corrupt', `${dir}: ${ASSESSMENT_FILE} is unreadable and ${JOURNAL_FILE} holds no complete assessment to rebuild it from. Restore the folder from a backup.`);
  }
  const source: RecoveryReport['source'] = base ? base.source : 'journal';
  // Metadata files are written before each snapshot, so they are at least as new as any
  // snapshot (the .bak included); rebuilt from the journal alone, they may all be stale —
  // the base entry replayed above marked every item.
  if (source !== ASSESSMENT_FILE) {
    issues.push(`Recovered from ${source === 'journal' ? `${JOURNAL_FILE} alone` : BACKUP_FILE} and the journal (revision ${state.revision}).`);
  }
  const lastSeq = scan.lines.length > 0 ? scan.lines[scan.lines.length - 1]!.seq : -1;
  if (lastSeq < state.revision) {
    issues.push(`${JOURNAL_FILE} ends at change ${lastSeq} but ${source} is at revision ${state.revision}: the audit trail before this point is incomplete.`);
  }

  // 3. Evidence files against records.
  const orphanBlobs: string[] = [];
  try {
    const names = new Set(await fs.readdir(join(dir, EVIDENCE_DIR)));
    for (const [hash, item] of Object.entries(state.evidence)) {
      if (!names.has(hash)) issues.push(`Evidence "${item.name}" (${hash.slice(0, 12)}…) is missing from ${EVIDENCE_DIR}/.`);
    }
    for (const name of names) if (/^[0-9a-f]{64}$/.test(name) && !own(state.evidence, name)) orphanBlobs.push(name);
  } catch (err) {
    if (errno(err) !== 'ENOENT' || Object.keys(state.evidence).length > 0) issues.push(`The ${EVIDENCE_DIR}/ folder cannot be read (${errno(err) ?? (err as Error).message}).`);
  }

  const migratedFrom = base && base.from < FORMAT_VERSION ? base.from : null;
  return {
    state,
    report: {
      source,
      snapshotRevision: base ? base.state.revision : null,
      replayed,
      revision: state.revision,
      tornTail: scan.torn ? { line: scan.torn.line, bytes: scan.torn.bytes } : null,
      migratedFrom,
      migrationBackup: null,
      staleLock: null,
      orphanBlobs,
      issues,
    },
    journalLength: scan.validLength,
    lastSeq,
    savedRevision: base && base.source === ASSESSMENT_FILE && migratedFrom === null ? base.state.revision : -1,
    migration: migratedFrom !== null && base ? { from: migratedFrom, original: base.bytes } : null,
    dirtyEvidence,
  };
}

function corrupt(dir: string, line: number, reason: string): StorageError {
  return new StorageError('corrupt', `${join(dir, JOURNAL_FILE)} line ${line} cannot be replayed (${reason}). Restore the folder from a backup, or open it read-only to inspect it.`);
}

async function removeLeftoverTempFiles(dir: string, fs: FsPort): Promise<void> {
  for (const folder of [dir, join(dir, EVIDENCE_DIR)]) {
    let names: string[];
    try {
      names = await fs.readdir(folder);
    } catch {
      continue;
    }
    for (const name of names) {
      if (!isAtomicTempName(name)) continue;
      const path = join(folder, name);
      // Another live process may be creating its lock file this very moment: leave its temp file.
      if (name.startsWith(`.${LOCK_FILE}.`)) {
        const pid = Number(name.slice(LOCK_FILE.length + 2).split('.')[0]);
        if (pid !== process.pid && isProcessAlive(pid)) continue;
      }
      await removeReadOnly(fs, path);
    }
  }
}

/** Pretty JSON: assessors and certification bodies read and diff this file. */
function serialize(assessment: Assessment): string {
  return `${JSON.stringify(assessment, null, 1)}\n`;
}

interface Queued {
  entry: JournalEntry;
  line: Buffer;
  /** The document after this entry; set on the last entry of each batch. */
  state: Assessment | null;
}

class WorkspaceImpl implements Workspace {
  readonly actor: string;
  readonly readOnly: boolean;
  readonly recovery: RecoveryReport;
  private state: Assessment;
  private acked: Assessment;
  private queue: Queued[] = [];
  private journal: FileHandlePort | null = null;
  private journalLength: number;
  private journalNeedsTruncate = false;
  private savedRevision: number;
  private dirtyEvidence: Set<string>;
  /** Set while journal writes fail (changes queued in memory). */
  private journalError: StorageError | null = null;
  /** Set while snapshot or evidence writes fail (nothing lost: the journal has it all). */
  private saveError: StorageError | null = null;
  private closed = false;
  private lane: Promise<unknown> = Promise.resolve();
  private saving: Promise<Result<void>> | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private firstDirtyAt = 0;
  private listeners = new Set<(s: WorkspaceStatus) => void>();
  private readonly now: () => Date;
  private pack: Pack | undefined;
  private readonly delayMs: number;
  private readonly maxDelayMs: number;

  constructor(
    readonly dir: string,
    private readonly fs: FsPort,
    private readonly options: WorkspaceOptions,
    private readonly lock: HeldLock | null,
    loaded: Loaded,
  ) {
    this.actor = options.actor;
    this.readOnly = options.readOnly === true;
    this.recovery = loaded.report;
    this.state = loaded.state;
    this.acked = loaded.state;
    this.journalLength = loaded.journalLength;
    this.savedRevision = loaded.savedRevision;
    this.dirtyEvidence = loaded.dirtyEvidence;
    this.now = options.now ?? (() => new Date());
    this.pack = options.pack;
    this.delayMs = options.snapshotDelayMs ?? 1000;
    this.maxDelayMs = options.snapshotMaxDelayMs ?? 10_000;
  }

  /** Repairs and migrations found by `load`, done once the lock is held. */
  async init(loaded: Loaded): Promise<void> {
    if (this.readOnly) return;
    const journalPath = join(this.dir, JOURNAL_FILE);
    if (loaded.report.tornTail) {
      // Cut the torn line off, or the next entry would be glued to it.
      try {
        const fh = await this.fs.open(journalPath, 'r+');
        try {
          await fh.truncate(this.journalLength);
          await fh.sync();
        } finally {
          await fh.close();
        }
      } catch (err) {
        throw storageErrorFrom(err, 'repair the journal', journalPath);
      }
    }
    const resume = loaded.lastSeq < this.state.revision;
    if (loaded.migration || resume) {
      const backup = loaded.migration ? `assessment.v${loaded.migration.from}.bak.json` : null;
      if (backup && loaded.migration) {
        const backupPath = join(this.dir, backup);
        // Keep the first backup if a previous attempt already wrote one.
        if ((await readOptional(this.fs, backupPath)) === null) {
          await writeFileAtomic(backupPath, loaded.migration.original, { fs: this.fs }).catch((err: unknown) => {
            throw storageErrorFrom(err, 'back up the assessment before migrating it', backupPath);
          });
        }
        this.recovery.migrationBackup = backup;
      }
      // A base entry re-anchors the journal: the migrated document, or the snapshot the
      // journal lost track of.
      const seq = this.state.revision + 1;
      const at = this.now().toISOString();
      const next: Assessment = { ...this.state, revision: seq, updatedAt: at };
      const change: BaseChange = loaded.migration
        ? { op: 'format.migrate', from: loaded.migration.from, to: FORMAT_VERSION, assessment: next }
        : { op: 'journal.resume', reason: `${JOURNAL_FILE} ended at change ${loaded.lastSeq}`, assessment: next };
      const entry: JournalEntry = { seq, at, actor: this.actor, change, old: null, new: null };
      this.queue.push({ entry, line: encodeJournalLine(entry), state: next });
      this.state = next;
      const written = await this.writeQueued();
      if (!written.ok) throw written.error;
      this.recovery.revision = this.state.revision;
    }
    if (this.acked.revision !== this.savedRevision || this.dirtyEvidence.size > 0) {
      if (this.recovery.source !== ASSESSMENT_FILE || loaded.migration) {
        const saved = await this.saveSnapshot();
        if (!saved.ok) this.recovery.issues.push(saved.error.message);
      } else {
        this.scheduleSnapshot();
      }
    }
  }

  /** Stops everything without saving (opening failed). */
  async dispose(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.timer = null;
    this.retryTimer = null;
    await this.journal?.close().catch(() => undefined);
    this.journal = null;
  }

  get assessment(): Assessment {
    return this.state;
  }

  status(): WorkspaceStatus {
    return {
      revision: this.state.revision,
      acknowledged: this.acked.revision,
      saved: this.savedRevision,
      unsaved: this.queue.length,
      error: this.journalError ?? this.saveError,
      closed: this.closed,
    };
  }

  subscribe(listener: (status: WorkspaceStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(): void {
    const s = this.status();
    for (const l of this.listeners) {
      try {
        l(s);
      } catch {
        // A listener's failure must not fail a save.
      }
    }
  }

  private refuseWrite(): StorageError | null {
    if (this.closed) return new StorageError('closed', 'This assessment was closed: open it again to make changes.');
    if (this.readOnly) return new StorageError('read-only', 'This assessment is open read-only: open it for editing to make changes.');
    return null;
  }

  /** Runs journal work one at a time, in call order. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lane.then(fn, fn);
    this.lane = run.catch(() => undefined);
    return run;
  }

  async apply(change: Change | unknown): Promise<Result<JournalEntry>> {
    const r = await this.applyAll([change]);
    return r.ok ? { ok: true, value: r.value[0]! } : r;
  }

  applyAll(changes: readonly (Change | unknown)[]): Promise<Result<JournalEntry[]>> {
    return this.exclusive(async () => {
      const refused = this.refuseWrite();
      if (refused) return { ok: false, error: refused };
      const at = this.now().toISOString();
      let batch;
      try {
        batch = applyChanges(
          this.state,
          changes.map((change) => ({ change, meta: { at, actor: this.actor } })),
          this.pack ? { pack: this.pack } : {},
        );
      } catch (err) {
        if (err instanceof InvalidInputError) return { ok: false, error: new StorageError('invalid-input', err.message) };
        throw err;
      }
      const next = batch.assessment;
      const last = batch.entries.length - 1;
      const items: Queued[] = batch.entries.map((entry, i) => ({ entry, line: encodeJournalLine(entry), state: i === last ? next : null }));
      if (items.length === 0) return { ok: true, value: [] };
      this.queue.push(...items);
      // (1) journal + fsync — the acknowledgement point; (2) memory. A failed write keeps
      // the change in memory, queued, so nothing the assessor typed is thrown away.
      const written = await this.writeQueued();
      this.state = next;
      this.emit();
      return written.ok ? { ok: true, value: items.map((i) => i.entry) } : written;
    });
  }

  /** Appends every queued entry with one write and one fsync. Caller holds the lane. */
  private async writeQueued(): Promise<Result<void>> {
    if (this.queue.length === 0) return { ok: true, value: undefined };
    const path = join(this.dir, JOURNAL_FILE);
    const data = this.queue.length === 1 ? this.queue[0]!.line : Buffer.concat(this.queue.map((q) => q.line));
    try {
      if (!this.journal) {
        this.journal = await this.fs.open(path, 'a', 0o600);
        // The journal may have just been created: make its directory entry durable too.
        await fsyncDir(this.dir, this.fs);
      }
      if (this.journalNeedsTruncate) {
        await this.journal.truncate(this.journalLength);
        this.journalNeedsTruncate = false;
      }
      await writeAll(this.journal, data);
      await this.journal.datasync();
    } catch (err) {
      // A write cut short must not stay in the middle of the journal: cut back to the last
      // acknowledged byte now, or before the next attempt.
      this.journalNeedsTruncate = true;
      if (this.journal) {
        try {
          await this.journal.truncate(this.journalLength);
          this.journalNeedsTruncate = false;
        } catch {
          await this.journal.close().catch(() => undefined);
          this.journal = null;
        }
      }
      const base = storageErrorFrom(err, 'save the change to the journal', path);
      const n = this.queue.length;
      const error = new StorageError(base.code, `${base.message} ${n === 1 ? '1 change is' : `${n} changes are`} kept in memory and will be saved on the next change or retry.`, { cause: err });
      this.journalError = error;
      this.scheduleRetry();
      return { ok: false, error };
    }
    this.journalLength += data.length;
    const last = this.queue[this.queue.length - 1]!;
    for (const q of this.queue) {
      const hash = (q.entry.change as { hash?: unknown }).hash;
      if (typeof hash === 'string') this.dirtyEvidence.add(hash);
      if (q.entry.change.op === 'pack.migrate') for (const h of Object.keys(last.state!.evidence)) this.dirtyEvidence.add(h);
    }
    this.acked = last.state!;
    this.queue = [];
    this.journalError = null;
    this.scheduleSnapshot();
    return { ok: true, value: undefined };
  }

  /** Keeps trying queued changes on its own, so saving resumes as soon as space is freed. */
  private scheduleRetry(): void {
    if (this.retryTimer || this.closed) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.queue.length > 0 && !this.closed) void this.retry();
    }, this.options.retryDelayMs ?? 5_000);
    this.retryTimer.unref?.();
  }

  retry(): Promise<Result<void>> {
    return this.exclusive(async () => {
      const refused = this.refuseWrite();
      if (refused) return { ok: false, error: refused };
      const r = await this.writeQueued();
      this.emit();
      return r;
    });
  }

  async flush(): Promise<Result<void>> {
    const refused = this.refuseWrite();
    if (refused) return { ok: false, error: refused };
    const written = await this.retry();
    if (!written.ok) return written;
    return this.saveSnapshot();
  }

  private scheduleSnapshot(): void {
    if (this.readOnly || this.closed) return;
    if (this.acked.revision === this.savedRevision && this.dirtyEvidence.size === 0) return;
    const now = Date.now();
    if (this.firstDirtyAt === 0) this.firstDirtyAt = now;
    const delay = Math.max(0, Math.min(this.delayMs, this.firstDirtyAt + this.maxDelayMs - now));
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.saveSnapshot();
    }, delay);
    // A pending snapshot must not keep a CLI process alive: the journal already holds the change.
    this.timer.unref?.();
  }

  /**
   * Saves the acknowledged state: evidence metadata files first, then assessment.json
   * (atomic, previous one kept as .bak). Saves never overlap; each saves the newest state.
   */
  private saveSnapshot(): Promise<Result<void>> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const run = async (): Promise<Result<void>> => {
      const target = this.acked;
      const dirty = [...this.dirtyEvidence];
      if (target.revision === this.savedRevision && dirty.length === 0) return { ok: true, value: undefined };
      this.dirtyEvidence.clear();
      this.firstDirtyAt = 0;
      const path = join(this.dir, ASSESSMENT_FILE);
      try {
        if (dirty.length > 0) await this.writeEvidenceMetadata(target, dirty);
        if (target.revision !== this.savedRevision) {
          await writeFileAtomic(path, serialize(target), { fs: this.fs, backup: join(this.dir, BACKUP_FILE) });
          this.savedRevision = target.revision;
        }
        this.saveError = null;
        this.emit();
        return { ok: true, value: undefined };
      } catch (err) {
        for (const hash of dirty) this.dirtyEvidence.add(hash);
        const error = storageErrorFrom(err, 'save the assessment', path);
        // The journal holds every change: a failed snapshot loses nothing, it is retried.
        this.saveError = error;
        this.emit();
        if (!this.closed && !this.timer) {
          this.timer = setTimeout(() => {
            this.timer = null;
            void this.saveSnapshot();
          }, Math.max(this.delayMs, 5_000));
          this.timer.unref?.();
        }
        return { ok: false, error };
      }
    };
    const previous = this.saving ?? Promise.resolve({ ok: true, value: undefined } as Result<void>);
    const p = previous.then(run, run);
    this.saving = p;
    void p.finally(() => {
      if (this.saving === p) this.saving = null;
    });
    return p;
  }

  private async writeEvidenceMetadata(state: Assessment, hashes: string[]): Promise<void> {
    const links = evidenceLinks(state);
    const todo = hashes.filter((h) => own(state.evidence, h));
    // A few files at a time: thousands of fsyncs in parallel would only queue in the kernel.
    const workers = Array.from({ length: Math.min(8, todo.length) }, async () => {
      for (let hash = todo.pop(); hash !== undefined; hash = todo.pop()) {
        const doc = evidenceMetadata(hash, state.evidence[hash]!, links.get(hash) ?? []);
        await writeFileAtomic(evidenceMetaPath(this.dir, hash), `${JSON.stringify(doc, null, 1)}\n`, { fs: this.fs, syncDir: false });
      }
    });
    await Promise.all(workers);
    await fsyncDir(join(this.dir, EVIDENCE_DIR), this.fs);
  }

  usePack(pack: Pack): void {
    const pin = this.state.pack;
    if (pack.id !== pin.id || pack.version !== pin.version || pack.hash !== pin.hash) {
      throw new StorageError('invalid-input', `The assessment pins ${pin.id}@${pin.version}; edits cannot be checked against ${pack.id}@${pack.version}.`);
    }
    this.pack = pack;
  }

  async addEvidence(sourcePath: string, options: AddEvidenceOptions = {}): Promise<Result<AddedEvidence>> {
    const refused = this.refuseWrite();
    if (refused) return { ok: false, error: refused };
    const name = sanitizeDisplayName(options.name ?? basename(sourcePath));
    const item = {
      name,
      capturedAt: this.now().toISOString(),
      capturedBy: this.actor,
      mediaType: options.mediaType ?? guessMediaType(name),
      size: 0,
      ...(options.description !== undefined && { description: options.description }),
    };
    const change = { op: 'evidence.add' as const, hash: '0'.repeat(64), item, ...(options.criteria && { criteria: options.criteria }) };
    // Check everything but the hash before copying what may be gigabytes.
    try {
      parseChange(change);
    } catch (err) {
      if (err instanceof InvalidInputError) return { ok: false, error: new StorageError('invalid-input', err.message) };
      throw err;
    }
    let blob;
    try {
      blob = await storeBlob(this.dir, sourcePath, { fs: this.fs });
    } catch (err) {
      const error = storageErrorFrom(err, 'store the evidence file', join(this.dir, EVIDENCE_DIR));
      return { ok: false, error };
    }
    const deduplicated = own(this.state.evidence, blob.hash) !== undefined;
    const r = await this.apply({ ...change, hash: blob.hash, item: { ...item, size: blob.size } });
    if (!r.ok) return r;
    return { ok: true, value: { hash: blob.hash, item: this.state.evidence[blob.hash]!, deduplicated, entry: r.value } };
  }

  async verifyEvidence(hash: string): Promise<Result<BlobCheck>> {
    try {
      return { ok: true, value: await verifyBlob(this.dir, hash) };
    } catch (err) {
      return { ok: false, error: storageErrorFrom(err, 'verify the evidence file', join(this.dir, EVIDENCE_DIR)) };
    }
  }

  evidencePath(hash: string): string {
    return evidenceBlobPath(this.dir, hash);
  }

  readJournal(): Promise<StoredEntry[]> {
    return readJournal(this.dir, this.fs);
  }

  async close(options: { discardUnsaved?: boolean } = {}): Promise<Result<void>> {
    if (this.closed) return { ok: true, value: undefined };
    if (!this.readOnly) {
      const flushed = await this.flush();
      // Only unsaved journal entries block closing: a failed snapshot loses nothing.
      if (!flushed.ok && this.queue.length > 0 && !options.discardUnsaved) return flushed;
    }
    await this.exclusive(async () => {
      this.closed = true;
      if (this.timer) clearTimeout(this.timer);
      if (this.retryTimer) clearTimeout(this.retryTimer);
      this.timer = null;
      this.retryTimer = null;
      await this.saving?.catch(() => undefined);
      await this.journal?.close().catch(() => undefined);
      this.journal = null;
    });
    await this.lock?.release().catch(() => undefined);
    this.emit();
    return { ok: true, value: undefined };
  }
}
