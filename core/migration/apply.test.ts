import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pack } from '../criteria/schema';
import { applyChange } from '../assessment/ops';
import { Assessment, FORMAT_VERSION } from '../assessment/schema';
import { sampleInit } from '../assessment/test-fixtures';
import { readPackDir } from '../node/packs';
import { createWorkspace, openWorkspace, readJournal } from '../node/workspace';
import { makePack, type PackSpec } from '../scoring/test-helpers';
import { planPackMigration } from './apply';
import { previewMigration } from './preview';

const HASH = (c: string) => c.repeat(64);
const META = { at: '2025-07-01T09:00:00Z', actor: 'Sato Hanako' };
const crit = (id: string) => ({ id, dimension: 'IAL', levels: ['IAL1'] });

describe('planPackMigration on small packs', () => {
  const v1 = makePack({ id: 'p', version: '1.0.0', criteria: ['A', 'B', 'C', 'M1', 'M2'].map(crit) });
  const v2 = makePack({
    id: 'p',
    version: '2.0.0',
    criteria: ['A', 'B2', 'M', 'D'].map(crit),
    mapping: {
      from: 'p@1.0.0',
      entries: [
        { kind: 'same', from: 'A', to: 'A' },
        { kind: 'renamed', from: 'B', to: 'B2' },
        { kind: 'removed', from: 'C' },
        { kind: 'merged', from: ['M1', 'M2'], to: 'M' },
        { kind: 'new', to: 'D' },
      ],
    },
  } as PackSpec);
  const base = (): Assessment => ({
    ...(Assessment.parse({
      formatVersion: FORMAT_VERSION,
      id: 'assessment-1',
      revision: 3,
      createdAt: META.at,
      updatedAt: META.at,
      organization: { legalName: 'X', identifiers: [], contacts: [] },
      service: { name: 'S', description: '' },
      roles: [],
      capabilities: [],
      pack: { id: 'p', version: '1.0.0', hash: v1.hash },
      targets: {},
      type: 'third-party',
      assessors: [],
      dates: {},
      sites: [],
      criteria: {
        A: { status: 'conformant', methods: ['examine'], evidence: [HASH('a')] },
        B: { status: 'minor-nc', samplingNotes: '3 of 40' },
        C: { status: 'not-applicable', justification: 'no kiosks', evidence: [HASH('c')] },
        // Notes without a result yet: carried, and no status is invented for it.
        M1: { notes: 'ask about logs' },
      },
      findings: [{ id: 'F-001', class: 'minor-nc', criteria: ['C', 'A'], description: 'x', status: 'open' }],
      evidence: Object.fromEntries(['a', 'c'].map((c) => [HASH(c), { name: `${c}.pdf`, capturedAt: META.at, capturedBy: 'S', mediaType: 'application/pdf', size: 1 }])),
    }) as Assessment),
  });

  it('moves records, links and flags in one journal entry that keeps what it replaced', () => {
    const doc = base();
    const change = planPackMigration(doc, v1, v2);
    const { assessment: next, entry } = applyChange(doc, change, META);
    expect(next.pack).toEqual({ id: 'p', version: '2.0.0', hash: v2.hash });
    expect(next.revision).toBe(4);
    expect(next.criteria).toEqual({
      A: { status: 'conformant', methods: ['examine'], evidence: [HASH('a')] },
      B2: { status: 'minor-nc', samplingNotes: '3 of 40', reassess: { reason: 'renamed', from: ['B'] } },
      M: { notes: 'ask about logs' },
      D: { reassess: { reason: 'new', from: [] } },
    });
    expect(change.retired).toEqual([{ criterion: 'C', reason: 'removed', record: doc.criteria.C }]);
    expect(change.report.findingsToReview).toEqual([{ finding: 'F-001', missing: ['C'] }]);
    // The finding keeps its link to the retired criterion; the evidence item stays.
    expect(next.findings[0]!.criteria).toEqual(['C', 'A']);
    expect(Object.keys(next.evidence)).toHaveLength(2);
    expect(entry.old).toEqual({ pack: doc.pack, criteria: doc.criteria });
    expect(Assessment.safeParse(next).success).toBe(true);
    // The preview promised the same.
    const preview = previewMigration(doc, v1, v2);
    expect(preview.carried).toEqual(change.report.carried);
    expect(preview.needsReassessment).toEqual(change.report.needsReassessment);
  });

  it('clears the flag when the assessor records a status, not when only notes change', () => {
    const migrated = applyChange(base(), planPackMigration(base(), v1, v2), META).assessment;
    const notes = applyChange(migrated, { op: 'answer.set', criterion: 'B2', set: { notes: 'reviewed?' } }, META).assessment;
    expect(notes.criteria.B2!.reassess).toEqual({ reason: 'renamed', from: ['B'] });
    const set = applyChange(notes, { op: 'answer.set', criterion: 'B2', set: { status: 'minor-nc' } }, META).assessment;
    expect(set.criteria.B2!.reassess).toBeUndefined();
    expect(set.criteria.B2!.status).toBe('minor-nc');
  });

  it('refuses a change that would drop a record, another pack, or a stale plan', () => {
    const doc = base();
    const change = planPackMigration(doc, v1, v2);
    expect(() => applyChange(doc, { ...change, retired: [] }, META)).toThrow(/record of "C" would be dropped/);
    expect(() => applyChange(doc, { ...change, to: { ...change.to, id: 'q' } }, META)).toThrow(/another version of p only/);
    const moved = applyChange(doc, change, META).assessment;
    expect(() => applyChange(moved, change, META)).toThrow(/already uses p@2.0.0/);
    expect(() => planPackMigration(doc, v2, v2)).toThrow(/not p@2.0.0/);
  });
});

describe('pack.migrate jp-idtf 1.0.0 → 2.0.0 in a real workspace', () => {
  let v1: Pack;
  let v2: Pack;
  let root: string;
  beforeAll(async () => {
    const packs = join(import.meta.dirname, '..', '..', 'criteria', 'jp-idtf');
    const a = await readPackDir(join(packs, '1.0.0'));
    const b = await readPackDir(join(packs, '2.0.0'));
    if (!a.ok || !b.ok) throw new Error('the built-in jp-idtf packs do not load');
    v1 = a.pack;
    v2 = b.pack;
    root = mkdtempSync(join(tmpdir(), 'tfa-migrate-'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('accounts for every 1.0.0 answer, pins 2.0.0 with its hash, and replays to the same document', async () => {
    const dir = join(root, 'ws');
    const init = { ...sampleInit(), pack: { id: v1.id, version: v1.version, hash: v1.hash }, roles: [], targets: {} };
    await createWorkspace(dir, init, { actor: 'Sato Hanako' });
    const ws = await openWorkspace(dir, { actor: 'Sato Hanako', pack: v1, snapshotDelayMs: 5 });
    const answerable = v1.criteria.filter((c) => !c.satisfiedBy);
    const statuses = ['conformant', 'minor-nc', 'not-applicable', 'major-nc'] as const;
    const changes = answerable.map((c, i) => ({
      op: 'answer.set',
      criterion: c.id,
      set: { status: statuses[i % 4], ...(statuses[i % 4] === 'not-applicable' && { justification: 'out of scope' }), notes: `note ${c.id}` },
    }));
    expect((await ws.applyAll(changes)).ok).toBe(true);
    const file = join(root, 'policy.pdf');
    writeFileSync(file, 'risk assessment policy');
    const added = await ws.addEvidence(file, { criteria: ['ORG-02', 'PRIV-02'] });
    expect(added.ok).toBe(true);
    expect((await ws.apply({ op: 'finding.create', finding: { id: 'F-001', class: 'minor-nc', criteria: ['ORG-02'], description: 'risk', status: 'open' } })).ok).toBe(true);
    const before = ws.assessment;

    const change = planPackMigration(before, v1, v2);
    const r = await ws.apply(change);
    expect(r.ok).toBe(true);
    ws.usePack(v2);
    const after = ws.assessment;

    expect(after.pack).toEqual({ id: 'jp-idtf', version: '2.0.0', hash: v2.hash });
    // Every 1.0.0 answer is carried, flagged or retired.
    const { report } = change;
    const accounted = new Set([...report.carried.flatMap((c) => c.from), ...report.needsReassessment.flatMap((n) => n.from), ...change.retired.map((x) => x.criterion)]);
    for (const c of answerable) expect(accounted.has(c.id), c.id).toBe(true);
    // Only 2.0.0 ids remain, and every flag of the report is on its record.
    const v2Ids = new Set(v2.criteria.map((c) => c.id));
    for (const id of Object.keys(after.criteria)) expect(v2Ids.has(id), id).toBe(true);
    for (const n of report.needsReassessment) expect(after.criteria[n.criterion]?.reassess).toEqual({ reason: n.reason, from: n.from });
    // ORG-02 was split: the evidence follows to each part.
    for (const id of ['ORG-17', 'ORG-18', 'ORG-19', 'ORG-20']) expect(after.criteria[id]?.evidence).toEqual([added.ok && added.value.hash]);
    // The finding keeps its link and is reported.
    expect(after.findings[0]!.criteria).toEqual(['ORG-02']);
    expect(report.findingsToReview).toEqual([{ finding: 'F-001', missing: ['ORG-02'] }]);
    // Edits are now checked against 2.0.0.
    expect((await ws.apply({ op: 'answer.set', criterion: 'ORG-02', set: { status: 'conformant' } })).ok).toBe(false);
    expect(() => ws.usePack(v1)).toThrow(/pins jp-idtf@2.0.0/);

    // The journal holds one entry for the whole migration, with everything it replaced.
    const journal = await readJournal(dir);
    const entry = journal.at(-1)!;
    expect(entry.change.op).toBe('pack.migrate');
    expect(entry.old).toEqual({ pack: before.pack, criteria: before.criteria });
    expect(await ws.close()).toEqual({ ok: true, value: undefined });

    // Replay: the snapshot and the journal alone both give the same document.
    const again = await openWorkspace(dir, { actor: 'Sato Hanako', pack: v2 });
    expect(again.assessment).toEqual(after);
    await again.close();
    rmSync(join(dir, 'assessment.json'));
    rmSync(join(dir, 'assessment.json.bak'), { force: true });
    const replayed = await openWorkspace(dir, { actor: 'Sato Hanako', readOnly: true });
    expect(replayed.assessment).toEqual(after);
    await replayed.close();
  });
});
