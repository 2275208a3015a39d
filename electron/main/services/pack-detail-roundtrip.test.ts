// The renderer scores with the same engine as main, from the pack detail main sends
// (tfa:packs:get). These tests prove that round trip loses nothing scoring reads, on the real
// built-in packs, and that the mapping summary matches the pack's mapping.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PackDetail } from '../../../core/api/contract';
import { packFromDetail, summarizeMapping } from '../../../core/api/pack-detail';
import type { Pack } from '../../../core/criteria/schema';
import { readPackDir } from '../../../core/node/packs';
import { createScorer } from '../../../core/scoring/incremental';
import { score } from '../../../core/scoring/score';
import { prng } from '../../../core/scoring/test-helpers';
import type { ScoringInput } from '../../../core/scoring/types';
import { RESULT_STATUSES } from '../../../core/scoring/types';
import { packDetail } from './packs';

const CRITERIA = join(import.meta.dirname, '..', '..', '..', 'criteria');
const roots = [{ dir: CRITERIA, origin: 'builtin' as const }];

async function load(id: string, version: string): Promise<Pack> {
  const r = await readPackDir(join(CRITERIA, id, version), { expectFromFolder: true, roots });
  if (!r.ok) throw new Error(`${id}@${version}: ${r.problems[0]?.message}`);
  return r.pack;
}

/** Random answers, roles, capabilities and targets for a pack (deterministic per seed). */
function randomInput(pack: Pack, seed: number): ScoringInput {
  const rnd = prng(seed);
  const answers: ScoringInput['answers'] = {};
  for (const c of pack.criteria) {
    if (rnd() < 0.2) continue;
    const status = RESULT_STATUSES[Math.floor(rnd() * RESULT_STATUSES.length)]!;
    answers[c.id] = status === 'not-applicable' && rnd() < 0.5 ? { status, justification: 'n/a' } : { status };
  }
  return {
    roles: pack.roles.filter(() => rnd() < 0.5).map((r) => r.id),
    capabilities: pack.capabilities.filter(() => rnd() < 0.5).map((c) => c.id),
    answers,
    targets: Object.fromEntries(pack.dimensions.map((d) => [d.id, d.levels[Math.floor(rnd() * d.levels.length)]!.id])),
    findings: [{ id: 'F-001', class: 'major-nc', criteria: [pack.criteria[3]!.id], status: 'open' }],
  };
}

describe.each([
  ['jp-idtf', '1.0.0'],
  ['jp-idtf', '2.0.0'],
  ['nist-800-63-4', '1.0.0'],
])('%s@%s', (id, version) => {
  it('scores identically from the detail main sends as from the pack itself', async () => {
    const pack = await load(id, version);
    // Through JSON and the contract's schema, as the renderer receives it.
    const detail = PackDetail.parse(JSON.parse(JSON.stringify(packDetail(pack, 'builtin'))));
    const again = packFromDetail(detail);
    for (let seed = 1; seed <= 20; seed++) {
      const input = randomInput(pack, seed);
      expect(score(again, input)).toEqual(score(pack, input));
    }
    // And incrementally, as the store does.
    const input = randomInput(pack, 99);
    const scorer = createScorer(again, input);
    const c = pack.criteria[0]!.id;
    scorer.setAnswer(c, { status: 'conformant' });
    expect(scorer.result()).toEqual(score(pack, { ...input, answers: { ...input.answers, [c]: { status: 'conformant' } } }));
  });
});

describe('summarizeMapping', () => {
  it('counts mapping entries by kind and lists every new or changed criterion of jp-idtf 2.0.0', async () => {
    const pack = await load('jp-idtf', '2.0.0');
    const summary = summarizeMapping(pack.mapping!);
    expect(summary.from).toBe('jp-idtf@1.0.0');
    expect(Object.values(summary.counts).reduce((a, b) => a + b, 0)).toBe(pack.mapping!.entries.length);
    const ids = new Set(pack.criteria.map((c) => c.id));
    for (const [criterion, kind] of Object.entries(summary.criteria)) {
      expect(ids.has(criterion), criterion).toBe(true);
      expect(kind).not.toBe('same');
    }
    const same = pack.mapping!.entries.filter((e) => e.kind === 'same').flatMap((e) => e.to);
    for (const s of same) expect(Object.hasOwn(summary.criteria, s)).toBe(false);
    expect(summary.counts.new).toBe(pack.mapping!.entries.filter((e) => e.kind === 'new').length);
    // The detail carries it; a first version has none.
    expect(packDetail(pack, 'builtin').changes).toEqual(summary);
    expect(packDetail(await load('nist-800-63-4', '1.0.0'), 'builtin').changes).toBeUndefined();
  });
});
