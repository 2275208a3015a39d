/**
 * The deterministic edit script of the crash test: step `seq` is a pure function of `seq`,
 * so the test can recompute exactly what the workspace must contain after any kill.
 */
import { createHash } from 'node:crypto';
import { sanitizeDisplayName } from '../../assessment/display-name';
import type { Change } from '../../assessment/ops';

const STATUSES = ['conformant', 'minor-nc', 'major-nc', 'not-applicable'] as const;

export type CrashStep =
  | { kind: 'change'; change: Change }
  | { kind: 'evidence'; key: string; content: Buffer; name: string; criteria: string[] };

export const CRASH_ACTOR = 'crash-child';

/** The edit the child makes as change number `seq` (seq ≥ 1). */
export function crashStep(seq: number): CrashStep {
  const criterion = `C-${seq % 37}`;
  switch (seq % 6) {
    case 0:
      return { kind: 'change', change: { op: 'profile.set', field: 'service.description', value: `description at ${seq}` } };
    case 1:
      return { kind: 'change', change: { op: 'answer.set', criterion, set: { status: STATUSES[seq % 4]!, notes: `note ${seq}`, methods: ['examine'] } } };
    case 2:
      return {
        kind: 'change',
        change: { op: 'finding.create', finding: { id: `F-${seq}`, class: 'observation', criteria: [criterion], description: `finding ${seq}`, status: 'open' } },
      };
    case 3: {
      // 21 distinct contents, so the same bytes come back (de-duplication); some are large
      // enough that kills land in the middle of copying them.
      const key = `${seq % 7}-${seq % 3}`;
      const size = seq % 3 === 0 ? 300 * 1024 : 2048;
      const line = Buffer.from(`evidence ${key}\n`);
      const content = Buffer.alloc(size);
      for (let i = 0; i < size; i += line.length) line.copy(content, i);
      return { kind: 'evidence', key, content, name: `photo ${key}.jpg`, criteria: [criterion] };
    }
    case 4:
      return seq % 12 === 10
        ? { kind: 'change', change: { op: 'finding.delete', id: `F-${seq - 8}` } }
        : {
            kind: 'change',
            change: { op: 'finding.update', id: `F-${seq - 2}`, set: { status: 'plan-accepted', correctiveAction: { plan: `plan ${seq}`, dueDate: '2026-03-31' } } },
          };
    default:
      return { kind: 'change', change: { op: 'answer.set', criterion, set: { samplingNotes: `sample ${seq}` } } };
  }
}

/** The change a step amounts to, as the workspace records it (capture time aside). */
export function stepAsChange(step: CrashStep, capturedAt: string): Change {
  if (step.kind === 'change') return step.change;
  return {
    op: 'evidence.add',
    hash: createHash('sha256').update(step.content).digest('hex'),
    item: { name: sanitizeDisplayName(step.name), capturedAt, capturedBy: CRASH_ACTOR, mediaType: 'image/jpeg', size: step.content.length },
    criteria: step.criteria,
  };
}
