/**
 * The scoring state both `score()` and the incremental scorer work on: per-criterion
 * scope/status/met/blocker, and per level slot the counts and sorted blocker lists that
 * decide whether the level is achieved. `score()` computes it in one pass; the incremental
 * scorer keeps it up to date with deltas. Both turn it into a `ScoreResult` the same way.
 */
import type { PackIndex } from './pack-index';
import type { Answer, Blocker, ResultStatus, ScoringFinding } from './types';
import { RESULT_STATUSES } from './types';

/** Status codes ordered by severity, so "the worst" of several statuses is the maximum. */
export const S_CONFORMANT = 0;
export const S_NOT_APPLICABLE = 1;
export const S_NOT_ASSESSED = 2;
export const S_MINOR = 3;
export const S_MAJOR = 4;
export const STATUS_OF_CODE: readonly ResultStatus[] = ['conformant', 'not-applicable', 'not-assessed', 'minor-nc', 'major-nc'];
const CODE_OF_STATUS: Readonly<Record<ResultStatus, number>> = {
  conformant: S_CONFORMANT,
  'not-applicable': S_NOT_APPLICABLE,
  'not-assessed': S_NOT_ASSESSED,
  'minor-nc': S_MINOR,
  'major-nc': S_MAJOR,
};
const KNOWN_STATUS: ReadonlySet<string> = new Set(RESULT_STATUSES);

/** Thrown for answers, findings or targets that cannot be scored (hostile or corrupt input). */
export class ScoringInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScoringInputError';
  }
}

export interface Profile {
  roles: ReadonlySet<string>;
  capabilities: ReadonlySet<string>;
}

/** The findings that matter for scoring, per criterion index, with ids sorted. */
export interface LinkedFindings {
  openMajor: string[];
  /** Minor NC findings with an accepted (or closed) plan and a due date. */
  minorWithPlan: string[];
  minorOther: string[];
}

export interface State {
  inScope: Uint8Array;
  /** 1 = summative with at least one in-scope constituent: status derived, answer ignored. */
  derived: Uint8Array;
  status: Uint8Array;
  met: Uint8Array;
  /** For in-scope criteria that are not met; null otherwise. */
  blocker: (Blocker | null)[];
  slotApplicable: Int32Array;
  slotMet: Int32Array;
  /** Criterion indices not met, ascending (= pack order). */
  slotBlock: number[][];
  advApplicable: Int32Array;
  advMet: Int32Array;
  advUnmet: number[][];
  dimInScope: Int32Array;
  dimDirect: Int32Array;
  dimAnswered: Int32Array;
}

export function makeProfile(roles: readonly string[], capabilities: readonly string[]): Profile {
  return { roles: new Set(roles), capabilities: new Set(capabilities) };
}

/** An answer from a record without falling into inherited properties (`constructor`…). */
export function ownAnswer(answers: Readonly<Record<string, Answer | undefined>>, id: string): Answer | undefined {
  return Object.hasOwn(answers, id) ? answers[id] : undefined;
}

export function checkAnswer(id: string, a: Answer | undefined): Answer | undefined {
  if (a === undefined || a === null) return undefined;
  if (typeof a !== 'object' || !KNOWN_STATUS.has((a as { status?: unknown }).status as string)) {
    const shown = typeof a === 'object' ? String((a as { status?: unknown }).status) : String(a);
    throw new ScoringInputError(`answer for criterion "${id}" has status "${shown}"; use one of ${RESULT_STATUSES.join(', ')}`);
  }
  return a;
}

export function inScopeOf(idx: PackIndex, i: number, p: Profile): boolean {
  const roles = idx.rolesOf[i];
  if (roles && p.roles.size > 0 && !roles.some((r) => p.roles.has(r))) return false;
  const cond = idx.conditionOf[i];
  return !cond || cond(p.capabilities);
}

const DUE_DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/** Index findings by criterion; only in-pack criteria are kept, ids sorted for order independence. */
export function linkFindings(idx: PackIndex, findings: readonly ScoringFinding[] | undefined): Map<number, LinkedFindings> {
  const out = new Map<number, LinkedFindings>();
  if (!findings) return out;
  for (const f of findings) {
    if (!f || !Array.isArray(f.criteria)) continue;
    const kind =
      f.class === 'major-nc'
        ? f.status === 'open'
          ? 'openMajor'
          : null
        : f.class === 'minor-nc'
          ? (f.status === 'plan-accepted' || f.status === 'verified-closed') && typeof f.dueDate === 'string' && DUE_DATE.test(f.dueDate)
            ? 'minorWithPlan'
            : 'minorOther'
          : null;
    if (kind === null) continue;
    for (const cid of f.criteria) {
      const i = idx.indexOf.get(cid);
      if (i === undefined) continue;
      let lf = out.get(i);
      if (!lf) {
        lf = { openMajor: [], minorWithPlan: [], minorOther: [] };
        out.set(i, lf);
      }
      const list = lf[kind];
      if (!list.includes(String(f.id))) list.push(String(f.id));
    }
  }
  for (const lf of out.values()) {
    lf.openMajor.sort(byCodeUnits);
    lf.minorWithPlan.sort(byCodeUnits);
    lf.minorOther.sort(byCodeUnits);
  }
  return out;
}

/** Locale-independent ordering: the same on every machine. */
export function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function hasJustification(a: Answer | undefined): boolean {
  return typeof a?.justification === 'string' && a.justification.trim().length > 0;
}

export interface Evaluation {
  status: number;
  met: boolean;
  blocker: Blocker | null;
}

/** A criterion answered directly: the scoring rule of ADR 0005, in precedence order. */
export function evaluateDirect(idx: PackIndex, i: number, inScope: boolean, answer: Answer | undefined, lf: LinkedFindings | undefined): Evaluation {
  const code = answer ? CODE_OF_STATUS[answer.status] : S_NOT_ASSESSED;
  if (!inScope) return { status: code, met: false, blocker: null };
  const criterion = idx.ids[i]!;
  if (lf && lf.openMajor.length > 0) {
    return { status: code, met: false, blocker: { criterion, reason: 'open-major-finding', findings: lf.openMajor.slice() } };
  }
  switch (code) {
    case S_CONFORMANT:
      return { status: code, met: true, blocker: null };
    case S_NOT_APPLICABLE:
      return hasJustification(answer)
        ? { status: code, met: true, blocker: null }
        : { status: code, met: false, blocker: { criterion, reason: 'not-applicable-without-justification' } };
    case S_MINOR:
      if (!idx.allowMinorWithPlan) return { status: code, met: false, blocker: { criterion, reason: 'minor-nc' } };
      if (lf && lf.minorWithPlan.length > 0) return { status: code, met: true, blocker: null };
      return {
        status: code,
        met: false,
        blocker:
          lf && lf.minorOther.length > 0
            ? { criterion, reason: 'minor-nc-without-accepted-plan', findings: lf.minorOther.slice() }
            : { criterion, reason: 'minor-nc-without-accepted-plan' },
      };
    case S_MAJOR:
      return { status: code, met: false, blocker: { criterion, reason: 'major-nc' } };
    default:
      return { status: code, met: false, blocker: { criterion, reason: 'not-assessed' } };
  }
}

/** A summative criterion: conformant when every in-scope constituent is met, else the worst. */
export function evaluateDerived(idx: PackIndex, i: number, st: Pick<State, 'inScope' | 'status' | 'met'>, lf: LinkedFindings | undefined): Evaluation {
  const cons = idx.constituentsOf[i]!;
  let worst = S_CONFORMANT;
  let unmet: string[] | null = null;
  for (let k = 0; k < cons.length; k++) {
    const c = cons[k]!;
    if (st.inScope[c] !== 1) continue;
    const s = st.status[c]!;
    if (s > worst) worst = s;
    if (st.met[c] !== 1) (unmet ??= []).push(idx.ids[c]!);
  }
  const status = unmet === null ? S_CONFORMANT : worst;
  if (st.inScope[i] !== 1) return { status, met: false, blocker: null };
  const criterion = idx.ids[i]!;
  if (lf && lf.openMajor.length > 0) {
    return { status, met: false, blocker: { criterion, reason: 'open-major-finding', findings: lf.openMajor.slice() } };
  }
  if (unmet !== null) return { status, met: false, blocker: { criterion, reason: 'constituent-not-met', constituents: unmet } };
  return { status, met: true, blocker: null };
}

/** Whether a summative criterion takes its status from constituents (some are in scope). */
export function isDerived(idx: PackIndex, i: number, inScope: Uint8Array): boolean {
  const cons = idx.constituentsOf[i];
  if (!cons) return false;
  for (let k = 0; k < cons.length; k++) if (inScope[cons[k]!] === 1) return true;
  return false;
}

export interface Sources {
  profile: Profile;
  answerOf: (id: string) => Answer | undefined;
  findings: Map<number, LinkedFindings>;
}

/** Full computation of the state: O(criteria + level tags + constituents). */
export function computeState(idx: PackIndex, src: Sources): State {
  const n = idx.n;
  const nSlots = idx.slots.length;
  const nDims = idx.dimensions.length;
  const st: State = {
    inScope: new Uint8Array(n),
    derived: new Uint8Array(n),
    status: new Uint8Array(n),
    met: new Uint8Array(n),
    blocker: new Array<Blocker | null>(n).fill(null),
    slotApplicable: new Int32Array(nSlots),
    slotMet: new Int32Array(nSlots),
    slotBlock: Array.from({ length: nSlots }, () => []),
    advApplicable: new Int32Array(nSlots),
    advMet: new Int32Array(nSlots),
    advUnmet: Array.from({ length: nSlots }, () => []),
    dimInScope: new Int32Array(nDims),
    dimDirect: new Int32Array(nDims),
    dimAnswered: new Int32Array(nDims),
  };
  for (let i = 0; i < n; i++) st.inScope[i] = inScopeOf(idx, i, src.profile) ? 1 : 0;
  for (let i = 0; i < n; i++) {
    const id = idx.ids[i]!;
    // Every answer for a pack criterion is checked, even one a derived criterion ignores, so
    // the outcome never depends on which criteria happen to be in scope.
    const answer = checkAnswer(id, src.answerOf(id));
    if (isDerived(idx, i, st.inScope)) {
      st.derived[i] = 1;
      continue;
    }
    const e = evaluateDirect(idx, i, st.inScope[i] === 1, answer, src.findings.get(i));
    st.status[i] = e.status;
    st.met[i] = e.met ? 1 : 0;
    st.blocker[i] = e.blocker;
  }
  const order = idx.summativeOrder;
  for (let k = 0; k < order.length; k++) {
    const i = order[k]!;
    if (st.derived[i] !== 1) continue;
    const e = evaluateDerived(idx, i, st, src.findings.get(i));
    st.status[i] = e.status;
    st.met[i] = e.met ? 1 : 0;
    st.blocker[i] = e.blocker;
  }
  for (let i = 0; i < n; i++) {
    if (st.inScope[i] !== 1) continue;
    const d = idx.dimensionOf[i]!;
    st.dimInScope[d]!++;
    if (st.derived[i] !== 1) {
      st.dimDirect[d]!++;
      if (st.status[i] !== S_NOT_ASSESSED) st.dimAnswered[d]!++;
    }
    const slots = idx.slotsOf[i]!;
    const met = st.met[i] === 1;
    if (idx.shall[i] === 1) {
      for (let k = 0; k < slots.length; k++) {
        const s = slots[k]!;
        st.slotApplicable[s]!++;
        if (met) st.slotMet[s]!++;
        else st.slotBlock[s]!.push(i);
      }
    } else {
      for (let k = 0; k < slots.length; k++) {
        const s = slots[k]!;
        st.advApplicable[s]!++;
        if (met) st.advMet[s]!++;
        else st.advUnmet[s]!.push(i);
      }
    }
  }
  return st;
}

/** Why a criterion listed as unmet (blocking, or advisory for SHOULD/MAY) is not met. */
export function blockerFor(st: State, i: number): Blocker {
  const b = st.blocker[i];
  if (!b) throw new Error(`internal: criterion #${i} is listed as unmet without a reason`);
  return b;
}

export function sameBlocker(a: Blocker | null, b: Blocker | null): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  return a.criterion === b.criterion && a.reason === b.reason && sameList(a.constituents, b.constituents) && sameList(a.findings, b.findings);
}

function sameList(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  if (a === b) return true;
  if (!a || !b || a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
  return true;
}
