// A window.api that behaves like main for one assessment, built on the real core: edits go
// through core's applyChange (so invalid edits fail as they would), views carry core's score.
// Store tests run their real actions against it; only the process boundary is fake.
import type { Mock } from 'vitest';
import type { ApiResult, AssessmentView, PackDetail, SaveStatus } from '../../../core/api/contract';
import { summarizeMapping } from '../../../core/api/pack-detail';
import { newAssessment } from '../../../core/assessment/create';
import { applyChange, nextFindingId, type Change } from '../../../core/assessment/ops';
import type { Assessment } from '../../../core/assessment/schema';
import { toScoringInput } from '../../../core/assessment/scoring-input';
import type { Pack } from '../../../core/criteria/schema';
import { score } from '../../../core/scoring/score';
import { makePack } from '../../../core/scoring/test-helpers';
import { installMockApi, ok, type MockApi } from './mockApi';

export const HANDLE = 'h-test-1';

/** A small pack: IAL with three levels (one summative criterion), a baseline ORG dimension. */
export function samplePack(): Pack {
  return makePack({
    id: 'demo',
    version: '2.0.0',
    dimensions: [
      { id: 'IAL', levels: ['IAL1', 'IAL2', 'IAL3'] },
      { id: 'ORG', kind: 'baseline', levels: ['ORG-BASE'] },
    ],
    roles: ['idp', 'rp'],
    capabilities: ['remote'],
    criteria: [
      { id: 'IAL-1', dimension: 'IAL', levels: 'ALL' },
      { id: 'IAL-2', dimension: 'IAL', levels: ['IAL2', 'IAL3'] },
      { id: 'IAL-3', dimension: 'IAL', levels: ['IAL2', 'IAL3'], condition: 'remote' },
      { id: 'IAL-4', dimension: 'IAL', levels: ['IAL3'], satisfiedBy: ['IAL-1', 'IAL-2'] },
      { id: 'ORG-1', dimension: 'ORG', levels: 'ALL', roles: ['idp'] },
      { id: 'ORG-2', dimension: 'ORG', levels: 'ALL', obligation: 'SHOULD' },
    ],
    mapping: { from: 'demo@1.0.0', entries: [{ kind: 'revised', from: 'IAL-1', to: 'IAL-1' }, { kind: 'new', to: 'IAL-3' }, { kind: 'same', from: 'ORG-1', to: 'ORG-1' }] },
  });
}

/** The `tfa:packs:get` form of a pack (what main's packDetail sends). */
export function detailOf(pack: Pack): PackDetail {
  const levelsOf = new Map(pack.dimensions.map((d) => [d.id, d.levels.map((l) => l.id)]));
  return {
    id: pack.id,
    version: pack.version,
    hash: pack.hash,
    title: pack.title,
    origin: 'builtin',
    criteriaCount: pack.criteria.length,
    dimensions: pack.dimensions.map((d) => ({ id: d.id, kind: d.kind, title: d.title, levels: d.levels.map((l) => ({ id: l.id, rank: l.rank, title: l.title })) })),
    description: pack.description,
    publisher: pack.publisher,
    released: pack.released,
    sources: pack.sources.map((s) => ({ id: s.id, title: s.title })),
    roles: pack.roles.map((r) => ({ id: r.id, title: r.title })),
    capabilities: pack.capabilities.map((c) => ({ id: c.id, title: c.title })),
    categories: pack.categories.map((c) => ({ id: c.id, dimension: c.dimension, title: c.title })),
    evidenceTypes: pack.evidenceTypes,
    findingClasses: pack.findingClasses,
    scoring: pack.scoring,
    criteria: pack.criteria.map((c) => ({
      id: c.id,
      dimension: c.dimension,
      category: c.category,
      levels: c.levels === 'ALL' ? [...(levelsOf.get(c.dimension) ?? [])] : [...c.levels],
      ...(c.roles && { roles: c.roles }),
      ...(c.condition !== undefined && { condition: c.condition }),
      ...(c.satisfiedBy && { satisfiedBy: c.satisfiedBy }),
      obligation: c.obligation,
      methods: c.methods,
      evidence: c.id === 'IAL-2' ? [{ type: 'document', text: { ja: '手順書', en: 'Procedure' } }] : c.evidence,
      title: c.title,
      statement: c.statement,
      guidance: c.guidance,
      references: c.references,
    })) as PackDetail['criteria'],
    ...(pack.mapping && { changes: summarizeMapping(pack.mapping) }),
  };
}

export interface FakeMain {
  api: MockApi;
  pack: Pack;
  detail: PackDetail;
  /** The document as main holds it. */
  doc(): Assessment;
  /** What `tfa:assessment:status` answers (tests set failures here). */
  status: SaveStatus;
  /** Applies a change as another window would (no API call). */
  apply(change: Change): void;
}

const AT = '2025-06-02T09:00:00.000Z';

export function installFakeMain(options: { targets?: Record<string, string>; roles?: string[] } = {}): FakeMain {
  const pack = samplePack();
  const detail = detailOf(pack);
  let doc = newAssessment(
    {
      organization: { legalName: '株式会社テスト認証' },
      service: { name: 'Test ID' },
      pack: { id: pack.id, version: pack.version, hash: pack.hash },
      type: 'third-party',
      roles: options.roles ?? ['idp'],
      targets: options.targets ?? { IAL: 'IAL2' },
    },
    { id: 'a1b2c3d4-0000', now: AT },
  );
  const fake: FakeMain = {
    api: installMockApi(),
    pack,
    detail,
    doc: () => doc,
    status: { state: 'saved', pending: 0, revision: 0, error: null },
    apply(change) {
      doc = applyChange(doc, change, { at: AT, actor: 'tester' }, { pack }).assessment;
    },
  };
  const view = (): AssessmentView => ({
    handle: HANDLE,
    document: doc,
    pack: { id: pack.id, version: pack.version, hash: pack.hash, title: pack.title, origin: 'builtin', criteriaCount: pack.criteria.length, dimensions: pack.dimensions.map((d) => d.id) },
    score: score(pack, toScoringInput(doc)) as AssessmentView['score'],
    scoreProblem: null,
    claimDifferences: [],
    // Like main: the view is built while the edit is in flight.
    status: { ...fake.status, state: fake.status.error ? 'error' : 'saving', revision: doc.revision },
    recovery: [],
  });
  const edit = (change: Change): ApiResult<AssessmentView> => {
    try {
      fake.apply(change);
    } catch (err) {
      return { ok: false, error: { code: 'invalid-input', message: (err as Error).message } };
    }
    return ok(view());
  };
  const api = fake.api;
  api.assessmentsOpen.mockImplementation(async ({ handle }) => (handle === HANDLE ? ok(view()) : { ok: false, error: { code: 'not-found', message: 'No such assessment.' } }));
  api.assessmentGet.mockImplementation(async () => ok(view()));
  api.assessmentStatus.mockImplementation(async () => ok({ ...fake.status, revision: doc.revision }));
  api.assessmentsClose.mockImplementation(async ({ discardUnsaved }) => (fake.status.error && !discardUnsaved ? { ok: false, error: fake.status.error } : ok(null)));
  api.assessmentsCreate.mockImplementation(async () => ok(view()));
  api.packsGet.mockImplementation(async () => ok(detail));
  api.answersSet.mockImplementation(async ({ criterion, set }) => edit({ op: 'answer.set', criterion, set } as Change));
  api.profileSet.mockImplementation(async ({ fields }) => {
    for (const [field, value] of Object.entries(fields)) {
      const r = edit({ op: 'profile.set', field, value } as Change);
      if (!r.ok) return r;
    }
    return ok(view());
  });
  api.evidenceLink.mockImplementation(async ({ hash, criterion }) => edit({ op: 'evidence.link', hash, criterion }));
  api.evidenceUnlink.mockImplementation(async ({ hash, criterion }) => edit({ op: 'evidence.unlink', hash, criterion }));
  api.evidenceUpdate.mockImplementation(async ({ hash, description }) => edit({ op: 'evidence.update', hash, set: { description } } as Change));
  api.evidenceAdd.mockImplementation(async ({ source, criteria }) => {
    const hash = source.padEnd(64, '0').slice(0, 64).replace(/[^0-9a-f]/g, 'a');
    const r = edit({ op: 'evidence.add', hash, item: { name: `${source}.png`, capturedAt: AT, capturedBy: 'tester', mediaType: 'image/png', size: 10 }, ...(criteria && { criteria }) } as Change);
    return r.ok ? ok({ ...r.value, added: { hash, deduplicated: false } }) : r;
  });
  api.evidenceVerify.mockImplementation(async ({ hash }) => ok({ hash, ok: true, missing: false }));
  api.findingsCreate.mockImplementation(async ({ finding }) => {
    const id = finding.id ?? nextFindingId(doc);
    const r = edit({ op: 'finding.create', finding: { ...finding, id, status: finding.status ?? 'open' } } as Change);
    return r.ok ? ok({ ...r.value, id }) : r;
  });
  api.findingsUpdate.mockImplementation(async ({ id, set }) => edit({ op: 'finding.update', id, set } as Change));
  api.findingsDelete.mockImplementation(async ({ id }) => edit({ op: 'finding.delete', id }));
  api.dialogsPickEvidence.mockImplementation(async () => ok([{ source: 'picked1', name: 'picked1.png', size: 10 }]));
  api.journalList.mockImplementation(async () => ok({ entries: [], total: 0, nextBefore: null }));
  return fake;
}

/** A promise with its resolver, to hold an API answer back. */
export function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

export type { Mock };
