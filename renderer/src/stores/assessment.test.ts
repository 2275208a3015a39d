// The assessment and navigator stores with their real actions, against a fake main built on
// the real core (only window.api is replaced).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import type { AssessmentView } from '../../../core/api/contract';
import { toScoringInput } from '../../../core/assessment/scoring-input';
import { score } from '../../../core/scoring/score';
import { deferred, HANDLE, installFakeMain, type FakeMain } from '../testing/fakeMain';
import { forgetCachedPacks, TEXT_SAVE_DELAY_MS, useAssessmentStore } from './assessment';
import { useNavigatorStore } from './navigator';
import { useNotificationsStore } from './notifications';

let main: FakeMain;

beforeEach(() => {
  setActivePinia(createPinia());
  forgetCachedPacks();
  main = installFakeMain();
});

afterEach(() => {
  vi.useRealTimers();
  delete window.api;
});

async function opened() {
  const store = useAssessmentStore();
  expect(await store.open(HANDLE)).toBe(true);
  return store;
}

const levelOf = (store: ReturnType<typeof useAssessmentStore>, dim: string) => store.score?.dimensions.find((d) => d.dimension === dim)?.achieved ?? null;

describe('useAssessmentStore: open and score', () => {
  it('opens by handle with the pinned pack, and scores exactly like core', async () => {
    const store = await opened();
    expect(store.loadState).toBe('ready');
    expect(main.api.packsGet).toHaveBeenCalledWith({ id: 'demo', version: '2.0.0', hash: main.pack.hash });
    expect(store.pack?.criteria.map((c) => c.id)).toEqual(['IAL-1', 'IAL-2', 'IAL-3', 'IAL-4', 'ORG-1', 'ORG-2']);
    expect(store.score).toEqual(score(main.pack, toScoringInput(main.doc())));
    expect(store.saveIndicator.state).toBe('saved');
    // Opening the open one again asks nothing.
    await store.open(HANDLE);
    expect(main.api.assessmentsOpen).toHaveBeenCalledTimes(1);
  });

  it('fetches the pack named by the recent list while main opens the workspace, and uses it only if the hash matches', async () => {
    const store = useAssessmentStore();
    expect(await store.open(HANDLE, 'demo@2.0.0')).toBe(true);
    expect(main.api.packsGet.mock.calls).toEqual([[{ id: 'demo', version: '2.0.0' }]]);
    expect(main.api.packsGet.mock.invocationCallOrder[0]!).toBeLessThan(main.api.assessmentsOpen.mock.invocationCallOrder[0]!);

    setActivePinia(createPinia());
    forgetCachedPacks();
    main = installFakeMain();
    // A different build of the same id@version: the prefetched detail is not used.
    main.api.packsGet.mockResolvedValueOnce({ ok: true, value: { ...main.detail, version: '2.0.1', hash: 'f'.repeat(64) } });
    const again = useAssessmentStore();
    expect(await again.open(HANDLE, 'demo@2.0.1')).toBe(true);
    expect(main.api.packsGet.mock.calls.at(-1)).toEqual([{ id: 'demo', version: '2.0.0', hash: main.pack.hash }]);
    expect(again.pack?.hash).toBe(main.pack.hash);
  });

  it('reports an assessment that cannot be opened', async () => {
    const store = useAssessmentStore();
    expect(await store.open('h-unknown')).toBe(false);
    expect(store.loadState).toBe('error');
    expect(useNotificationsStore().errors).toMatchObject([{ context: 'openAssessment', error: { code: 'not-found' } }]);
  });

  it('derives navigator state from the score: scope, blockers of the target, evidence, findings', async () => {
    const store = await opened();
    // IAL-3 needs the "remote" capability: out of scope. IAL-4 is summative.
    expect(store.stateOf('IAL-3')).toMatchObject({ inScope: false });
    expect(store.stateOf('IAL-4')).toMatchObject({ derived: true, recorded: false });
    // Target IAL2: IAL-1 and IAL-2 block it while unanswered.
    expect([...store.blockers].sort()).toEqual(['IAL-1', 'IAL-2']);
    expect(store.stateOf('IAL-2')).toMatchObject({ blocking: true, expectsEvidence: true, evidence: 0 });
    expect([...store.changedCriteria].sort()).toEqual(['IAL-1', 'IAL-3']);
  });
});

describe('useAssessmentStore: answers', () => {
  it('shows a result at once, before main confirms it, with the level recomputed', async () => {
    const store = await opened();
    const held = deferred<Awaited<ReturnType<typeof main.api.answersSet>>>();
    const real = main.api.answersSet.getMockImplementation()!;
    main.api.answersSet.mockImplementationOnce(async (args) => {
      const answer = await real(args);
      await held.promise;
      return answer;
    });
    void store.setAnswer('IAL-1', { status: 'conformant' });
    const second = store.setAnswer('IAL-2', { status: 'conformant' });
    // Before any answer from main: both shown, the level recomputed (IAL-3 is out of scope and
    // IAL-4 follows from IAL-1 and IAL-2, so IAL3 is reached), indicator says saving.
    expect(store.record('IAL-1')?.status).toBe('conformant');
    expect(store.record('IAL-2')?.status).toBe('conformant');
    expect(levelOf(store, 'IAL')).toBe('IAL3');
    expect(store.saveIndicator.state).toBe('saving');
    // The second edit waits for the first (main applies edits in order anyway).
    await vi.waitFor(() => expect(main.api.answersSet).toHaveBeenCalledTimes(1));
    await new Promise((r) => setTimeout(r, 20));
    expect(main.api.answersSet).toHaveBeenCalledTimes(1);
    held.resolve(undefined as never);
    await second;
    await store.settled();
    expect(main.api.answersSet).toHaveBeenCalledTimes(2);
    expect(store.view?.document.criteria['IAL-2']?.status).toBe('conformant');
    expect(store.score).toEqual(score(main.pack, toScoringInput(main.doc())));
    expect(store.saveIndicator.state).toBe('saved');
  });

  it('sends only what changed, and nothing when nothing changed', async () => {
    const store = await opened();
    await store.setAnswer('IAL-1', { status: 'conformant', notes: 'seen' });
    await store.setAnswer('IAL-1', { status: 'conformant', notes: 'seen, twice' });
    expect(main.api.answersSet.mock.calls.at(-1)![0]).toEqual({ handle: HANDLE, criterion: 'IAL-1', set: { notes: 'seen, twice' } });
    await store.setAnswer('IAL-1', { status: 'conformant' });
    expect(main.api.answersSet).toHaveBeenCalledTimes(2);
  });

  it('takes back an edit main refuses and says why', async () => {
    const store = await opened();
    main.api.answersSet.mockResolvedValueOnce({ ok: false, error: { code: 'disk-full', message: 'No space left on /data.' } });
    expect(await store.setAnswer('IAL-1', { status: 'major-nc' })).toBe(false);
    expect(store.record('IAL-1')?.status).toBeUndefined();
    expect(useNotificationsStore().errors).toMatchObject([{ context: 'saveAnswer', error: { code: 'disk-full' } }]);
    expect(store.canUndo).toBe(false);
  });

  it('ignores an answer older than the document it holds', async () => {
    const store = await opened();
    await store.setAnswer('IAL-1', { status: 'conformant' });
    const stale: AssessmentView = { ...store.view!, document: { ...store.view!.document, revision: 0, criteria: {} } };
    main.api.answersSet.mockResolvedValueOnce({ ok: true, value: stale });
    await store.setAnswer('IAL-2', { status: 'conformant' });
    expect(store.view?.document.revision).toBe(1);
    expect(store.record('IAL-1')?.status).toBe('conformant');
  });

  it('saves typed notes after a pause, once, with the latest text', async () => {
    vi.useFakeTimers();
    const store = await opened();
    store.draftText('IAL-1', 'notes', 'A');
    store.draftText('IAL-1', 'notes', 'AB');
    store.draftText('IAL-1', 'notes', 'ABC');
    expect(store.textDraft('IAL-1', 'notes')).toBe('ABC');
    expect(store.saveIndicator).toMatchObject({ state: 'saving', pending: 1 });
    // Typing touches neither the document nor the navigator.
    expect(store.record('IAL-1')).toBeUndefined();
    await vi.advanceTimersByTimeAsync(TEXT_SAVE_DELAY_MS - 50);
    expect(main.api.answersSet).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(100);
    await store.settled();
    expect(main.api.answersSet).toHaveBeenCalledTimes(1);
    expect(main.api.answersSet).toHaveBeenCalledWith({ handle: HANDLE, criterion: 'IAL-1', set: { notes: 'ABC' } });
    expect(main.doc().criteria['IAL-1']?.notes).toBe('ABC');
    expect(store.saveIndicator.state).toBe('saved');
    // Emptying the field clears the note; flushText saves without waiting.
    store.draftText('IAL-1', 'notes', '   ');
    await store.flushText();
    expect(main.doc().criteria['IAL-1']?.notes).toBeUndefined();
  });
});

describe('useAssessmentStore: autosave status', () => {
  it('shows a failing write with its code, polls, and recovers when main has written it', async () => {
    vi.useFakeTimers();
    main.status = { state: 'error', pending: 1, revision: 0, error: { code: 'disk-full', message: 'Disk full: changes are kept and retried every 5 s.' } };
    const store = await opened();
    expect(store.saveIndicator).toMatchObject({ state: 'error', error: { code: 'disk-full' } });
    main.status = { state: 'saved', pending: 0, revision: 0, error: null };
    await vi.advanceTimersByTimeAsync(5100);
    expect(main.api.assessmentStatus).toHaveBeenCalled();
    expect(store.saveIndicator.state).toBe('saved');
  });

  it('refuses to close while changes cannot be written, unless told to discard them', async () => {
    main.status = { state: 'error', pending: 2, revision: 0, error: { code: 'read-only', message: 'The folder is read-only.' } };
    const store = await opened();
    expect(await store.close()).toMatchObject({ code: 'read-only' });
    expect(store.handle).toBe(HANDLE);
    expect(await store.close({ discardUnsaved: true })).toBeNull();
    expect(main.api.assessmentsClose).toHaveBeenLastCalledWith({ handle: HANDLE, discardUnsaved: true });
    expect(store.handle).toBeNull();
    expect(store.loadState).toBe('idle');
  });

  it('saves typed text before closing', async () => {
    const store = await opened();
    store.draftText('ORG-1', 'samplingNotes', '20 of 400 records');
    await store.close();
    expect(main.doc().criteria['ORG-1']?.samplingNotes).toBe('20 of 400 records');
    expect(main.api.answersSet.mock.invocationCallOrder[0]!).toBeLessThan(main.api.assessmentsClose.mock.invocationCallOrder[0]!);
  });
});

describe('useAssessmentStore: evidence, findings and undo', () => {
  it('undoes answers through the same channel, newest first', async () => {
    const store = await opened();
    await store.setAnswer('IAL-1', { status: 'conformant' });
    await store.setAnswer('IAL-1', { status: 'minor-nc', notes: 'partly' });
    await store.undo();
    expect(main.api.answersSet).toHaveBeenLastCalledWith({ handle: HANDLE, criterion: 'IAL-1', set: { status: 'conformant', notes: null } });
    expect(main.doc().criteria['IAL-1']).toEqual({ status: 'conformant' });
    await store.undo();
    expect(main.doc().criteria['IAL-1']?.status).toBeUndefined();
    expect(store.canUndo).toBe(false);
    expect(useNotificationsStore().notice).toMatchObject({ key: 'workspace.undo.done', params: { what: { key: 'workspace.undo.kind.answer' } } });
  });

  it('adds picked files as evidence linked to the criterion; undo unlinks, the file stays', async () => {
    const store = await opened();
    const hashes = await store.pickEvidence(['IAL-2']);
    expect(hashes).toHaveLength(1);
    expect(main.api.evidenceAdd).toHaveBeenCalledWith({ handle: HANDLE, source: 'picked1', criteria: ['IAL-2'] });
    expect(store.evidenceOf('IAL-2').map((e) => e.hash)).toEqual(hashes);
    expect(store.stateOf('IAL-2')).toMatchObject({ evidence: 1 });
    await store.undo();
    expect(main.api.evidenceUnlink).toHaveBeenCalledWith({ handle: HANDLE, hash: hashes[0], criterion: 'IAL-2' });
    expect(store.evidenceOf('IAL-2')).toEqual([]);
    expect(Object.keys(main.doc().evidence)).toEqual(hashes);
    await store.linkEvidence(hashes[0]!, 'ORG-1');
    expect(store.evidenceOf('ORG-1')).toHaveLength(1);
    expect(await store.verifyEvidence(hashes[0]!)).toEqual({ hash: hashes[0], ok: true, missing: false });
  });

  it('refuses to upload page files in the desktop app (the dialog is the way there)', async () => {
    const store = await opened();
    expect(store.canUploadFiles()).toBe(false);
    expect(await store.addFiles([new File(['x'], 'x.png', { type: 'image/png' })], ['IAL-2'])).toEqual([]);
    expect(useNotificationsStore().errors).toMatchObject([{ context: 'evidence', error: { code: 'bad-request' } }]);
    expect(main.api.evidenceAdd).not.toHaveBeenCalled();
  });

  it('creates, changes and deletes findings, each undoable; a blocking finding shows in the score', async () => {
    const store = await opened();
    await store.setAnswer('IAL-1', { status: 'conformant' });
    await store.setAnswer('IAL-2', { status: 'conformant' });
    expect(levelOf(store, 'IAL')).toBe('IAL3');
    const id = await store.createFinding({ class: 'major-nc', criteria: ['IAL-2'], description: 'Proofing records are not kept.' });
    expect(id).toBe('F-001');
    expect(store.findingsOf('IAL-2').map((f) => f.id)).toEqual(['F-001']);
    expect(levelOf(store, 'IAL')).toBe('IAL1'); // an open major finding on IAL-2 blocks IAL2 and IAL3
    await store.updateFinding('F-001', { status: 'verified-closed' });
    expect(levelOf(store, 'IAL')).toBe('IAL3');
    await store.undo(); // back to open
    expect(main.doc().findings[0]?.status).toBe('open');
    await store.deleteFinding('F-001');
    expect(main.doc().findings).toEqual([]);
    await store.undo(); // re-created with its content
    expect(main.doc().findings).toEqual([{ id: 'F-001', class: 'major-nc', criteria: ['IAL-2'], description: 'Proofing records are not kept.', status: 'open' }]);
    expect(store.score).toEqual(score(main.pack, toScoringInput(main.doc())));
  });

  it('keeps its score in step with changes main reports for profile edits', async () => {
    const store = await opened();
    expect(store.stateOf('IAL-3')?.inScope).toBe(false);
    await store.setProfile({ capabilities: ['remote'] });
    expect(store.stateOf('IAL-3')?.inScope).toBe(true);
    expect([...store.blockers].sort()).toEqual(['IAL-1', 'IAL-2', 'IAL-3']);
    await store.undo();
    expect(main.api.profileSet).toHaveBeenLastCalledWith({ handle: HANDLE, fields: { capabilities: [] } });
    expect(store.stateOf('IAL-3')?.inScope).toBe(false);
  });
});

describe('useNavigatorStore', () => {
  it('filters, searches and finds the next unanswered and blocking criteria', async () => {
    const store = await opened();
    const nav = useNavigatorStore();
    expect(nav.matchCount).toBe(6);
    nav.setFilter({ query: 'ｉａｌ－２' });
    expect(nav.matchCount).toBe(1);
    nav.setFilter({ query: '' , status: 'out-of-scope' });
    expect(nav.rows.filter((r) => r.kind === 'criterion').map((r) => store.criteria[(r as { index: number }).index]!.id)).toEqual(['IAL-3']);
    nav.clearFilter();
    nav.setFilter({ changed: true });
    expect(nav.matchCount).toBe(2);
    nav.clearFilter();
    nav.setFilter({ needsEvidence: true });
    expect(nav.matchCount).toBe(1);
    nav.clearFilter();

    expect(nav.next('unanswered', null)).toBe('IAL-1');
    expect(nav.next('unanswered', 'IAL-1')).toBe('IAL-2');
    // IAL-3 is out of scope and IAL-4 summative: skipped.
    expect(nav.next('unanswered', 'IAL-2')).toBe('ORG-1');
    expect(nav.next('blocking', 'IAL-2')).toBe('IAL-1');
    await store.setAnswer('IAL-1', { status: 'conformant' });
    expect(nav.next('unanswered', null)).toBe('IAL-2');
    expect(nav.next('blocking', null)).toBe('IAL-2');
    // Collapsing a dimension hides its rows; reveal opens it again.
    nav.toggle('d:IAL');
    expect(nav.rows.some((r) => r.kind === 'criterion' && store.criteria[r.index]!.dimension === 'IAL')).toBe(false);
    nav.reveal(0);
    expect(nav.rows.some((r) => r.kind === 'criterion' && r.index === 0)).toBe(true);
  });
});
