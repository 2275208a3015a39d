/**
 * The criteria pack schema: the single source of truth for what a pack may contain.
 * The JSON Schema in criteria/schema/pack.schema.json is generated from these definitions.
 *
 * A pack is authored as several YAML files under criteria/<pack-id>/<version>/:
 *   pack.yaml        — the manifest (this file's `PackManifest`)
 *   criteria/*.yaml  — lists of criteria (`CriteriaFile`)
 *   mapping.yaml     — optional: how this version maps from the previous one (`PackMapping`)
 * Cross-references (levels, categories, roles, capabilities, satisfiedBy, mapping ids) are
 * checked by the loader after the shape is validated here.
 */
import { z } from 'zod';

export const PACK_SCHEMA_ID = 'tf-assessor/pack@1';

/** Identifiers are ASCII so they are safe in file names, URLs, spreadsheets and CSS. */
export const Id = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'must start with a letter or digit and contain only letters, digits, ".", "_" or "-"');

/** Semantic version, strict (no leading zeros, optional pre-release). */
export const SemVer = z
  .string()
  .regex(
    /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/,
    'must be a semantic version such as 1.0.0',
  );

/** Text in both product languages. Both are required: a missing translation is an error. */
export const Localized = z.strictObject({
  ja: z.string().trim().min(1, 'Japanese text is missing').max(20000),
  en: z.string().trim().min(1, 'English text is missing').max(20000),
});

export const Level = z.strictObject({
  id: Id,
  /** Higher rank = stronger assurance. Ranks are unique within a dimension. */
  rank: z.number().int().min(0).max(100),
  title: Localized,
  description: Localized.optional(),
});

export const Dimension = z.strictObject({
  id: Id,
  /**
   * `assurance`: ranked levels (IAL1..IAL3). `baseline`: one level that is met or not
   * (organizational and privacy criteria).
   */
  kind: z.enum(['assurance', 'baseline']),
  title: Localized,
  description: Localized.optional(),
  levels: z.array(Level).min(1).max(10),
});

export const Role = z.strictObject({ id: Id, title: Localized, description: Localized.optional() });
export const Capability = z.strictObject({ id: Id, title: Localized, description: Localized.optional() });
export const Category = z.strictObject({
  id: Id,
  dimension: Id,
  title: Localized,
  description: Localized.optional(),
});
export const EvidenceType = z.strictObject({ id: Id, title: Localized });
export const FindingClass = z.strictObject({
  id: z.enum(['major-nc', 'minor-nc', 'observation', 'ofi', 'good-practice']),
  title: Localized,
});

export const Source = z.strictObject({
  id: Id,
  title: Localized,
  /** Publication date (YYYY-MM-DD) or year. */
  date: z.string().regex(/^\d{4}(-\d{2}(-\d{2})?)?$/).optional(),
  publisher: z.string().max(200).optional(),
  /** http(s) only: packs are untrusted input and the URL is shown as a link. */
  url: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).max(500).optional(),
});

export const ScoringPolicy = z.strictObject({
  /** `vector`: one level per dimension. `minimum`: also the lowest rank across assurance dimensions. */
  aggregate: z.enum(['vector', 'minimum']),
  /**
   * `block`: any minor non-conformity blocks the level.
   * `allow-with-accepted-plan`: a minor NC passes while a linked finding has an accepted
   * corrective-action plan with a due date.
   */
  minorNonconformity: z.enum(['block', 'allow-with-accepted-plan']),
});

/** A YAML file path relative to the pack folder: no leading `/`, no `..` segment. */
const PackFilePath = z
  .string()
  .regex(/^[A-Za-z0-9_][A-Za-z0-9_./-]*\.ya?ml$/, 'must be a relative path such as criteria/ial.yaml (letters, digits, "_", "-", ".", "/"; ending in .yaml)')
  .refine((p) => !p.split('/').includes('..'), 'must stay inside the pack folder');

export const PackManifest = z.strictObject({
  schema: z.literal(PACK_SCHEMA_ID),
  id: Id,
  version: SemVer,
  title: Localized,
  description: Localized,
  publisher: z.string().min(1).max(200),
  /** Date this version of the pack was published (YYYY-MM-DD). */
  released: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  sources: z.array(Source).min(1).max(50),
  dimensions: z.array(Dimension).min(1).max(20),
  roles: z.array(Role).min(1).max(20),
  capabilities: z.array(Capability).max(100).default([]),
  categories: z.array(Category).min(1).max(500),
  evidenceTypes: z.array(EvidenceType).min(1).max(100),
  findingClasses: z.array(FindingClass).min(1).max(5),
  scoring: ScoringPolicy,
  /** Criteria files, relative to the pack folder, in presentation order. */
  criteriaFiles: z.array(PackFilePath).min(1).max(100),
  /** Optional mapping file from the previous version. */
  mappingFile: PackFilePath.optional(),
});

/** A capability expression: a capability id, or all/any/not of sub-expressions. */
export type Condition = string | { all: Condition[] } | { any: Condition[] } | { not: Condition };
export const Condition: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    Id,
    z.strictObject({ all: z.array(Condition).min(1).max(20) }),
    z.strictObject({ any: z.array(Condition).min(1).max(20) }),
    z.strictObject({ not: Condition }),
  ]),
);

export const Reference = z.strictObject({
  /** A source id declared in the manifest. */
  source: Id,
  /** Clause, section or heading in that source. Never invented: cite the heading when unsure. */
  clause: z.string().min(1).max(200),
  /** Control id in the source's own conformance criteria, e.g. NIST `IAL2-2`. */
  control: z.string().min(1).max(64).optional(),
});

export const Crosswalk = z.strictObject({
  pack: Id,
  criterion: Id,
  relation: z.enum(['equivalent', 'related', 'stricter', 'weaker']).default('related'),
});

export const ExpectedEvidence = z.strictObject({
  /** An evidence type id declared in the manifest. */
  type: Id,
  text: Localized,
});

export const Criterion = z.strictObject({
  id: Id,
  dimension: Id,
  category: Id,
  /** Level ids of this criterion's dimension, or `ALL` for every level of it. */
  levels: z.union([z.literal('ALL'), z.array(Id).min(1).max(10)]),
  /** Role ids the criterion applies to; omitted = every role. */
  roles: z.array(Id).min(1).max(20).optional(),
  /** Applies only when the assessed service's capabilities satisfy this expression. */
  condition: Condition.optional(),
  /**
   * Summative criterion: its result is derived from these criteria (all conformant →
   * conformant). It is not answered directly.
   */
  satisfiedBy: z.array(Id).min(1).max(50).optional(),
  obligation: z.enum(['SHALL', 'SHOULD', 'MAY']),
  methods: z.array(z.enum(['examine', 'interview', 'test'])).min(1).max(3),
  evidence: z.array(ExpectedEvidence).max(20).default([]),
  title: Localized,
  statement: Localized,
  guidance: Localized,
  references: z.array(Reference).min(1).max(20),
  crosswalk: z.array(Crosswalk).max(20).optional(),
  /** Topic labels that are not levels (e.g. NIST `DIRM`, `Redress`). */
  tags: z.array(z.string().min(1).max(80)).max(20).optional(),
});

export const CriteriaFile = z.strictObject({
  criteria: z.array(Criterion).min(1).max(5000),
});

export const MappingKind = z.enum(['same', 'revised', 'renamed', 'split', 'merged', 'removed', 'new']);
const IdOrIds = z.union([Id, z.array(Id).min(1).max(50)]);
export const MappingEntry = z.strictObject({
  kind: MappingKind,
  /** Criterion id(s) in the previous version (absent for `new`). */
  from: IdOrIds.optional(),
  /** Criterion id(s) in this version (absent for `removed`). */
  to: IdOrIds.optional(),
  note: Localized.optional(),
});
export const PackMapping = z.strictObject({
  /** `id@version` of the previous version. */
  from: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*@\S+$/),
  entries: z.array(MappingEntry).min(1).max(10000),
});

export type Localized = z.infer<typeof Localized>;
export type Level = z.infer<typeof Level>;
export type Dimension = z.infer<typeof Dimension>;
export type PackManifest = z.infer<typeof PackManifest>;
export type Criterion = z.infer<typeof Criterion>;
export type CriteriaFile = z.infer<typeof CriteriaFile>;
export type MappingKind = z.infer<typeof MappingKind>;
export type MappingEntryInput = z.infer<typeof MappingEntry>;
export type PackMappingInput = z.infer<typeof PackMapping>;

/** A mapping entry with `from`/`to` normalized to arrays. */
export interface MappingEntry {
  kind: MappingKind;
  from: string[];
  to: string[];
  note?: Localized;
}

/** A fully loaded, cross-checked pack: manifest + criteria in presentation order + mapping. */
export interface Pack extends Omit<PackManifest, 'criteriaFiles' | 'mappingFile'> {
  criteria: Criterion[];
  mapping?: { from: string; entries: MappingEntry[] };
  /** SHA-256 (hex) of the canonical JSON form (see canonical.ts). */
  hash: string;
}

/** `id@version` */
export const packRef = (p: { id: string; version: string }): string => `${p.id}@${p.version}`;
