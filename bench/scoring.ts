/**
 * Scoring speed on a generated pack the size of a large framework (2,000 criteria, five
 * dimensions): full recompute with score(), and the incremental scorer's one-answer update
 * that the UI runs on every click.
 */
import { createScorer } from '../core/scoring/incremental';
import { score } from '../core/scoring/score';
import type { Answer, ScoringInput } from '../core/scoring/types';
import { generatePack, prng } from '../core/scoring/test-helpers';
import { row, time, type BenchSection } from './harness';

const CRITERIA = 2000;
const FULL_TARGET_MS = 1;
const UPDATE_TARGET_MS = 0.05;

export const scoringBench: BenchSection = {
  name: 'scoring',
  run(print) {
    const g = generatePack(20250101, CRITERIA);
    const input: ScoringInput = { roles: g.roles, capabilities: g.capabilities, answers: g.answers, findings: g.findings, targets: { IAL: 'IAL2', AAL: 'AAL2', FAL: 'FAL2' } };

    const t0 = process.hrtime.bigint();
    const first = score(g.pack, input);
    const cold = Number(process.hrtime.bigint() - t0) / 1e6;
    const inScope = Object.values(first.criteria).filter((c) => c.inScope).length;
    const summative = g.pack.criteria.filter((c) => c.satisfiedBy).length;
    print(`scoring — ${g.pack.criteria.length} criteria, ${g.pack.dimensions.length} dimensions, ${inScope} in scope, ${summative} summative, ${g.findings.length} findings`);
    print(`  levels: ${Object.entries(first.levels).map(([d, l]) => `${d}=${l ?? '—'}`).join(' ')}`);
    print(`  first score() incl. building the pack index     ${cold.toFixed(3)} ms`);

    const full = time(() => score(g.pack, input), { runs: 2000, warmup: 300 });
    print(row('full recompute, score()', full, FULL_TARGET_MS));

    // One-answer edits as the UI makes them: a random criterion gets a random status.
    const scorer = createScorer(g.pack, input);
    scorer.result();
    const rnd = prng(7);
    const ids = g.pack.criteria.map((c) => c.id);
    const statuses: Answer[] = [{ status: 'conformant' }, { status: 'minor-nc' }, { status: 'major-nc' }, { status: 'not-assessed' }, { status: 'not-applicable', justification: 'n/a' }];
    let id = ids[0]!;
    let answer = statuses[0]!;
    const pick = () => {
      id = ids[Math.floor(rnd() * ids.length)]!;
      answer = statuses[Math.floor(rnd() * statuses.length)]!;
    };
    const update = time(() => scorer.setAnswer(id, answer), { runs: 20000, warmup: 2000, setup: pick });
    print(row('one-answer update, setAnswer()', update, UPDATE_TARGET_MS));
    const withResult = time(
      () => {
        scorer.setAnswer(id, answer);
        scorer.result();
      },
      { runs: 5000, warmup: 500, setup: pick },
    );
    print(row('one-answer update + result()', withResult));
    print(`  full recompute / one-answer update: ${(full.median / update.median).toFixed(0)}× (medians)`);
  },
};
