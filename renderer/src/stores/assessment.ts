// The open assessment: what main says it is (AssessmentView), the pinned pack in full, the
// score from core's incremental scorer, and every edit. Components read state and call
// actions; nothing here is computed twice: levels, blockers and progress come from
// core/scoring, navigator state from core/assessment/navigator.
//
// Edits are sent one at a time (main applies them one at a time anyway) and shown at once:
// an answer appears in the document before main confirms it (an "overlay" removed when the
// answer arrives), so clicking a result never waits for the disk. Every edit channel answers
// with the whole view; an answer older than what we hold (by document revision) is ignored.
import { defineStore } from 'pinia';
import { computed, ref, shallowRef, watch } from 'vue';
import {
  type ApiError,
  type ApiResult,
  type ArgsOf,
  type AssessmentView,
  type EvidenceSource,
  type PackDetail,
  type ResultOf,
  type SaveStatus,
} from '../../../core/api/contract';
import type { ReviewView } from '../../../core/api/contract-intake';
import { packFromDetail } from '../../../core/api/pack-detail';
import type { EvidencePreview } from '../../../core/api/contract-evidence';
import type { Assessment, CriterionRecord, EvidenceItem, Finding } from '../../../core/assessment/schema';
import { syncScorer } from '../../../core/assessment/scorer-sync';
import { toScoringInput } from '../../../core/assessment/scoring-input';
import { buildSearchIndex, buildTree, criterionStates, findingsByCriterion, targetBlockers, treeOrder, type CriterionState } from '../../../core/assessment/navigator';
import { createScorer, type Scorer } from '../../../core/scoring/incremental';
import type { ScoreResult } from '../../../core/scoring/types';
import { api } from '../api';
import { canUploadFiles as canUploadBytes, uploadEvidenceFile } from '../api/upload';
import { canRegisterFiles, registerDroppedFile } from '../api/intake';
import { useNotificationsStore, type ErrorContext } from './notifications';

export type LoadState = 'idle' | 'loading' | 'ready' | 'error';
export type AnswerSet = ArgsOf<'tfa:answers:set'>['set'];
export type ProfileFields = ArgsOf<'tfa:profile:set'>['fields'];
export type NewFinding = ArgsOf<'tfa:findings:create'>['finding'];
export type FindingSet = ArgsOf<'tfa:findings:update'>['set'];
export type PackCriterion = PackDetail['criteria'][number];
/** Text fields of an answer that autosave while the user types. */
export type AnswerTextField = 'notes' | 'samplingNotes' | 'justification';

/** How one edit is taken back: the inverse change, applied through the same channel. */
export type UndoEntry =
  | { kind: 'answer'; criterion: string; set: AnswerSet }
  | { kind: 'profile'; fields: ProfileFields }
  | { kind: 'link'; hash: string; criterion: string }
  | { kind: 'unlink'; hash: string; criterion: string }
  | { kind: 'evidence-description'; hash: string; description: string | null }
  | { kind: 'finding-create'; finding: NewFinding }
  | { kind: 'finding-update'; id: string; set: FindingSet }
  | { kind: 'finding-delete'; id: string };

/** What the autosave indicator shows. */
export interface SaveIndicator {
  state: 'saved' | 'saving' | 'error';
  /** Changes not yet on disk (typed but not sent, sent but not written). */
  pending: number;
  /** The write failure, with the code that selects what the user should do. */
  error: ApiError | null;
  /** When everything was last known to be on disk (ms since epoch), null before the first save. */
  savedAt: number | null;
}

/** Typing pauses this long before a text field is saved. */
export const TEXT_SAVE_DELAY_MS = 700;
/** How often to ask main about a pending write while one is pending (ms), and while it fails. */
const POLL_PENDING_MS = 1000;
const POLL_ERROR_MS = 5000;
const UNDO_LIMIT = 100;

// Pack details are immutable (pinned by hash): keep them across open/close.
const packCache = new Map<string, PackDetail>();

/** Empties the pack cache (tests; a long-running window never needs to). */
export function forgetCachedPacks(): void {
  packCache.clear();
}

interface Overlay {
  id: number;
  criterion: string;
  set: AnswerSet;
}

function applyAnswerSet(record: CriterionRecord | undefined, set: AnswerSet): CriterionRecord {
  const next: Record<string, unknown> = { ...record };
  for (const [key, value] of Object.entries(set)) {
    if (value === undefined) continue;
    if (value === null) delete next[key];
    else next[key] = value;
  }
  // As core's answer.set: recording a status resolves a migration's re-assessment flag.
  if (set.status !== undefined && set.status !== null) delete next.reassess;
  return next as CriterionRecord;
}

/**
 * Whether files the page holds (dropped, or from `<input type=file>`) can be added: uploaded in
 * the browser preview, registered by the preload on the desktop (drag and drop).
 */
function canUploadFiles(): boolean {
  return canUploadBytes() || canRegisterFiles();
}

/** Pasted screenshots have bytes but no file on disk: only the preview's upload can take them. */
function canPasteFiles(): boolean {
  return canUploadBytes();
}

/** The desktop app chooses files in main's native dialog (`pickEvidence`). */
function hasFileDialog(): boolean {
  return !canUploadBytes();
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

export const useAssessmentStore = defineStore('assessment', () => {
  const notifications = useNotificationsStore();

  // -------------------------------------------------------------------------------------
  // State

  const handle = ref<string | null>(null);
  const loadState = ref<LoadState>('idle');
  const loadError = ref<ApiError | null>(null);
  /** The latest view main sent (its document without our unconfirmed edits). */
  const view = shallowRef<AssessmentView | null>(null);
  const pack = shallowRef<PackDetail | null>(null);
  const overlays = shallowRef<Overlay[]>([]);
  /** The score of `document`, from core's incremental scorer. */
  const score = shallowRef<ScoreResult | null>(null);
  /** Why the document cannot be scored (then `score` is main's, or null). */
  const scoreProblem = ref<string | null>(null);
  const serverStatus = shallowRef<SaveStatus | null>(null);
  const inflight = ref(0);
  const unsentText = ref(0);
  const savedAt = ref<number | null>(null);
  const undoStack = shallowRef<UndoEntry[]>([]);
  const undoing = ref(false);
  /** Evidence hash → object URL of the bytes, for files added in this session (image previews). */
  const localPreviews = shallowRef<ReadonlyMap<string, string>>(new Map());
  /**
   * A review of a submitted package (openReview): what was submitted is evidence, so every
   * edit action refuses and sends nothing, and views hide their edit controls.
   */
  const readOnly = ref(false);

  // -------------------------------------------------------------------------------------
  // Getters

  /** The document as the user sees it: main's, plus edits main has not confirmed yet. */
  const document = computed<Assessment | null>(() => {
    const doc = view.value?.document ?? null;
    if (!doc || overlays.value.length === 0) return doc;
    const criteria = { ...doc.criteria };
    for (const o of overlays.value) criteria[o.criterion] = applyAnswerSet(Object.hasOwn(criteria, o.criterion) ? criteria[o.criterion] : undefined, o.set);
    return { ...doc, criteria };
  });

  const criteria = computed<readonly PackCriterion[]>(() => pack.value?.criteria ?? []);
  const criterionIndex = computed(() => new Map(criteria.value.map((c, i) => [c.id, i])));
  /** Dimension → category → criteria, for the navigator. */
  const tree = computed(() => (pack.value ? buildTree(pack.value) : []));
  /** Criterion positions in navigator order. */
  const order = computed(() => treeOrder(tree.value));
  /** Lower-case NFKC search text per criterion, built once per pack. */
  const searchIndex = computed(() => buildSearchIndex(criteria.value));
  /** Ids of criteria new or changed in this pack version. */
  const changedCriteria = computed<ReadonlySet<string>>(() => new Set(Object.keys(pack.value?.changes?.criteria ?? {})));
  const blockers = computed(() => targetBlockers(score.value));
  /** Per criterion (pack order): status, scope, evidence and finding counts, blocking. */
  const states = computed<CriterionState[]>(() => (document.value ? criterionStates(criteria.value, document.value, score.value, blockers.value) : []));
  const findingsIndex = computed(() => findingsByCriterion(document.value?.findings ?? []));

  const saveIndicator = computed<SaveIndicator>(() => {
    const st = serverStatus.value;
    // Main builds an edit's answer while that edit is still "in flight", so its state says
    // `saving` even when nothing is pending: what counts is `pending` and the error.
    const pending = (st?.pending ?? 0) + inflight.value + unsentText.value;
    if (st?.error) return { state: 'error', pending, error: st.error, savedAt: savedAt.value };
    return { state: pending > 0 ? 'saving' : 'saved', pending, error: null, savedAt: savedAt.value };
  });

  const canUndo = computed(() => undoStack.value.length > 0 && !undoing.value);
  /** The edit Undo would take back. */
  const lastUndo = computed<UndoEntry | null>(() => undoStack.value.at(-1) ?? null);

  function criterion(id: string): PackCriterion | undefined {
    const i = criterionIndex.value.get(id);
    return i === undefined ? undefined : criteria.value[i];
  }

  function record(id: string): CriterionRecord | undefined {
    const doc = document.value;
    return doc && Object.hasOwn(doc.criteria, id) ? doc.criteria[id] : undefined;
  }

  function stateOf(id: string): CriterionState | undefined {
    const i = criterionIndex.value.get(id);
    return i === undefined ? undefined : states.value[i];
  }

  /** Evidence linked to a criterion, in link order. */
  function evidenceOf(id: string): { hash: string; item: EvidenceItem }[] {
    const doc = document.value;
    if (!doc) return [];
    return (record(id)?.evidence ?? []).filter((h) => Object.hasOwn(doc.evidence, h)).map((hash) => ({ hash, item: doc.evidence[hash]! }));
  }

  function findingsOf(id: string): Finding[] {
    return findingsIndex.value.get(id) ?? [];
  }

  // -------------------------------------------------------------------------------------
  // Score

  let scorer: Scorer | null = null;
  let scoredDoc: Assessment | null = null;

  function rebuildScorer(): void {
    scorer = null;
    scoredDoc = null;
    const doc = document.value;
    if (!doc || !pack.value) {
      score.value = null;
      return;
    }
    try {
      scorer = createScorer(packFromDetail(pack.value), toScoringInput(doc));
      scoredDoc = doc;
      score.value = scorer.result();
      scoreProblem.value = null;
    } catch (err) {
      score.value = view.value?.score ?? null;
      scoreProblem.value = view.value?.scoreProblem ?? (err instanceof Error ? err.message : String(err));
    }
  }

  watch(
    document,
    (doc) => {
      if (!doc || !scorer || !scoredDoc) return;
      try {
        syncScorer(scorer, scoredDoc, doc);
        scoredDoc = doc;
        score.value = scorer.result();
      } catch {
        rebuildScorer();
      }
    },
    { flush: 'sync' },
  );

  // -------------------------------------------------------------------------------------
  // Save status

  let pollTimer: ReturnType<typeof setTimeout> | null = null;

  function takeStatus(st: SaveStatus): void {
    const current = serverStatus.value;
    if (current && st.revision < current.revision) return;
    serverStatus.value = st;
    if (!st.error && st.pending === 0 && inflight.value === 0) savedAt.value = Date.now();
    schedulePoll();
  }

  function schedulePoll(): void {
    const st = serverStatus.value;
    if (pollTimer || !handle.value || !st || (!st.error && st.pending === 0)) return;
    const forHandle = handle.value;
    pollTimer = setTimeout(
      () => {
        pollTimer = null;
        void api.assessmentStatus({ handle: forHandle }).then((r) => {
          if (r.ok && handle.value === forHandle) takeStatus(r.value);
        });
      },
      st.error ? POLL_ERROR_MS : POLL_PENDING_MS,
    );
  }

  function stopPolling(): void {
    if (pollTimer) clearTimeout(pollTimer);
    pollTimer = null;
  }

  /** Asks main where autosave stands now (after an error, or on demand). */
  async function refreshStatus(): Promise<void> {
    if (!handle.value || readOnly.value) return;
    const forHandle = handle.value;
    const r = await api.assessmentStatus({ handle: forHandle });
    if (r.ok && handle.value === forHandle) takeStatus(r.value);
  }

  // -------------------------------------------------------------------------------------
  // The edit lane

  let lane: Promise<unknown> = Promise.resolve();
  let nextOverlayId = 1;

  /** Takes a view from main if it is for the open assessment and not older than ours. */
  function accept(v: AssessmentView): void {
    if (v.handle !== handle.value) return;
    const current = view.value;
    if (current && v.document.revision < current.document.revision) return;
    view.value = v;
    takeStatus(v.status);
  }

  /**
   * Runs one edit after the previous ones. On success the answer's view replaces ours and
   * `undo` (the inverse change) goes on the undo stack; on failure the alert says why.
   */
  function runEdit<T extends AssessmentView>(context: ErrorContext, call: (h: string) => Promise<ApiResult<T>>, undo: UndoEntry | null): Promise<T | null> {
    const forHandle = handle.value;
    if (!forHandle || refusedInReview()) return Promise.resolve(null);
    inflight.value += 1;
    const run = lane.then(async () => {
      try {
        const result = await call(forHandle);
        if (handle.value !== forHandle) return null;
        if (!result.ok) {
          notifications.reportError(context, result.error);
          void refreshStatus();
          return null;
        }
        notifications.clearError(context);
        accept(result.value);
        if (undo) undoStack.value = [...undoStack.value, undo].slice(-UNDO_LIMIT);
        return result.value;
      } finally {
        inflight.value -= 1;
      }
    });
    lane = run.catch(() => undefined);
    return run;
  }

  /** Resolves when every edit sent so far has been answered. */
  async function settled(): Promise<void> {
    await flushText();
    let current: Promise<unknown>;
    do {
      current = lane;
      await current;
    } while (current !== lane);
  }

  // -------------------------------------------------------------------------------------
  // Open, create, close

  async function loadPack(choice: { id: string; version: string; hash: string }): Promise<PackDetail | null> {
    const key = `${choice.id}@${choice.version}#${choice.hash}`;
    const cached = packCache.get(key);
    if (cached) return cached;
    const r = await api.packsGet({ id: choice.id, version: choice.version, hash: choice.hash });
    if (!r.ok) {
      notifications.reportError('loadPack', r.error);
      loadError.value = r.error;
      return null;
    }
    packCache.set(key, r.value);
    return r.value;
  }

  /** In a review, says so and returns true: the caller then changes and sends nothing. */
  function refusedInReview(): boolean {
    if (!readOnly.value) return false;
    notifications.announce('review.readOnlyRefused');
    return true;
  }

  function reset(): void {
    readOnly.value = false;
    stopPolling();
    clearTextTimers();
    for (const url of localPreviews.value.values()) URL.revokeObjectURL(url);
    localPreviews.value = new Map();
    handle.value = null;
    view.value = null;
    pack.value = null;
    overlays.value = [];
    score.value = null;
    scoreProblem.value = null;
    serverStatus.value = null;
    savedAt.value = null;
    undoStack.value = [];
    scorer = null;
    scoredDoc = null;
    loadError.value = null;
    loadState.value = 'idle';
  }

  /**
   * Starts fetching a pack before main has said which exact one (its hash) the assessment
   * pins: the recent list names it, and fetching it while main opens the workspace takes its
   * transfer and parsing off the critical path. Used only if the hash then matches.
   */
  function prefetchPack(ref: string | undefined): Promise<PackDetail | null> | null {
    const m = ref ? /^([A-Za-z0-9][A-Za-z0-9._-]*)@(\S+)$/.exec(ref) : null;
    if (!m) return null;
    if ([...packCache.keys()].some((k) => k.startsWith(`${ref}#`))) return null;
    return api.packsGet({ id: m[1]!, version: m[2]! }).then((r) => (r.ok ? r.value : null));
  }

  async function adopt(v: AssessmentView, prefetched: Promise<PackDetail | null> | null = null): Promise<boolean> {
    handle.value = v.handle;
    const early = prefetched ? await prefetched : null;
    if (early && early.id === v.pack.id && early.version === v.pack.version && early.hash === v.pack.hash) {
      packCache.set(`${early.id}@${early.version}#${early.hash}`, early);
    }
    const detail = await loadPack(v.pack);
    if (handle.value !== v.handle) return false;
    if (!detail) {
      loadState.value = 'error';
      return false;
    }
    pack.value = detail;
    view.value = v;
    takeStatus(v.status);
    savedAt.value = v.status.pending === 0 && !v.status.error ? Date.now() : null;
    rebuildScorer();
    loadState.value = 'ready';
    notifications.clearError('openAssessment');
    notifications.clearError('loadPack');
    return true;
  }

  /**
   * Opens an assessment by handle (a no-op when it is already the open one). `packRef`
   * (`id@version`, as the recent list shows it) lets the pack load while main opens it.
   */
  async function open(target: string, packRef?: string): Promise<boolean> {
    if (handle.value === target && loadState.value === 'ready') return true;
    if (handle.value && handle.value !== target) await close();
    reset();
    handle.value = target;
    loadState.value = 'loading';
    const prefetched = prefetchPack(packRef);
    const r = await api.assessmentsOpen({ handle: target });
    if (handle.value !== target) return false;
    if (!r.ok) {
      loadError.value = r.error;
      loadState.value = 'error';
      notifications.reportError('openAssessment', r.error);
      return false;
    }
    return adopt(r.value, prefetched);
  }

  /** Creates an assessment (tfa:assessments:create) and makes it the open one; its handle, or null. */
  async function create(args: ArgsOf<'tfa:assessments:create'>): Promise<string | null> {
    const r = await api.assessmentsCreate(args);
    if (!r.ok) {
      notifications.reportError('createAssessment', r.error);
      return null;
    }
    notifications.clearError('createAssessment');
    if (handle.value) await close();
    reset();
    loadState.value = 'loading';
    return (await adopt(r.value)) ? r.value.handle : null;
  }

  /**
   * Shows a submitted package's assessment (tfa:reviews:get) in the assessor's views, read-only:
   * main's recomputed score, never the submitter's numbers. `handle` is the review's id. False
   * when the package holds no readable assessment or pack (its report says why).
   */
  async function openReview(review: ReviewView): Promise<boolean> {
    if (handle.value && handle.value !== review.summary.review) await close();
    reset();
    handle.value = review.summary.review;
    readOnly.value = true;
    const doc = review.document;
    const detail = review.pack;
    if (!doc || !detail) {
      loadState.value = 'error';
      return false;
    }
    const { id, version, hash, title, origin, criteriaCount } = detail;
    pack.value = detail;
    view.value = {
      handle: review.summary.review,
      document: doc,
      pack: { id, version, hash, title, origin, criteriaCount, dimensions: detail.dimensions.map((d) => d.id) },
      score: review.score,
      scoreProblem: review.scoreProblem,
      claimDifferences: [],
      status: { state: 'saved', pending: 0, revision: doc.revision, error: null },
      recovery: [],
    };
    score.value = review.score;
    scoreProblem.value = review.scoreProblem;
    loadState.value = 'ready';
    return true;
  }

  /**
   * Saves and closes the open assessment. While changes cannot be written, main refuses
   * (disk-full, read-only): the error is returned so the screen can ask whether to discard
   * them, and the assessment stays open.
   */
  async function close(options: { discardUnsaved?: boolean } = {}): Promise<ApiError | null> {
    const forHandle = handle.value;
    if (!forHandle) return null;
    // A review has nothing to save and no workspace open in main.
    if (readOnly.value) {
      reset();
      return null;
    }
    await settled();
    const r = await api.assessmentsClose({ handle: forHandle, ...(options.discardUnsaved && { discardUnsaved: true }) });
    if (!r.ok) {
      notifications.reportError('closeAssessment', r.error);
      return r.error;
    }
    notifications.clearError('closeAssessment');
    if (handle.value === forHandle) reset();
    return null;
  }

  /** Fetches the view again (after an error, or to pick up what another window changed). */
  async function refresh(): Promise<void> {
    if (!handle.value || readOnly.value) return;
    const r = await api.assessmentGet({ handle: handle.value });
    if (r.ok) accept(r.value);
    else notifications.reportError('openAssessment', r.error);
  }

  // -------------------------------------------------------------------------------------
  // Answers

  function inverseAnswer(id: string, set: AnswerSet): AnswerSet {
    const before = record(id) as Record<string, unknown> | undefined;
    const inverse: Record<string, unknown> = {};
    for (const key of Object.keys(set)) inverse[key] = before?.[key] ?? null;
    return inverse as AnswerSet;
  }

  /**
   * Records a result, applicability, methods or text for one criterion. Shown at once;
   * saved in order. Changing nothing sends nothing.
   */
  async function setAnswer(id: string, set: AnswerSet, options: { undoable?: boolean } = {}): Promise<boolean> {
    if (!handle.value || refusedInReview()) return false;
    const before = record(id) as Record<string, unknown> | undefined;
    // The same status again on a criterion a pack migration flagged is the assessor confirming
    // the carried result: it is sent (and journaled) so the flag is cleared.
    const confirms = (k: string, v: unknown) => k === 'status' && v !== null && before?.reassess !== undefined;
    const changed = Object.fromEntries(Object.entries(set).filter(([k, v]) => v !== undefined && (!sameValue(before?.[k], v) || confirms(k, v)))) as AnswerSet;
    if (Object.keys(changed).length === 0) return true;
    // Undo cannot raise the flag again, so a bare confirmation does not go on the undo stack.
    const onlyConfirms = Object.entries(changed).every(([k, v]) => confirms(k, v) && sameValue(before?.[k], v));
    const inverse = options.undoable === false || onlyConfirms ? null : { kind: 'answer' as const, criterion: id, set: inverseAnswer(id, changed) };
    const overlay: Overlay = { id: nextOverlayId++, criterion: id, set: changed };
    overlays.value = [...overlays.value, overlay];
    const result = await runEdit('saveAnswer', (h) => api.answersSet({ handle: h, criterion: id, set: changed }), inverse);
    overlays.value = overlays.value.filter((o) => o.id !== overlay.id);
    return result !== null;
  }

  // Text typed in notes, sampling notes and justifications waits for a pause, then saves.
  // The text lives in the field (and here) until then; the document is untouched while the
  // user types, so nothing else on screen re-renders per keystroke.
  const textDrafts = new Map<string, { criterion: string; field: AnswerTextField; value: string }>();
  const textTimers = new Map<string, ReturnType<typeof setTimeout>>();

  function clearTextTimers(): void {
    for (const t of textTimers.values()) clearTimeout(t);
    textTimers.clear();
    textDrafts.clear();
    unsentText.value = 0;
  }

  /** Text the user typed that is not saved yet (shown instead of the document's). */
  function textDraft(id: string, field: AnswerTextField): string | undefined {
    return textDrafts.get(`${id}\n${field}`)?.value;
  }

  /** Call on every keystroke: saves after a pause of TEXT_SAVE_DELAY_MS. */
  function draftText(id: string, field: AnswerTextField, value: string): void {
    if (refusedInReview()) return;
    const key = `${id}\n${field}`;
    textDrafts.set(key, { criterion: id, field, value });
    unsentText.value = textDrafts.size;
    const old = textTimers.get(key);
    if (old) clearTimeout(old);
    textTimers.set(
      key,
      setTimeout(() => void flushText(key), TEXT_SAVE_DELAY_MS),
    );
  }

  /** Saves typed text now (on blur, before closing, before undo); one key or all. */
  async function flushText(key?: string): Promise<void> {
    const keys = key ? [key] : [...textDrafts.keys()];
    const sends: Promise<boolean>[] = [];
    for (const k of keys) {
      const draft = textDrafts.get(k);
      const timer = textTimers.get(k);
      if (timer) clearTimeout(timer);
      textTimers.delete(k);
      textDrafts.delete(k);
      if (!draft) continue;
      // An emptied field clears the value rather than storing "".
      const value = draft.value.trim() === '' ? null : draft.value;
      sends.push(setAnswer(draft.criterion, { [draft.field]: value } as AnswerSet));
    }
    unsentText.value = textDrafts.size;
    await Promise.all(sends);
  }

  // -------------------------------------------------------------------------------------
  // Profile

  function valueAt(doc: Assessment, field: string): unknown {
    const [head, tail] = field.split('.') as [string, string | undefined];
    const top = (doc as unknown as Record<string, unknown>)[head];
    return tail === undefined ? top : (top as Record<string, unknown> | undefined)?.[tail];
  }

  async function setProfile(fields: ProfileFields, options: { undoable?: boolean } = {}): Promise<boolean> {
    const doc = document.value;
    if (!doc) return false;
    const inverse = Object.fromEntries(Object.keys(fields).map((f) => [f, valueAt(doc, f) ?? null])) as ProfileFields;
    const r = await runEdit('saveProfile', (h) => api.profileSet({ handle: h, fields }), options.undoable === false ? null : { kind: 'profile', fields: inverse });
    return r !== null;
  }

  // -------------------------------------------------------------------------------------
  // Evidence

  function rememberPreview(hash: string, file: Blob): void {
    if (localPreviews.value.has(hash) || !file.type.startsWith('image/')) return;
    const next = new Map(localPreviews.value);
    next.set(hash, URL.createObjectURL(file));
    localPreviews.value = next;
  }

  /** Turns a source (upload or dialog) into evidence linked to `criteria`; the new hash, or null. */
  async function addEvidenceSource(source: EvidenceSource, criteriaIds: string[] = [], description?: string): Promise<string | null> {
    const r = await runEdit('evidence', (h) => api.evidenceAdd({ handle: h, source: source.source, ...(criteriaIds.length > 0 && { criteria: criteriaIds }), ...(description !== undefined && { description }) }), null);
    if (!r) return null;
    // The file stays in the workspace (the audit trail needs it): undo takes back the link.
    if (criteriaIds.length === 1) undoStack.value = [...undoStack.value, { kind: 'unlink' as const, hash: r.added.hash, criterion: criteriaIds[0]! }].slice(-UNDO_LIMIT);
    return r.added.hash;
  }

  /**
   * Adds files the user chose or dropped in the page: the desktop app registers them through
   * the preload (drag and drop, ADR 0010), the browser preview uploads them to main first.
   * Returns the hashes added, in order; failures are reported and skipped.
   */
  async function addFiles(files: readonly File[], criteriaIds: string[] = []): Promise<string[]> {
    const forHandle = handle.value;
    if (!forHandle || refusedInReview()) return [];
    const hashes: string[] = [];
    let refused: ApiError | null = null;
    for (const file of files) {
      inflight.value += 1;
      let uploaded: ApiResult<EvidenceSource>;
      try {
        uploaded = canRegisterFiles() ? await registerDroppedFile(forHandle, file) : await uploadEvidenceFile(forHandle, file);
      } finally {
        inflight.value -= 1;
      }
      if (!uploaded.ok) {
        refused = uploaded.error;
        notifications.reportError('evidence', uploaded.error);
        continue;
      }
      const hash = await addEvidenceSource(uploaded.value, criteriaIds);
      if (hash) {
        hashes.push(hash);
        rememberPreview(hash, file);
      }
    }
    // A later file that is added clears the alert: the refusal must stay on screen.
    if (refused) notifications.reportError('evidence', refused);
    return hashes;
  }

  /** Desktop: the native file dialog, then each chosen file as evidence. */
  async function pickEvidence(criteriaIds: string[] = []): Promise<string[]> {
    const forHandle = handle.value;
    if (!forHandle || refusedInReview()) return [];
    const r = await api.dialogsPickEvidence({ handle: forHandle });
    if (!r.ok) {
      notifications.reportError('evidence', r.error);
      return [];
    }
    const hashes: string[] = [];
    for (const source of r.value) {
      const hash = await addEvidenceSource(source, criteriaIds);
      if (hash) hashes.push(hash);
    }
    return hashes;
  }

  async function linkEvidence(hash: string, id: string, options: { undoable?: boolean } = {}): Promise<boolean> {
    const r = await runEdit('evidence', (h) => api.evidenceLink({ handle: h, hash, criterion: id }), options.undoable === false ? null : { kind: 'unlink', hash, criterion: id });
    return r !== null;
  }

  async function unlinkEvidence(hash: string, id: string, options: { undoable?: boolean } = {}): Promise<boolean> {
    const r = await runEdit('evidence', (h) => api.evidenceUnlink({ handle: h, hash, criterion: id }), options.undoable === false ? null : { kind: 'link', hash, criterion: id });
    return r !== null;
  }

  async function updateEvidenceDescription(hash: string, description: string | null, options: { undoable?: boolean } = {}): Promise<boolean> {
    const before = document.value?.evidence[hash]?.description ?? null;
    const r = await runEdit('evidence', (h) => api.evidenceUpdate({ handle: h, hash, description }), options.undoable === false ? null : { kind: 'evidence-description', hash, description: before });
    return r !== null;
  }

  /**
   * The bytes of one evidence file for the in-app preview (kind sniffed and hash re-checked
   * by main), or why there is none; null (with an alert) when main could not be asked.
   */
  async function previewEvidence(hash: string): Promise<EvidencePreview | null> {
    if (!handle.value) return null;
    // In a review the file is read from the submitted package and checked against its manifest.
    const r = readOnly.value ? await api.reviewsEvidencePreview({ review: handle.value, hash }) : await api.evidencePreview({ handle: handle.value, hash });
    if (!r.ok) {
      notifications.reportError('evidence', r.error);
      return null;
    }
    return r.value;
  }

  /** Re-hashes an evidence file; null when the check could not run. */
  async function verifyEvidence(hash: string): Promise<ResultOf<'tfa:evidence:verify'> | null> {
    // A review's evidence was checked against the signed manifest when it was imported.
    if (!handle.value || readOnly.value) return null;
    const r = await api.evidenceVerify({ handle: handle.value, hash });
    if (!r.ok) {
      notifications.reportError('evidence', r.error);
      return null;
    }
    return r.value;
  }

  // -------------------------------------------------------------------------------------
  // Findings

  /** Creates a finding; its id, or null. */
  async function createFinding(finding: NewFinding, options: { undoable?: boolean } = {}): Promise<string | null> {
    const r = await runEdit('findings', (h) => api.findingsCreate({ handle: h, finding }), null);
    if (!r) return null;
    if (options.undoable !== false) undoStack.value = [...undoStack.value, { kind: 'finding-delete' as const, id: r.id }].slice(-UNDO_LIMIT);
    return r.id;
  }

  async function updateFinding(id: string, set: FindingSet, options: { undoable?: boolean } = {}): Promise<boolean> {
    const before = document.value?.findings.find((f) => f.id === id) as Record<string, unknown> | undefined;
    const inverse = Object.fromEntries(Object.keys(set).map((k) => [k, before?.[k] ?? null])) as FindingSet;
    const r = await runEdit('findings', (h) => api.findingsUpdate({ handle: h, id, set }), options.undoable === false || !before ? null : { kind: 'finding-update', id, set: inverse });
    return r !== null;
  }

  async function deleteFinding(id: string, options: { undoable?: boolean } = {}): Promise<boolean> {
    const before = document.value?.findings.find((f) => f.id === id);
    const r = await runEdit('findings', (h) => api.findingsDelete({ handle: h, id }), options.undoable === false || !before ? null : { kind: 'finding-create', finding: structuredClone(before) });
    return r !== null;
  }

  // -------------------------------------------------------------------------------------
  // Claims and journal (no undo: imports replace a whole set)

  async function importClaims(source: ArgsOf<'tfa:claims:import'>['source'], claims: ArgsOf<'tfa:claims:import'>['claims']): Promise<boolean> {
    return (await runEdit('claims', (h) => api.claimsImport({ handle: h, source, claims }), null)) !== null;
  }

  async function setClaim(id: string, claim: ArgsOf<'tfa:claims:set'>['claim']): Promise<boolean> {
    return (await runEdit('claims', (h) => api.claimsSet({ handle: h, criterion: id, claim }), null)) !== null;
  }

  async function clearClaims(): Promise<boolean> {
    return (await runEdit('claims', (h) => api.claimsClear({ handle: h }), null)) !== null;
  }

  /** One page of the audit trail, newest first; null (with an alert) on failure. */
  async function listJournal(options: { before?: number; limit?: number } = {}): Promise<ResultOf<'tfa:journal:list'> | null> {
    if (!handle.value || readOnly.value) return null;
    const r = await api.journalList({ handle: handle.value, ...options });
    if (!r.ok) {
      notifications.reportError('journal', r.error);
      return null;
    }
    notifications.clearError('journal');
    return r.value;
  }

  // -------------------------------------------------------------------------------------
  // Undo

  /** Takes back the last edit by applying its inverse through the same channel. */
  async function undo(): Promise<boolean> {
    if (undoing.value) return false;
    await flushText();
    await settled();
    const entry = undoStack.value.at(-1);
    if (!entry) return false;
    undoing.value = true;
    undoStack.value = undoStack.value.slice(0, -1);
    const quiet = { undoable: false };
    let ok: boolean;
    try {
      switch (entry.kind) {
        case 'answer':
          ok = await setAnswer(entry.criterion, entry.set, quiet);
          break;
        case 'profile':
          ok = await setProfile(entry.fields, quiet);
          break;
        case 'link':
          ok = await linkEvidence(entry.hash, entry.criterion, quiet);
          break;
        case 'unlink':
          ok = await unlinkEvidence(entry.hash, entry.criterion, quiet);
          break;
        case 'evidence-description':
          ok = await updateEvidenceDescription(entry.hash, entry.description, quiet);
          break;
        case 'finding-create':
          ok = (await createFinding(entry.finding, quiet)) !== null;
          break;
        case 'finding-update':
          ok = await updateFinding(entry.id, entry.set, quiet);
          break;
        case 'finding-delete':
          ok = await deleteFinding(entry.id, quiet);
          break;
      }
    } finally {
      undoing.value = false;
    }
    if (ok) notifications.announce('workspace.undo.done', { what: { key: `workspace.undo.kind.${entry.kind}` } });
    return ok;
  }

  return {
    // state
    handle,
    loadState,
    loadError,
    view,
    pack,
    score,
    scoreProblem,
    serverStatus,
    undoStack,
    localPreviews,
    readOnly,
    // getters
    document,
    criteria,
    criterionIndex,
    tree,
    order,
    searchIndex,
    changedCriteria,
    blockers,
    states,
    saveIndicator,
    canUndo,
    lastUndo,
    criterion,
    record,
    stateOf,
    evidenceOf,
    findingsOf,
    textDraft,
    canUploadFiles,
    canPasteFiles,
    hasFileDialog,
    // actions
    open,
    create,
    openReview,
    close,
    refresh,
    refreshStatus,
    settled,
    setAnswer,
    draftText,
    flushText,
    setProfile,
    addFiles,
    addEvidenceSource,
    pickEvidence,
    linkEvidence,
    unlinkEvidence,
    updateEvidenceDescription,
    verifyEvidence,
    previewEvidence,
    createFinding,
    updateFinding,
    deleteFinding,
    importClaims,
    setClaim,
    clearClaims,
    listJournal,
    undo,
  };
});
