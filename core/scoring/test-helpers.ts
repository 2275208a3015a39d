/**
 * Hand-made and generated packs for the scoring and migration tests and the benchmark (not
 * shipped code paths; lives in core so every tsconfig project sees it).
 * `makePack` fills in the prose a real pack carries so tests can state only what matters;
 * `generatePack` builds a large, realistic pack from a seed (no randomness across runs).
 */
import type { Condition, Criterion, Pack, PackMappingInput } from '../criteria/schema';
import { PACK_SCHEMA_ID } from '../criteria/schema';
import type { Answer, ScoringFinding } from './types';

const text = (s: string): { ja: string; en: string } => ({ ja: `${s}（日本語）`, en: s });

export interface DimensionSpec {
  id: string;
  kind?: 'assurance' | 'baseline';
  /** Level ids in rank order (rank = position + 1) unless ranks are given. */
  levels: (string | [string, number])[];
}

export interface CriterionSpec {
  id: string;
  dimension: string;
  levels: string[] | 'ALL';
  obligation?: 'SHALL' | 'SHOULD' | 'MAY';
  roles?: string[];
  condition?: Condition;
  satisfiedBy?: string[];
}

export interface PackSpec {
  id?: string;
  version?: string;
  dimensions?: DimensionSpec[];
  roles?: string[];
  capabilities?: string[];
  aggregate?: 'vector' | 'minimum';
  minorNonconformity?: 'block' | 'allow-with-accepted-plan';
  criteria: CriterionSpec[];
  mapping?: { from: string; entries: PackMappingInput['entries'] };
}

export const NIST_LIKE_DIMENSIONS: DimensionSpec[] = [
  { id: 'IAL', levels: ['IAL1', 'IAL2', 'IAL3'] },
  { id: 'AAL', levels: ['AAL1', 'AAL2', 'AAL3'] },
  { id: 'FAL', levels: ['FAL1', 'FAL2', 'FAL3'] },
];

function criterionOf(c: CriterionSpec): Criterion {
  const out: Criterion = {
    id: c.id,
    dimension: c.dimension,
    category: `${c.dimension}-cat`,
    levels: c.levels,
    obligation: c.obligation ?? 'SHALL',
    methods: ['examine'],
    evidence: [],
    title: text(`Title of ${c.id}`),
    statement: text(`Statement of ${c.id}`),
    guidance: text(`Guidance for ${c.id}`),
    references: [{ source: 'src', clause: '1.1' }],
  };
  if (c.roles) out.roles = c.roles;
  if (c.condition !== undefined) out.condition = c.condition;
  if (c.satisfiedBy) out.satisfiedBy = c.satisfiedBy;
  return out;
}

/** A complete `Pack` from a compact description. */
export function makePack(spec: PackSpec): Pack {
  const dims = spec.dimensions ?? NIST_LIKE_DIMENSIONS;
  const pack: Pack = {
    schema: PACK_SCHEMA_ID,
    id: spec.id ?? 'test-pack',
    version: spec.version ?? '1.0.0',
    title: text('Test pack'),
    description: text('A pack made for tests'),
    publisher: 'TF Assessor tests',
    released: '2025-01-01',
    sources: [{ id: 'src', title: text('Source') }],
    dimensions: dims.map((d) => ({
      id: d.id,
      kind: d.kind ?? 'assurance',
      title: text(d.id),
      levels: d.levels.map((l, k) => (typeof l === 'string' ? { id: l, rank: k + 1, title: text(l) } : { id: l[0], rank: l[1], title: text(l[0]) })),
    })),
    roles: (spec.roles ?? ['csp', 'idp', 'rp']).map((id) => ({ id, title: text(id) })),
    capabilities: (spec.capabilities ?? []).map((id) => ({ id, title: text(id) })),
    categories: dims.map((d) => ({ id: `${d.id}-cat`, dimension: d.id, title: text(d.id) })),
    evidenceTypes: [{ id: 'document', title: text('Document') }],
    findingClasses: [{ id: 'major-nc', title: text('Major') }],
    scoring: { aggregate: spec.aggregate ?? 'vector', minorNonconformity: spec.minorNonconformity ?? 'block' },
    criteria: spec.criteria.map(criterionOf),
    hash: '0'.repeat(64),
  };
  if (spec.mapping) {
    pack.mapping = {
      from: spec.mapping.from,
      entries: spec.mapping.entries.map((e) => {
        const entry: NonNullable<Pack['mapping']>['entries'][number] = {
          kind: e.kind,
          from: e.from === undefined ? [] : Array.isArray(e.from) ? e.from : [e.from],
          to: e.to === undefined ? [] : Array.isArray(e.to) ? e.to : [e.to],
        };
        if (e.note) entry.note = e.note;
        return entry;
      }),
    };
  }
  return pack;
}

/** Small fast deterministic PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Generated {
  pack: Pack;
  answers: Record<string, Answer>;
  findings: ScoringFinding[];
  roles: string[];
  capabilities: string[];
}

/**
 * A large pack shaped like the real ones: IAL/AAL/FAL with three levels, two baseline
 * dimensions (organization, privacy); mostly SHALL; levels tagged singly, in pairs or ALL;
 * some role-specific and conditional criteria; a few summative ones; answers mostly
 * conformant with the usual sprinkling of gaps, and a handful of findings.
 */
export function generatePack(seed: number, count: number): Generated {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const dims: DimensionSpec[] = [
    ...NIST_LIKE_DIMENSIONS,
    { id: 'ORG', kind: 'baseline', levels: ['ORG'] },
    { id: 'PRIV', kind: 'baseline', levels: ['PRIV'] },
  ];
  const roles = ['csp', 'idp', 'rp'];
  const caps = ['remote-proofing', 'onsite-proofing', 'kiosk', 'biometrics', 'syncable-keys', 'proxied-federation'];
  const criteria: CriterionSpec[] = [];
  for (let i = 0; i < count; i++) {
    const dim = dims[i % dims.length]!;
    const levelIds = dim.levels.map((l) => (typeof l === 'string' ? l : l[0]));
    const r = rnd();
    const levels: string[] | 'ALL' =
      levelIds.length === 1 || r < 0.25 ? 'ALL' : r < 0.65 ? [pick(levelIds)] : levelIds.slice(levelIds.length === 3 && rnd() < 0.5 ? 1 : 0, levelIds.length === 3 ? 3 : 2);
    const o = rnd();
    const c: CriterionSpec = { id: `${dim.id}-${String(i).padStart(4, '0')}`, dimension: dim.id, levels, obligation: o < 0.75 ? 'SHALL' : o < 0.93 ? 'SHOULD' : 'MAY' };
    if (rnd() < 0.35) c.roles = rnd() < 0.5 ? [pick(roles)] : [pick(roles), pick(roles)].filter((v, k, a) => a.indexOf(v) === k);
    const q = rnd();
    if (q < 0.1) c.condition = pick(caps);
    else if (q < 0.15) c.condition = { all: [pick(caps), { not: pick(caps) }] };
    else if (q < 0.2) c.condition = { any: [pick(caps), pick(caps)] };
    // Summative criteria draw on earlier criteria of the same dimension.
    if (i > 50 && rnd() < 0.05) {
      const sb = new Set<string>();
      const k = 2 + Math.floor(rnd() * 3);
      while (sb.size < k) sb.add(criteria[Math.floor(rnd() * i)]!.id);
      c.satisfiedBy = [...sb];
    }
    criteria.push(c);
  }
  const pack = makePack({
    id: 'bench-pack',
    dimensions: dims,
    roles,
    capabilities: caps,
    aggregate: 'minimum',
    minorNonconformity: 'allow-with-accepted-plan',
    criteria,
  });
  const answers: Record<string, Answer> = {};
  for (const c of criteria) {
    const a = rnd();
    if (a < 0.7) answers[c.id] = { status: 'conformant' };
    else if (a < 0.78) answers[c.id] = { status: 'not-applicable', justification: 'The service does not do this.' };
    else if (a < 0.8) answers[c.id] = { status: 'not-applicable' };
    else if (a < 0.85) answers[c.id] = { status: 'minor-nc' };
    else if (a < 0.87) answers[c.id] = { status: 'major-nc' };
    // else: not assessed yet
  }
  const findings: ScoringFinding[] = [];
  for (let k = 0; k < Math.max(4, Math.floor(count / 50)); k++) {
    const cls = rnd() < 0.3 ? 'major-nc' : 'minor-nc';
    const f: ScoringFinding = {
      id: `F-${k}`,
      class: cls,
      criteria: [pick(criteria).id],
      status: pick(['open', 'plan-accepted', 'verified-closed'] as const),
    };
    if (rnd() < 0.7) f.dueDate = '2026-03-31';
    findings.push(f);
  }
  return { pack, answers, findings, roles: ['idp'], capabilities: ['remote-proofing', 'biometrics'] };
}
