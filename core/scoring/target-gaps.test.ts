import { describe, expect, it } from 'vitest';
import { score } from './score';
import { makePack } from './test-helpers';
import { targetGaps } from './target-gaps';

const pack = makePack({
  dimensions: [
    { id: 'IAL', levels: ['IAL1', 'IAL2'] },
    { id: 'AAL', levels: ['AAL1', 'AAL2'] },
  ],
  criteria: [
    { id: 'I1', dimension: 'IAL', levels: 'ALL' },
    { id: 'I2', dimension: 'IAL', levels: ['IAL2'] },
    { id: 'I3', dimension: 'IAL', levels: ['IAL2'] },
    { id: 'A1', dimension: 'AAL', levels: ['AAL1'] },
  ],
});

describe('targetGaps', () => {
  it('lists the target level\'s blockers for each dimension that misses its target', () => {
    const result = score(pack, {
      roles: [],
      capabilities: [],
      answers: { I1: { status: 'conformant' }, I2: { status: 'major-nc' }, A1: { status: 'conformant' } },
      targets: { IAL: 'IAL2', AAL: 'AAL1' },
    });
    expect(targetGaps(result.dimensions)).toEqual([
      {
        dimension: 'IAL',
        target: 'IAL2',
        achieved: 'IAL1',
        blockers: [
          { criterion: 'I2', reason: 'major-nc' },
          { criterion: 'I3', reason: 'not-assessed' },
        ],
        undecidable: false,
      },
    ]);
  });

  it('says when no answer can reach the target (no in-scope criterion decides it)', () => {
    const result = score(pack, { roles: [], capabilities: [], answers: { A1: { status: 'conformant' } }, targets: { AAL: 'AAL2' } });
    expect(targetGaps(result.dimensions)).toEqual([{ dimension: 'AAL', target: 'AAL2', achieved: 'AAL1', blockers: [], undecidable: true }]);
  });

  it('is empty when every target is met or none is set', () => {
    const result = score(pack, { roles: [], capabilities: [], answers: { A1: { status: 'conformant' } }, targets: { AAL: 'AAL1' } });
    expect(targetGaps(result.dimensions)).toEqual([]);
  });
});
