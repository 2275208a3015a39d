/**
 * The renderer receives packs as `PackDetail` (tfa:packs:get) and scores locally with the same
 * engine main uses; these helpers turn the detail back into the `Pack` the engine indexes.
 */
import { PACK_SCHEMA_ID, type MappingKind, type Pack } from '../criteria/schema';
import type { PackDetail } from './contract';

/**
 * The scorable `Pack` behind a pack detail. Scoring reads only ids, dimensions, levels,
 * roles, conditions, satisfiedBy, obligations and the scoring policy, all of which the detail
 * carries unchanged (`ALL` arrives expanded, which indexes identically), so `score()` on the
 * result equals main's score of the original pack. Crosswalks and the mapping are absent.
 */
export function packFromDetail(detail: PackDetail): Pack {
  return {
    schema: PACK_SCHEMA_ID,
    id: detail.id,
    version: detail.version,
    hash: detail.hash,
    title: detail.title,
    description: detail.description,
    publisher: detail.publisher,
    released: detail.released,
    sources: detail.sources.map((s) => ({ id: s.id, title: s.title, ...(s.url !== undefined && { url: s.url }) })),
    dimensions: detail.dimensions.map((d) => ({
      id: d.id,
      kind: d.kind,
      title: d.title,
      ...(d.description && { description: d.description }),
      levels: d.levels.map((l) => ({ id: l.id, rank: l.rank, title: l.title, ...(l.description && { description: l.description }) })),
    })),
    roles: detail.roles.map((r) => ({ id: r.id, title: r.title, ...(r.description && { description: r.description }) })),
    capabilities: detail.capabilities.map((c) => ({ id: c.id, title: c.title, ...(c.description && { description: c.description }) })),
    categories: detail.categories.map((c) => ({ id: c.id, dimension: c.dimension, title: c.title, ...(c.description && { description: c.description }) })),
    evidenceTypes: detail.evidenceTypes.map((e) => ({ id: e.id, title: e.title })),
    findingClasses: detail.findingClasses.map((f) => ({ id: f.id as Pack['findingClasses'][number]['id'], title: f.title })),
    scoring: { ...detail.scoring },
    criteria: detail.criteria.map((c) => ({
      id: c.id,
      dimension: c.dimension,
      category: c.category,
      levels: [...c.levels],
      ...(c.roles && { roles: [...c.roles] }),
      ...(c.condition !== undefined && { condition: c.condition }),
      ...(c.satisfiedBy && { satisfiedBy: [...c.satisfiedBy] }),
      obligation: c.obligation,
      methods: [...c.methods],
      evidence: c.evidence.map((e) => ({ type: e.type, text: e.text })),
      title: c.title,
      statement: c.statement,
      guidance: c.guidance,
      references: c.references.map((r) => ({ source: r.source, clause: r.clause, ...(r.control !== undefined && { control: r.control }) })),
      ...(c.tags && { tags: [...c.tags] }),
    })),
  };
}

/**
 * What a pack version changed, from its mapping: entries per kind, and the kind of every
 * criterion of this version that is not `same` (`removed` entries name no criterion here),
 * and the entries themselves.
 */
export function summarizeMapping(mapping: NonNullable<Pack['mapping']>): NonNullable<PackDetail['changes']> {
  const counts: Partial<Record<MappingKind, number>> = {};
  const criteria: Record<string, MappingKind> = {};
  for (const e of mapping.entries) {
    counts[e.kind] = (counts[e.kind] ?? 0) + 1;
    if (e.kind === 'same' || e.kind === 'removed') continue;
    for (const id of e.to) criteria[id] = e.kind;
  }
  const entries = mapping.entries.map((e) => ({ kind: e.kind, from: [...e.from], to: [...e.to], ...(e.note && { note: { ja: e.note.ja, en: e.note.en } }) }));
  return { from: mapping.from, counts, criteria, entries };
}
