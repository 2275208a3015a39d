/**
 * Open assessments behind the API: opaque handles → workspace folders (the registry), one
 * open workspace per handle, every edit through the workspace's journal, the score after
 * every change, autosave status, evidence intake, and closing everything on quit.
 *
 * Pure Node (no Electron import): the desktop app and the browser bridge run this same code.
 * Native dialogs come in as injected functions (`pickFolder`, `pickFiles`).
 */
import { randomUUID } from 'node:crypto';
import { mkdir, open as openFile, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Readable } from 'node:stream';
import {
  ApiFailure,
  type ArgsOf,
  type AssessmentView,
  type EvidenceSource,
  type JournalEntryView,
  type PackDetail,
  type PackSummary,
  type RecentAssessment,
  type ResultOf,
  type SaveStatus,
} from '../../../core/api/contract';
import { diffClaims } from '../../../core/assessment/claims';
import { BASE_OPS, nextFindingId, type Change } from '../../../core/assessment/ops';
import { PinnedPack, type Assessment } from '../../../core/assessment/schema';
import { toScoringInput } from '../../../core/assessment/scoring-input';
import type { Pack } from '../../../core/criteria/schema';
import { compareSemVer } from '../../../core/criteria/semver';
import { planPackMigration } from '../../../core/migration/apply';
import { MigrationError } from '../../../core/migration/migrate';
import { EVIDENCE_DIR } from '../../../core/node/evidence';
import type { PreviewSource } from '../../../core/node/evidence-preview';
import { StorageError, apiErrorCode, errno, storageErrorFrom } from '../../../core/node/fs-port';
import type { StoredEntry } from '../../../core/node/journal';
import { ASSESSMENT_FILE, createWorkspace, openWorkspace, type Workspace, type WorkspaceOptions } from '../../../core/node/workspace';
import { score } from '../../../core/scoring/score';
import type { ScoreResult } from '../../../core/scoring/types';
import { AssessmentRegistry, newHandle, summarizeWorkspace, type EntrySummary } from './assessment-registry';
import { DEFAULT_MAX_UPLOAD_BYTES, EvidenceIntake } from './evidence-intake';
import { checkDroppedFile } from './dropped-file';
import { packDetail, packSummary, type LoadPack } from './packs';

/** How many assessments `listRecent` returns. */
export const RECENT_LIMIT = 50;
/** A folder picked for a new assessment must be used within this time. */
const FOLDER_PICK_TTL_MS = 60 * 60 * 1000;

export interface AssessmentServiceOptions {
  /** The app's data folder: the registry, and `assessments/<id>/` for new assessments. */
  dataDir: string;
  /** Who makes the changes: recorded in every journal entry. */
  actor: string;
  loadPack: LoadPack;
  /**
   * Desktop only: a native folder dialog. `create` asks where a new assessment goes (an empty
   * folder), `open` for an existing assessment folder. Resolves null when cancelled.
   */
  pickFolder?: (purpose: 'create' | 'open') => Promise<string | null>;
  /** Desktop only: a native dialog for evidence files (several at once). [] when cancelled. */
  pickFiles?: () => Promise<string[]>;
  /** Largest upload `receiveUpload` accepts (default 4 GiB). */
  maxUploadBytes?: number;
  /** Workspace tuning (tests). */
  workspace?: Partial<Pick<WorkspaceOptions, 'snapshotDelayMs' | 'snapshotMaxDelayMs' | 'retryDelayMs' | 'fs' | 'now'>>;
}

export interface UploadRequest {
  assessment: string;
  name: string;
  body: Readable;
  declaredLength?: number;
}

type View = AssessmentView;

export interface AssessmentService {
  listRecent(): Promise<RecentAssessment[]>;
  create(args: ArgsOf<'tfa:assessments:create'>): Promise<View>;
  open(handle: string): Promise<View>;
  close(handle: string, discardUnsaved?: boolean): Promise<null>;
  forget(handle: string): Promise<null>;
  get(handle: string): Promise<View>;
  status(handle: string): Promise<SaveStatus>;
  setProfile(args: ArgsOf<'tfa:profile:set'>): Promise<View>;
  setAnswer(args: ArgsOf<'tfa:answers:set'>): Promise<View>;
  addEvidence(args: ArgsOf<'tfa:evidence:add'>): Promise<ResultOf<'tfa:evidence:add'>>;
  updateEvidence(args: ArgsOf<'tfa:evidence:update'>): Promise<View>;
  linkEvidence(args: ArgsOf<'tfa:evidence:link'>): Promise<View>;
  unlinkEvidence(args: ArgsOf<'tfa:evidence:unlink'>): Promise<View>;
  verifyEvidence(args: ArgsOf<'tfa:evidence:verify'>): Promise<ResultOf<'tfa:evidence:verify'>>;
  /**
   * Opens the stored file of one evidence item of an open assessment for reading (the in-app
   * preview); null when the file is missing. `not-found` when the assessment has no such evidence.
   */
  openEvidenceBlob(handle: string, hash: string): Promise<PreviewSource | null>;
  createFinding(args: ArgsOf<'tfa:findings:create'>): Promise<ResultOf<'tfa:findings:create'>>;
  updateFinding(args: ArgsOf<'tfa:findings:update'>): Promise<View>;
  deleteFinding(args: ArgsOf<'tfa:findings:delete'>): Promise<View>;
  importClaims(args: ArgsOf<'tfa:claims:import'>): Promise<View>;
  setClaim(args: ArgsOf<'tfa:claims:set'>): Promise<View>;
  clearClaims(handle: string): Promise<View>;
  journal(args: ArgsOf<'tfa:journal:list'>): Promise<ResultOf<'tfa:journal:list'>>;
  /** Moves the assessment to a newer version of its pack (one `pack.migrate` journal entry). */
  migrate(args: ArgsOf<'tfa:migration:apply'>): Promise<ResultOf<'tfa:migration:apply'>>;
  getPack(choice: ArgsOf<'tfa:packs:get'>): Promise<PackDetail>;
  pickFolder(): Promise<ResultOf<'tfa:dialogs:pickFolder'>>;
  pickAssessment(): Promise<RecentAssessment | null>;
  pickEvidence(handle: string): Promise<EvidenceSource[]>;
  /**
   * Desktop drag and drop: registers a dropped file's path (from the preload's private
   * channel, never from the contract) as an evidence source. Refuses paths inside the data
   * folder and non-regular files (services/dropped-file.ts).
   */
  registerDroppedFile(handle: string, path: string): Promise<EvidenceSource>;
  /** The preview's upload route: streams a file into the open assessment's folder. */
  receiveUpload(request: UploadRequest): Promise<EvidenceSource>;
  /**
   * Writes every pending change and the snapshot, then names the open assessment's folder, for
   * an export that reads it while this service keeps holding its lock (ADR 0011).
   */
  exportSource(handle: string): Promise<{ dir: string; id: string; revision: number }>;
  /** Handles of the assessments open now. */
  openHandles(): string[];
  /** Saves and closes every open assessment (app quit). Rejects naming any that could not be saved. */
  closeAll(): Promise<void>;
}

interface Session {
  handle: string;
  dir: string;
  ws: Workspace;
  pack: Pack;
  summary: PackSummary;
  /** Criterion ids in pack order (claims differences are listed in it). */
  order: string[];
  /** Edits run one at a time, so each answer shows the state right after its own edit. */
  lane: Promise<unknown>;
  inflight: number;
  scored: { revision: number; result: ScoreResult | null; problem: string | null } | null;
  journal: { acknowledged: number; entries: StoredEntry[] } | null;
}

/** A storage failure as the API's typed error (locked → conflict naming the holder, …). */
export function apiFailure(err: unknown): unknown {
  return err instanceof StorageError ? new ApiFailure(apiErrorCode(err.code), err.message) : err;
}

function entrySummary(doc: Assessment): EntrySummary {
  return { organization: doc.organization.legalName, service: doc.service.name, pack: `${doc.pack.id}@${doc.pack.version}`, updatedAt: doc.updatedAt };
}

function valueAt(doc: Assessment, field: string): unknown {
  const [head, tail] = field.split('.') as [string, string | undefined];
  const top = (doc as Record<string, unknown>)[head];
  return tail === undefined ? top : (top as Record<string, unknown> | undefined)?.[tail];
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** Roles, capabilities and targets must exist in the pack: a typo would silently change the scope. */
function checkProfile(pack: Pack, profile: { roles?: string[] | undefined; capabilities?: string[] | undefined; targets?: Record<string, string> | undefined }): void {
  const ref = `${pack.id}@${pack.version}`;
  for (const r of profile.roles ?? []) {
    if (!pack.roles.some((x) => x.id === r)) throw new ApiFailure('invalid-input', `Role "${r}" is not in pack ${ref}: use one of ${pack.roles.map((x) => x.id).join(', ')}.`);
  }
  for (const c of profile.capabilities ?? []) {
    if (!pack.capabilities.some((x) => x.id === c)) throw new ApiFailure('invalid-input', `Capability "${c}" is not in pack ${ref}.`);
  }
  for (const [dim, level] of Object.entries(profile.targets ?? {})) {
    const d = pack.dimensions.find((x) => x.id === dim);
    if (!d) throw new ApiFailure('invalid-input', `Dimension "${dim}" is not in pack ${ref}: use one of ${pack.dimensions.map((x) => x.id).join(', ')}.`);
    if (!d.levels.some((l) => l.id === level)) throw new ApiFailure('invalid-input', `Level "${level}" is not a level of ${dim}: use one of ${d.levels.map((l) => l.id).join(', ')}.`);
  }
}

function journalView(e: StoredEntry): JournalEntryView {
  const change = e.change as unknown as Record<string, unknown>;
  const op = String(change.op);
  // Base entries carry the whole document: the audit view says what happened, not all of it.
  const shown = (BASE_OPS as readonly string[]).includes(op) ? Object.fromEntries(Object.entries(change).filter(([k]) => k !== 'assessment')) : change;
  return { seq: e.seq, at: e.at, actor: e.actor, op, change: shown, old: e.old ?? null, new: e.new ?? null };
}

export function createAssessmentService(options: AssessmentServiceOptions): AssessmentService {
  const registry = new AssessmentRegistry(options.dataDir, options.workspace?.now);
  const intake = new EvidenceIntake();
  const sessions = new Map<string, Session>();
  const opening = new Map<string, Promise<Session>>();
  const folderPicks = new Map<string, { dir: string; at: number }>();
  const details = new WeakMap<Pack, PackDetail>();
  const maxUploadBytes = options.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES;
  const wsOptions = { ...options.workspace };

  function session(handle: string): Session {
    const s = sessions.get(handle);
    if (!s) throw new ApiFailure('conflict', 'This assessment is not open: open it first.');
    return s;
  }

  function statusOf(s: Session): SaveStatus {
    const st = s.ws.status();
    const pending = Math.max(st.unsaved, st.revision - st.acknowledged);
    const error = st.error ? { code: apiErrorCode(st.error.code), message: st.error.message } : null;
    return { state: error ? 'error' : s.inflight > 0 || pending > 0 ? 'saving' : 'saved', pending, revision: st.revision, error };
  }

  function scoreOf(s: Session): { result: ScoreResult | null; problem: string | null } {
    const doc = s.ws.assessment;
    if (s.scored?.revision !== doc.revision) {
      try {
        s.scored = { revision: doc.revision, result: score(s.pack, toScoringInput(doc)), problem: null };
      } catch (err) {
        s.scored = { revision: doc.revision, result: null, problem: err instanceof Error ? err.message : String(err) };
      }
    }
    return s.scored;
  }

  function view(s: Session): View {
    const doc = s.ws.assessment;
    const scored = scoreOf(s);
    return {
      handle: s.handle,
      document: doc,
      pack: s.summary,
      score: scored.result,
      scoreProblem: scored.problem,
      claimDifferences: diffClaims(doc, s.order),
      status: statusOf(s),
      recovery: [...s.ws.recovery.issues],
    };
  }

  /** Runs an edit in the session's lane; `changes` may depend on the state at that moment. */
  function edit<T>(handle: string, build: (s: Session) => Promise<T> | T): Promise<T> {
    const s = session(handle);
    const run = s.lane.then(async () => {
      s.inflight += 1;
      try {
        return await build(s);
      } finally {
        s.inflight -= 1;
      }
    });
    s.lane = run.catch(() => undefined);
    return run;
  }

  async function applyChanges(s: Session, changes: Change[]): Promise<void> {
    if (changes.length === 0) return;
    const r = changes.length === 1 ? await s.ws.apply(changes[0]) : await s.ws.applyAll(changes);
    if (!r.ok) throw apiFailure(r.error);
  }

  function change(handle: string, make: (s: Session) => Change | Change[]): Promise<View> {
    return edit(handle, async (s) => {
      const made = make(s);
      await applyChanges(s, Array.isArray(made) ? made : [made]);
      return view(s);
    });
  }

  /** The pinned pack of a workspace, read without locking it. */
  async function peekPin(dir: string): Promise<{ id: string; version: string; hash: string }> {
    try {
      const doc = JSON.parse(await readFile(join(dir, ASSESSMENT_FILE), 'utf8')) as { pack?: unknown };
      const pin = PinnedPack.safeParse(doc.pack);
      if (pin.success) return pin.data;
    } catch {
      // Missing, torn or older format: let the workspace recover it in memory below.
    }
    let ws: Workspace;
    try {
      ws = await openWorkspace(dir, { actor: options.actor, readOnly: true });
    } catch (err) {
      throw apiFailure(err);
    }
    const pin = ws.assessment.pack;
    await ws.close();
    return pin;
  }

  async function openSession(handle: string): Promise<Session> {
    const entry = await registry.get(handle);
    if (!entry) throw new ApiFailure('not-found', 'This assessment is not in the list of assessments any more: open its folder again.');
    const dir = entry.dir;
    try {
      await stat(dir);
    } catch {
      throw new ApiFailure('not-found', `The folder of this assessment (${dir}) is missing: it was moved or deleted. Open it from its new place.`);
    }
    const pin = await peekPin(dir);
    const loaded = await options.loadPack(pin);
    let ws: Workspace;
    try {
      ws = await openWorkspace(dir, { ...wsOptions, actor: options.actor, pack: loaded.pack });
    } catch (err) {
      throw apiFailure(err);
    }
    const doc = ws.assessment;
    if (doc.pack.hash !== loaded.pack.hash) {
      // Changed between the peek and the lock: rare enough to ask for a retry.
      await ws.close();
      throw new ApiFailure('conflict', 'The assessment changed while it was being opened. Open it again.');
    }
    const s: Session = {
      handle,
      dir,
      ws,
      pack: loaded.pack,
      summary: packSummary(loaded.pack, loaded.origin),
      order: loaded.pack.criteria.map((c) => c.id),
      lane: Promise.resolve(),
      inflight: 0,
      scored: null,
      journal: null,
    };
    sessions.set(handle, s);
    await registry.update(handle, entrySummary(doc), true).catch(() => undefined);
    return s;
  }

  async function open(handle: string): Promise<View> {
    const existing = sessions.get(handle);
    if (existing) return view(existing);
    let pending = opening.get(handle);
    if (!pending) {
      pending = openSession(handle).finally(() => opening.delete(handle));
      opening.set(handle, pending);
    }
    return view(await pending);
  }

  async function close(handle: string, discardUnsaved = false): Promise<null> {
    await opening.get(handle)?.catch(() => undefined);
    const s = sessions.get(handle);
    if (!s) return null;
    await s.lane;
    const r = await s.ws.close({ discardUnsaved });
    if (!r.ok) throw apiFailure(r.error);
    sessions.delete(handle);
    await intake.dropAssessment(handle);
    await registry.update(handle, entrySummary(s.ws.assessment)).catch(() => undefined);
    return null;
  }

  function takeFolderPick(handle: string): string {
    const pick = folderPicks.get(handle);
    folderPicks.delete(handle);
    if (!pick || Date.now() - pick.at > FOLDER_PICK_TTL_MS) throw new ApiFailure('not-found', 'The chosen folder is no longer available: choose the folder again.');
    return pick.dir;
  }

  return {
    async listRecent() {
      const entries = (await registry.list()).slice(0, RECENT_LIMIT);
      return Promise.all(
        entries.map(async (e): Promise<RecentAssessment> => {
          const s = sessions.get(e.handle);
          const live = s ? entrySummary(s.ws.assessment) : e;
          const missing = s ? false : await stat(e.dir).then(() => false, () => true);
          return {
            handle: e.handle,
            organization: live.organization,
            service: live.service,
            pack: live.pack,
            updatedAt: live.updatedAt,
            open: s !== undefined,
            ...(missing && { missing }),
          };
        }),
      );
    },

    async create(args) {
      const loaded = await options.loadPack(args.pack);
      checkProfile(loaded.pack, args);
      const id = randomUUID();
      const dir = args.folder !== undefined ? takeFolderPick(args.folder) : join(registry.assessmentsDir, id);
      const { folder: _folder, pack: _pack, ...rest } = args;
      const pin = { id: loaded.pack.id, version: loaded.pack.version, hash: loaded.pack.hash };
      let doc: Assessment;
      try {
        doc = await createWorkspace(dir, { ...rest, pack: pin }, { actor: options.actor, id, ...(wsOptions.fs && { fs: wsOptions.fs }), ...(wsOptions.now && { now: wsOptions.now }) });
      } catch (err) {
        throw apiFailure(err);
      }
      const entry = await registry.add(dir, entrySummary(doc));
      return open(entry.handle);
    },

    open,
    close,

    async forget(handle) {
      if (sessions.has(handle) || opening.has(handle)) throw new ApiFailure('conflict', 'This assessment is open: close it before removing it from the list.');
      await registry.remove(handle);
      return null;
    },

    async get(handle) {
      return view(session(handle));
    },

    async status(handle) {
      return statusOf(session(handle));
    },

    setProfile({ handle, fields }) {
      return edit(handle, async (s) => {
        const doc = s.ws.assessment;
        const given = fields as Record<string, unknown>;
        const list = (f: string) => (Array.isArray(given[f]) ? (given[f] as string[]) : undefined);
        const targets = given.targets && typeof given.targets === 'object' && !Array.isArray(given.targets) ? (given.targets as Record<string, string>) : undefined;
        // Checked here as well as by the model, so the message lists the pack's choices.
        checkProfile(s.pack, { roles: list('roles'), capabilities: list('capabilities'), targets });
        const changes = Object.entries(given)
          .filter(([field, value]) => !sameJson(valueAt(doc, field), value))
          .map(([field, value]) => ({ op: 'profile.set', field, value }) as Change);
        await applyChanges(s, changes);
        return view(s);
      });
    },

    setAnswer({ handle, criterion, set }) {
      return change(handle, () => ({ op: 'answer.set', criterion, set }) as Change);
    },

    addEvidence({ handle, source, name, description, criteria }) {
      return edit(handle, async (s) => {
        for (const c of criteria ?? []) {
          if (!s.order.includes(c)) throw new ApiFailure('invalid-input', `Criterion "${c}" is not in pack ${s.summary.id}@${s.summary.version}.`);
        }
        const item = intake.take(handle, source);
        let keep = false;
        try {
          const r = await s.ws.addEvidence(item.path, {
            name: name ?? item.name,
            ...(description !== undefined && { description }),
            ...(criteria && { criteria }),
          });
          if (!r.ok) {
            // Nothing was recorded: the same source can be added again after a fix.
            keep = r.error.code === 'invalid-input';
            throw apiFailure(r.error);
          }
          return { ...view(s), added: { hash: r.value.hash, deduplicated: r.value.deduplicated } };
        } finally {
          if (keep) intake.restore(item);
          else await intake.release(item);
        }
      });
    },

    updateEvidence({ handle, hash, description }) {
      return change(handle, () => ({ op: 'evidence.update', hash, set: { description } }) as Change);
    },
    linkEvidence({ handle, hash, criterion }) {
      return change(handle, () => ({ op: 'evidence.link', hash, criterion }) as Change);
    },
    unlinkEvidence({ handle, hash, criterion }) {
      return change(handle, () => ({ op: 'evidence.unlink', hash, criterion }) as Change);
    },

    async verifyEvidence({ handle, hash }) {
      const s = session(handle);
      if (!Object.hasOwn(s.ws.assessment.evidence, hash)) throw new ApiFailure('not-found', `Evidence ${hash.slice(0, 12)}… is not in this assessment.`);
      const r = await s.ws.verifyEvidence(hash);
      if (!r.ok) throw apiFailure(r.error);
      return { hash, ok: r.value.ok, missing: r.value.missing };
    },

    async openEvidenceBlob(handle, hash) {
      const s = session(handle);
      if (!Object.hasOwn(s.ws.assessment.evidence, hash)) throw new ApiFailure('not-found', `Evidence ${hash.slice(0, 12)}… is not in this assessment.`);
      const path = s.ws.evidencePath(hash);
      let fh;
      try {
        fh = await openFile(path, 'r');
      } catch (err) {
        if (errno(err) === 'ENOENT') return null;
        throw apiFailure(storageErrorFrom(err, 'read the evidence file', path));
      }
      // Size and bytes from the same descriptor: a file swapped after the check cannot slip in.
      const st = await fh.stat().catch(async (err: unknown) => {
        await fh.close();
        throw apiFailure(storageErrorFrom(err, 'read the evidence file', path));
      });
      if (!st.isFile()) {
        await fh.close();
        return null;
      }
      return { size: st.size, chunks: fh.createReadStream({ highWaterMark: 1024 * 1024 }) };
    },

    createFinding({ handle, finding }) {
      return edit(handle, async (s) => {
        const id = finding.id ?? nextFindingId(s.ws.assessment);
        await applyChanges(s, [{ op: 'finding.create', finding: { ...finding, id, status: finding.status ?? 'open' } } as Change]);
        return { ...view(s), id };
      });
    },
    updateFinding({ handle, id, set }) {
      return change(handle, () => ({ op: 'finding.update', id, set }) as Change);
    },
    deleteFinding({ handle, id }) {
      return change(handle, () => ({ op: 'finding.delete', id }) as Change);
    },

    importClaims({ handle, source, claims }) {
      return change(handle, () => ({ op: 'claims.import', source, claims }) as Change);
    },
    setClaim({ handle, criterion, claim }) {
      return change(handle, () => ({ op: 'claim.set', criterion, claim }) as Change);
    },
    clearClaims(handle) {
      return change(handle, () => ({ op: 'claims.clear' }) as Change);
    },

    async journal({ handle, before, limit = 100 }) {
      const s = session(handle);
      const acknowledged = s.ws.status().acknowledged;
      if (!s.journal || s.journal.acknowledged !== acknowledged) {
        try {
          s.journal = { acknowledged, entries: await s.ws.readJournal() };
        } catch (err) {
          throw apiFailure(err);
        }
      }
      const all = s.journal.entries;
      // Entries are in seq order: find the end of the page by binary search.
      let hi = all.length;
      if (before !== undefined) {
        let lo = 0;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (all[mid]!.seq < before) lo = mid + 1;
          else hi = mid;
        }
      }
      const start = Math.max(0, hi - limit);
      const page = all.slice(start, hi).reverse().map(journalView);
      return { entries: page, total: all.length, nextBefore: start > 0 ? all[start]!.seq : null };
    },

    migrate({ handle, to, expectRevision }) {
      return edit(handle, async (s) => {
        const doc = s.ws.assessment;
        const from = `${s.pack.id}@${s.pack.version}`;
        if (doc.revision !== expectRevision) {
          throw new ApiFailure('conflict', `The assessment changed (revision ${doc.revision}, expected ${expectRevision}) since the migration was previewed: preview it again, then apply.`);
        }
        if (to.id !== s.pack.id) throw new ApiFailure('invalid-input', `The assessment uses pack ${s.pack.id}: it can move to a newer version of ${s.pack.id} only, not to ${to.id}.`);
        if (compareSemVer(to.version, s.pack.version) <= 0) {
          throw new ApiFailure('invalid-input', `${to.id}@${to.version} is not newer than ${from}: an assessment can only move to a newer version of its pack.`);
        }
        const loaded = await options.loadPack(to);
        let change;
        try {
          change = planPackMigration(doc, s.pack, loaded.pack);
        } catch (err) {
          if (err instanceof MigrationError) throw new ApiFailure('invalid-input', `Cannot migrate from ${from}: ${err.message}.`);
          throw err;
        }
        const r = await s.ws.apply(change);
        // A failed write keeps the migration in memory, queued: from then on edits belong to the new pack.
        if (s.ws.assessment.pack.hash === loaded.pack.hash) {
          s.ws.usePack(loaded.pack);
          s.pack = loaded.pack;
          s.summary = packSummary(loaded.pack, loaded.origin);
          s.order = loaded.pack.criteria.map((c) => c.id);
          s.scored = null;
          await registry.update(handle, entrySummary(s.ws.assessment)).catch(() => undefined);
        }
        if (!r.ok) throw apiFailure(r.error);
        return { ...view(s), report: change.report };
      });
    },

    async getPack(choice) {
      const loaded = await options.loadPack(choice);
      let detail = details.get(loaded.pack);
      if (!detail) {
        detail = packDetail(loaded.pack, loaded.origin);
        details.set(loaded.pack, detail);
      }
      return detail;
    },

    async pickFolder() {
      if (!options.pickFolder) {
        throw new ApiFailure('bad-request', 'Choosing a folder needs the desktop app; in the preview, new assessments are kept in the data folder.');
      }
      const dir = await options.pickFolder('create');
      if (!dir) return null;
      const folder = newHandle();
      folderPicks.set(folder, { dir, at: Date.now() });
      return { folder, name: basename(dir) };
    },

    async pickAssessment() {
      if (!options.pickFolder) throw new ApiFailure('bad-request', 'Opening a folder needs the desktop app.');
      const dir = await options.pickFolder('open');
      if (!dir) return null;
      const summary = await summarizeWorkspace(dir);
      if (!summary) {
        throw new ApiFailure('invalid-input', `${basename(dir)} is not an assessment folder (it has no ${ASSESSMENT_FILE} or journal). Choose the folder of an assessment.`);
      }
      const entry = await registry.add(dir, summary);
      return { handle: entry.handle, organization: entry.organization, service: entry.service, pack: entry.pack, updatedAt: entry.updatedAt, open: sessions.has(entry.handle) };
    },

    async pickEvidence(handle) {
      session(handle);
      if (!options.pickFiles) throw new ApiFailure('bad-request', 'The file dialog needs the desktop app; in the preview, files are uploaded.');
      const paths = await options.pickFiles();
      const sources: EvidenceSource[] = [];
      for (const p of paths) sources.push(await intake.registerFile(handle, p));
      return sources;
    },

    async registerDroppedFile(handle, path) {
      session(handle);
      return intake.registerFile(handle, await checkDroppedFile(path, options.dataDir));
    },

    async receiveUpload({ assessment, name, body, declaredLength }) {
      const s = session(assessment);
      const evidenceDir = join(s.dir, EVIDENCE_DIR);
      await mkdir(evidenceDir, { recursive: true }).catch((err: unknown) => {
        throw apiFailure(err);
      });
      return intake.receive({ assessment, evidenceDir, name, body, maxBytes: maxUploadBytes, ...(declaredLength !== undefined && { declaredLength }) });
    },

    exportSource(handle) {
      return edit(handle, async (s) => {
        const r = await s.ws.flush();
        if (!r.ok) throw apiFailure(r.error);
        return { dir: s.dir, id: s.ws.assessment.id, revision: s.ws.assessment.revision };
      });
    },

    openHandles() {
      return [...sessions.keys()];
    },

    async closeAll() {
      await Promise.allSettled([...opening.values()]);
      const results = await Promise.allSettled([...sessions.keys()].map((h) => close(h)));
      const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed.length > 0) {
        throw new Error(`Could not save ${failed.length} open assessment(s): ${failed.map((f) => (f.reason instanceof Error ? f.reason.message : String(f.reason))).join(' ')}`);
      }
    },
  };
}
