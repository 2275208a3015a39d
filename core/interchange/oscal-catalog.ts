/**
 * OSCAL catalog → criteria pack files (pack.yaml + criteria/<dimension>.yaml).
 *
 * Built for NIST's SP 800-63-4 conformance criteria catalog and its irregularities:
 * - groups → dimensions: 63A → IAL, 63B → AAL, 63C → FAL, 63Base → GEN (baseline);
 *   subgroups, or else the control-id prefix (`DIRM-1` → DIRM), → categories;
 * - props: `label` (class `index`) → clause reference; `marking` class `target` → roles
 *   (`CSP/IdP/RP`, `RP, CSP` …); `marking` class `xal-level` → levels (`IAL2`, `AAL2/AAl3`,
 *   `ALL`, bare `IAL` = all levels of the dimension); markings that are not levels (DIRM,
 *   Redress, Syncable …) become tags, never levels;
 * - parts: statement, objective, assessment-method (method in a `method` prop), guidance;
 *   "Satisfied by X" → satisfiedBy, "See X" → a crosswalk to X in the same pack.
 * Shapes it does not know are reported with their JSON path, never guessed. OSCAL carries
 * English only: `ja` repeats the English text so the loader warns "untranslated" until a
 * translator replaces it (docs/decisions/0004-pack-format.md).
 */
import { stringify } from 'yaml';
import { Id, PACK_SCHEMA_ID, type Criterion, type PackManifest } from '../criteria/schema';
import { parseYamlSafe } from '../criteria/yaml-safe';
import { utf8DecodeStrict, utf8Length } from '../criteria/utf8';

export interface OscalProblem {
  /** JSON path into the catalog, e.g. `$.catalog.groups[1].controls[4].props[2]`. */
  path: string;
  message: string;
}

export interface OscalImportOptions {
  id: string;
  version: string;
  /** Publisher shown in the pack; default: the catalog's first party, else "NIST". */
  publisher?: string;
  /** Release date of the pack (YYYY-MM-DD); default: the catalog's published / last-modified date. */
  released?: string;
  /** Group id or title → dimension id, for catalogs whose groups are not named 63A/63B/63C/63Base. */
  groupDimensions?: Record<string, string>;
  /** Byte limit of the catalog (default 50 MiB) and nesting limit (default 64). */
  maxBytes?: number;
  maxDepth?: number;
}

export interface OscalImportStats {
  controls: number;
  byDimension: Record<string, number>;
  byMethod: Record<'examine' | 'interview' | 'test', number>;
}

export type OscalImportResult =
  | { ok: true; files: { path: string; text: string }[]; warnings: OscalProblem[]; stats: OscalImportStats }
  | { ok: false; problems: OscalProblem[]; warnings: OscalProblem[] };

interface DimensionSpec {
  id: string;
  kind: 'assurance' | 'baseline';
  en: string;
  ja: string;
  levels: { id: string; rank: number; en: string; ja: string }[];
  file: string;
}

const ASSURANCE = (id: 'IAL' | 'AAL' | 'FAL', en: string, ja: string): DimensionSpec => ({
  id,
  kind: 'assurance',
  en,
  ja,
  levels: [1, 2, 3].map((n) => ({ id: `${id}${n}`, rank: n, en: `${id}${n}`, ja: `${id}${n}` })),
  file: `criteria/${id.toLowerCase()}.yaml`,
});
const DIMENSIONS: Record<string, DimensionSpec> = {
  GEN: {
    id: 'GEN',
    kind: 'baseline',
    en: 'General and organizational (digital identity risk management)',
    ja: '全般・組織（デジタルアイデンティティのリスク管理）',
    levels: [{ id: 'GEN', rank: 1, en: 'Met', ja: '充足' }],
    file: 'criteria/gen.yaml',
  },
  IAL: ASSURANCE('IAL', 'Identity assurance level', '身元確認保証レベル'),
  AAL: ASSURANCE('AAL', 'Authentication assurance level', '当人認証保証レベル'),
  FAL: ASSURANCE('FAL', 'Federation assurance level', 'フェデレーション保証レベル'),
};
/** Group naming in NIST's catalogs; checked on `id title`. 63Base before 63B is not needed: \b. */
const GROUP_PATTERNS: [RegExp, string][] = [
  [/\b63A\b/i, 'IAL'],
  [/\b63B\b/i, 'AAL'],
  [/\b63C\b/i, 'FAL'],
  [/\b63Base\b|\b800-63-4\b/i, 'GEN'],
];

/** Known roles with Japanese titles; other targets get their English name in both. */
const ROLE_TITLES: Record<string, { en: string; ja: string }> = {
  CSP: { en: 'Credential service provider (CSP)', ja: 'クレデンシャルサービスプロバイダ（CSP）' },
  IdP: { en: 'Identity provider (IdP)', ja: 'アイデンティティプロバイダ（IdP）' },
  RP: { en: 'Relying party (RP)', ja: '依拠当事者（RP）' },
  Verifier: { en: 'Verifier', ja: '検証者' },
  Organization: { en: 'Organization', ja: '組織' },
  FederalAgency: { en: 'Federal agency', ja: '連邦政府機関' },
  FederationAuthority: { en: 'Federation authority', ja: 'フェデレーション機関' },
};
/** Plural spellings seen in targets. Written down, not inferred. */
const ROLE_ALIASES: Record<string, string> = { RPs: 'RP', CSPs: 'CSP', IdPs: 'IdP', Verifiers: 'Verifier' };

const METHODS = { EXAMINE: 'examine', INTERVIEW: 'interview', TEST: 'test' } as const;
const KNOWN_PARTS = new Set(['statement', 'objective', 'assessment-objective', 'assessment-method', 'guidance']);
const IGNORED_PROPS = new Set(['sort-id', 'label', 'status', 'alt-identifier', 'alt-label']);

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

interface Draft {
  id: string;
  path: string;
  dimension: string;
  category: string;
  levels: 'ALL' | string[];
  roles: string[];
  methods: Set<'examine' | 'interview' | 'test'>;
  title: string;
  statement: string;
  guidanceParts: string[];
  clause: string;
  source: string;
  tags: string[];
  satisfiedByText?: { ids: string[]; path: string };
  seeText?: { ids: string[]; path: string };
}

/** Imports an OSCAL catalog (JSON or YAML text/bytes). Never throws. */
export function importOscalCatalog(input: string | Uint8Array, opts: OscalImportOptions): OscalImportResult {
  const problems: OscalProblem[] = [];
  const warnings: OscalProblem[] = [];
  const fail = (): OscalImportResult => ({ ok: false, problems, warnings });
  if (!Id.safeParse(opts.id).success) problems.push({ path: '--id', message: `"${opts.id}" is not a valid pack id (letters, digits, ".", "_", "-")` });
  if (!/^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/.test(opts.version)) {
    problems.push({ path: '--version', message: `"${opts.version}" is not a semantic version such as 1.0.0` });
  }
  if (problems.length) return fail();

  const root = parseCatalog(input, opts, problems);
  if (root === undefined) return fail();
  if (!isObj(root) || !isObj(root.catalog)) {
    const other = isObj(root) ? Object.keys(root).find((k) => ['profile', 'system-security-plan', 'assessment-results', 'component-definition'].includes(k)) : undefined;
    problems.push({ path: '$', message: other ? `this is an OSCAL ${other}, not a catalog` : 'not an OSCAL catalog: expected an object with a "catalog" member' });
    return fail();
  }
  const catalog = root.catalog;
  const metadata = isObj(catalog.metadata) ? catalog.metadata : {};
  const catTitle = str(metadata.title)?.trim() || 'OSCAL catalog';
  const released = opts.released ?? (str(metadata.published) ?? str(metadata['last-modified']) ?? '').slice(0, 10);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(released)) problems.push({ path: '$.catalog.metadata', message: 'no published or last-modified date: pass a release date' });
  const parties = Array.isArray(metadata.parties) ? metadata.parties : [];
  const publisher = opts.publisher ?? (parties.map((p) => (isObj(p) ? str(p.name) : undefined)).find(Boolean) || 'NIST');

  if (Array.isArray(catalog.controls) && catalog.controls.length) {
    problems.push({ path: '$.catalog.controls', message: 'controls outside any group: their dimension cannot be told; put them in a group' });
  }
  if (!Array.isArray(catalog.groups) || catalog.groups.length === 0) {
    problems.push({ path: '$.catalog.groups', message: 'the catalog has no groups' });
    return fail();
  }

  const drafts: Draft[] = [];
  const roleOrder: string[] = [];
  const roleTitle = new Map<string, string>();
  const categories = new Map<string, { id: string; dimension: string; en: string }>();
  const sources = new Map<string, { id: string; en: string }>();
  const dimsUsed = new Set<string>();

  const dimensionOf = (g: Json): string | undefined => {
    const gid = str(g.id) ?? '';
    const gtitle = str(g.title) ?? '';
    const override = opts.groupDimensions?.[gid] ?? opts.groupDimensions?.[gtitle];
    if (override) return override;
    return GROUP_PATTERNS.find(([re]) => re.test(`${gid} ${gtitle}`))?.[1];
  };

  catalog.groups.forEach((g, gi) => {
    const gpath = `$.catalog.groups[${gi}]`;
    if (!isObj(g)) {
      problems.push({ path: gpath, message: 'a group must be an object' });
      return;
    }
    const dim = dimensionOf(g);
    const gtitle = str(g.title) ?? str(g.id) ?? `group ${gi + 1}`;
    if (!dim || !DIMENSIONS[dim]) {
      problems.push({ path: gpath, message: `cannot tell which dimension group "${gtitle}" belongs to (expected 63Base, 63A, 63B or 63C in its id or title${dim ? `; "${dim}" is not one of GEN, IAL, AAL, FAL` : ''})` });
      return;
    }
    dimsUsed.add(dim);
    const sourceId = slug(`SP800-${str(g.id) ?? gtitle}`);
    if (!sources.has(sourceId)) sources.set(sourceId, { id: sourceId, en: `${catTitle} — ${gtitle}` });
    const walkControls = (controls: unknown, path: string, category: string | undefined, depth: number): void => {
      if (controls === undefined) return;
      if (!Array.isArray(controls)) {
        problems.push({ path, message: 'controls must be a list' });
        return;
      }
      controls.forEach((c, ci) => {
        const cpath = `${path}[${ci}]`;
        const d = controlDraft(c, cpath, dim, gtitle, sourceId, category);
        if (d) {
          drafts.push(d);
          if (isObj(c) && depth < 8) walkControls(c.controls, `${cpath}.controls`, d.category, depth + 1);
        }
      });
    };
    walkControls(g.controls, `${gpath}.controls`, undefined, 0);
    if (Array.isArray(g.groups)) {
      g.groups.forEach((sg, si) => {
        const spath = `${gpath}.groups[${si}]`;
        if (!isObj(sg)) {
          problems.push({ path: spath, message: 'a group must be an object' });
          return;
        }
        const stitle = str(sg.title) ?? str(sg.id) ?? `group ${si + 1}`;
        const catId = slug(`${dim}-${str(sg.id) ?? stitle}`);
        categories.set(catId, { id: catId, dimension: dim, en: stitle });
        walkControls(sg.controls, `${spath}.controls`, catId, 0);
        if (sg.groups !== undefined) problems.push({ path: `${spath}.groups`, message: 'groups nested more than two deep are not supported' });
      });
    }
  });

  function controlDraft(c: unknown, path: string, dim: string, gtitle: string, source: string, category: string | undefined): Draft | undefined {
    if (!isObj(c)) {
      problems.push({ path, message: 'a control must be an object' });
      return undefined;
    }
    const id = str(c.id);
    if (!id || !Id.safeParse(id).success) {
      problems.push({ path: `${path}.id`, message: id ? `control id "${id}" cannot be a criterion id (letters, digits, ".", "_", "-"; at most 64)` : 'control without an id' });
      return undefined;
    }
    const title = str(c.title)?.trim();
    if (!title) problems.push({ path: `${path}.title`, message: `control ${id} has no title` });
    const props = Array.isArray(c.props) ? c.props : [];
    if (c.props !== undefined && !Array.isArray(c.props)) problems.push({ path: `${path}.props`, message: 'props must be a list' });
    if (props.some((p) => isObj(p) && p.name === 'status' && p.value === 'withdrawn')) {
      warnings.push({ path, message: `control ${id} is withdrawn: skipped` });
      return undefined;
    }
    let clause: string | undefined;
    const roles: string[] = [];
    const levelTokens: { value: string; path: string }[] = [];
    const tags: string[] = [];
    let sawLevelMarking = false;
    props.forEach((p, pi) => {
      const ppath = `${path}.props[${pi}]`;
      if (!isObj(p) || typeof p.name !== 'string' || typeof p.value !== 'string') {
        problems.push({ path: ppath, message: 'a prop needs a string name and value' });
        return;
      }
      const cls = str(p.class);
      if (p.name === 'label') {
        if (cls === undefined || cls === 'index') clause ??= p.value.trim();
        return;
      }
      if (p.name === 'marking') {
        if (cls === 'target') {
          for (const t of p.value.split(/[/,]/).map((x) => x.trim()).filter(Boolean)) {
            const name = ROLE_ALIASES[t] ?? t;
            const rid = slug(name.replace(/\s+/g, ''));
            if (!roleTitle.has(rid)) {
              roleTitle.set(rid, name);
              roleOrder.push(rid);
            }
            if (!roles.includes(rid)) roles.push(rid);
          }
        } else if (cls === 'xal-level') {
          sawLevelMarking = true;
          classifyMarking(p.value, ppath, levelTokens, tags);
        } else problems.push({ path: ppath, message: `marking with unknown class "${cls ?? ''}" (expected target or xal-level)` });
        return;
      }
      if (!IGNORED_PROPS.has(p.name)) warnings.push({ path: ppath, message: `prop "${p.name}" is not imported` });
    });

    // Levels: tokens of this control's dimension; ALL or a bare dimension name = every level.
    const spec = DIMENSIONS[dim]!;
    let levels: 'ALL' | string[] = [];
    const list: string[] = [];
    for (const t of levelTokens) {
      const upper = t.value.toUpperCase();
      if (upper === 'ALL') levels = 'ALL';
      else if (spec.kind === 'baseline') {
        // A baseline dimension has one level: level names here are topics (e.g. "IAL, AAL, FAL").
        if (!tags.includes(t.value)) tags.push(t.value);
      } else if (upper === spec.id) levels = 'ALL';
      else if (spec.levels.some((l) => l.id === upper)) {
        if (!list.includes(upper)) list.push(upper);
      } else problems.push({ path: t.path, message: `level "${t.value}" belongs to another dimension than ${spec.id} (group ${gtitle})` });
    }
    if (levels !== 'ALL') levels = list;
    if (spec.kind === 'baseline' || (Array.isArray(levels) && levels.length === 0)) {
      if (spec.kind === 'assurance') warnings.push({ path, message: `control ${id} has no level marking${sawLevelMarking ? ` (only ${tags.map((t) => `"${t}"`).join(', ')})` : ''}: it applies to ALL levels of ${spec.id}` });
      levels = 'ALL';
    }

    // Parts.
    let statement = '';
    const guidance: string[] = [];
    const methods = new Set<'examine' | 'interview' | 'test'>();
    let satisfiedByText: Draft['satisfiedByText'];
    let seeText: Draft['seeText'];
    const parts = Array.isArray(c.parts) ? c.parts : [];
    if (c.parts !== undefined && !Array.isArray(c.parts)) problems.push({ path: `${path}.parts`, message: 'parts must be a list' });
    let objective = '';
    const methodTexts: string[] = [];
    parts.forEach((part, pi) => {
      const ppath = `${path}.parts[${pi}]`;
      if (!isObj(part) || typeof part.name !== 'string') {
        problems.push({ path: ppath, message: 'a part needs a name' });
        return;
      }
      if (!KNOWN_PARTS.has(part.name)) {
        problems.push({ path: ppath, message: `part "${part.name}" is not understood (expected statement, objective, assessment-method or guidance)` });
        return;
      }
      const text = proseOf(part, ppath, 0);
      if (part.name === 'statement') statement = statement ? `${statement}\n\n${text}` : text;
      else if (part.name === 'guidance') {
        if (text) guidance.push(text);
      } else if (part.name === 'objective' || part.name === 'assessment-objective') {
        if (text) objective = objective ? `${objective}\n\n${text}` : text;
      } else {
        const mprops = Array.isArray(part.props) ? part.props : [];
        const mvals = mprops.filter((p): p is Json => isObj(p) && p.name === 'method');
        let method: 'examine' | 'interview' | 'test' | undefined;
        for (const mp of mvals) {
          const v = String(mp.value ?? '').toUpperCase() as keyof typeof METHODS;
          if (METHODS[v]) {
            method = METHODS[v];
            methods.add(method);
          } else problems.push({ path: `${ppath}.props[${mprops.indexOf(mp)}]`, message: `unknown assessment method "${String(mp.value)}" (expected EXAMINE, INTERVIEW or TEST)` });
        }
        const sat = /^\s*satisfied by\s+(.+?)\.?\s*$/is.exec(text);
        const see = /^\s*see\s+(.+?)\.?\s*$/is.exec(text);
        if (sat) satisfiedByText = { ids: splitIds(sat[1]!), path: ppath };
        else if (see) seeText = { ids: splitIds(see[1]!), path: ppath };
        else if (text) methodTexts.push(`${method ? method.toUpperCase() : 'Assessment'}: ${text}`);
        if (!method && !sat && !see) problems.push({ path: ppath, message: 'assessment-method without a "method" prop (EXAMINE, INTERVIEW or TEST)' });
      }
    });
    // Guidance reads: objective, the catalog's guidance, then what each method examines.
    if (objective) guidance.unshift(`Objective: ${objective}`);
    guidance.push(...methodTexts);
    if (!statement) {
      warnings.push({ path, message: `control ${id} has no statement part: its title is used as the statement` });
      statement = title ?? id;
    }
    if (!clause) {
      warnings.push({ path, message: `control ${id} has no label: the group "${gtitle}" is cited instead of a clause` });
      clause = gtitle;
    }
    let cat = category;
    if (!cat) {
      const prefix = id.replace(/-.*$/, '');
      cat = slug(`${dim}-${prefix}`);
      if (!categories.has(cat)) {
        const topic = title && title.includes(' - ') ? title.slice(0, title.indexOf(' - ')).trim() : '';
        categories.set(cat, { id: cat, dimension: dim, en: topic ? `${prefix} — ${topic}` : prefix });
      }
    }
    return {
      id,
      path,
      dimension: dim,
      category: cat,
      levels,
      roles,
      methods,
      title: title ?? id,
      statement,
      guidanceParts: guidance,
      clause: clause.slice(0, 200),
      source,
      tags,
      ...(satisfiedByText ? { satisfiedByText } : {}),
      ...(seeText ? { seeText } : {}),
    };
  }

  function classifyMarking(value: string, path: string, levelTokens: { value: string; path: string }[], tags: string[]): void {
    for (const part of value.split(',').map((x) => x.trim()).filter(Boolean)) {
      const sub = part.split('/').map((x) => x.trim()).filter(Boolean);
      const levelish = sub.every((s) => /^(?:(?:IAL|AAL|FAL)[1-3]?|ALL)$/i.test(s));
      if (levelish) for (const s of sub) levelTokens.push({ value: s, path });
      else if (!tags.includes(part)) tags.push(part);
    }
  }

  function proseOf(part: Json, path: string, depth: number): string {
    if (depth > 16) {
      problems.push({ path, message: 'parts nested too deeply' });
      return '';
    }
    const own = str(part.prose)?.trim() ?? '';
    const label = (Array.isArray(part.props) ? part.props : []).find((p) => isObj(p) && p.name === 'label');
    const prefix = isObj(label) && typeof label.value === 'string' ? `${label.value} ` : '';
    const children = Array.isArray(part.parts)
      ? part.parts.map((sp, i) => (isObj(sp) ? proseOf(sp, `${path}.parts[${i}]`, depth + 1) : '')).filter(Boolean)
      : [];
    return [own ? prefix + own : '', ...children].filter(Boolean).join('\n');
  }

  if (problems.length) return fail();

  // Cross-control relations, now that every id is known.
  const ids = new Set<string>();
  for (const d of drafts) {
    if (ids.has(d.id)) problems.push({ path: `${d.path}.id`, message: `duplicate control id "${d.id}"` });
    ids.add(d.id);
  }
  if (problems.length) return fail();

  const criteriaByFile = new Map<string, Criterion[]>();
  const byDimension: Record<string, number> = {};
  const byMethod = { examine: 0, interview: 0, test: 0 };
  for (const d of drafts) {
    let satisfiedBy: string[] | undefined;
    const crosswalk: { pack: string; criterion: string; relation: 'related' }[] = [];
    const guidance = [...d.guidanceParts];
    if (d.satisfiedByText) {
      const known = d.satisfiedByText.ids.filter((x) => ids.has(x) && x !== d.id);
      const unknown = d.satisfiedByText.ids.filter((x) => !ids.has(x));
      if (known.length && unknown.length === 0) satisfiedBy = known;
      else {
        warnings.push({ path: d.satisfiedByText.path, message: `"Satisfied by ${d.satisfiedByText.ids.join(', ')}" names controls not in the catalog (${unknown.join(', ')}): kept as guidance text` });
        guidance.push(`Satisfied by ${d.satisfiedByText.ids.join(', ')}.`);
      }
    }
    if (d.seeText) {
      for (const x of d.seeText.ids) {
        if (ids.has(x) && x !== d.id) crosswalk.push({ pack: opts.id, criterion: x, relation: 'related' });
        else warnings.push({ path: d.seeText.path, message: `"See ${x}" names a control not in the catalog: kept as guidance text` });
      }
      if (crosswalk.length < d.seeText.ids.length) guidance.push(`See ${d.seeText.ids.join(', ')}.`);
    }
    if (d.methods.size === 0) {
      if (satisfiedBy) d.methods.add('examine'); // a summative criterion is examined through its constituents
      else {
        problems.push({ path: d.path, message: `control ${d.id} has no assessment method` });
        continue;
      }
    }
    for (const m of d.methods) byMethod[m]++;
    byDimension[d.dimension] = (byDimension[d.dimension] ?? 0) + 1;
    const guidanceText = guidance.join('\n\n') || 'No guidance in the source catalog.';
    const both = (t: string): { ja: string; en: string } => ({ ja: t, en: t });
    const criterion: Criterion = {
      id: d.id,
      dimension: d.dimension,
      category: d.category,
      levels: d.levels,
      ...(d.roles.length ? { roles: d.roles } : {}),
      ...(satisfiedBy ? { satisfiedBy } : {}),
      obligation: obligationOf(d.statement),
      methods: (['examine', 'interview', 'test'] as const).filter((m) => d.methods.has(m)),
      evidence: [],
      title: both(d.title),
      statement: both(d.statement),
      guidance: both(guidanceText),
      references: [{ source: d.source, clause: d.clause, control: d.id.slice(0, 64) }],
      ...(crosswalk.length ? { crosswalk } : {}),
      ...(d.tags.length ? { tags: d.tags.slice(0, 20).map((t) => t.slice(0, 80)) } : {}),
    };
    const file = DIMENSIONS[d.dimension]!.file;
    const list = criteriaByFile.get(file) ?? [];
    list.push(criterion);
    criteriaByFile.set(file, list);
  }
  if (problems.length) return fail();

  const dimOrder = ['GEN', 'IAL', 'AAL', 'FAL'].filter((x) => dimsUsed.has(x));
  const loc = (en: string, ja = en): { ja: string; en: string } => ({ ja, en });
  const manifest: PackManifest = {
    schema: PACK_SCHEMA_ID,
    id: opts.id,
    version: opts.version,
    title: loc(catTitle),
    description: loc(
      `Imported from the OSCAL catalog "${catTitle}"${str(metadata.version) ? ` version ${str(metadata.version)}` : ''}. Criteria text is in English; the Japanese text repeats it until translated.`,
      `OSCAL カタログ「${catTitle}」${str(metadata.version) ? `（版 ${str(metadata.version)}）` : ''}から取り込んだ評価基準。基準の本文は英語のままで、日本語訳は未作成です。`,
    ),
    publisher: publisher.slice(0, 200),
    released,
    sources: [...sources.values()].map((s) => ({ id: s.id, title: loc(s.en), publisher: publisher.slice(0, 200) })),
    dimensions: dimOrder.map((x) => {
      const s = DIMENSIONS[x]!;
      return { id: s.id, kind: s.kind, title: loc(s.en, s.ja), levels: s.levels.map((l) => ({ id: l.id, rank: l.rank, title: loc(l.en, l.ja) })) };
    }),
    roles: roleOrder.map((r) => ({ id: r, title: ROLE_TITLES[r] ? loc(ROLE_TITLES[r]!.en, ROLE_TITLES[r]!.ja) : loc(roleTitle.get(r)!) })),
    capabilities: [],
    categories: [...categories.values()]
      .sort((a, b) => dimOrder.indexOf(a.dimension) - dimOrder.indexOf(b.dimension))
      .map((c) => ({ id: c.id, dimension: c.dimension, title: loc(c.en) })),
    evidenceTypes: [
      { id: 'document', title: loc('Document (policy, procedure, practice statement)', '文書（方針・手順・運用規程）') },
      { id: 'record', title: loc('Record or log', '記録・ログ') },
      { id: 'configuration', title: loc('System configuration', 'システム設定') },
      { id: 'interview', title: loc('Interview notes', 'インタビュー記録') },
      { id: 'test-result', title: loc('Test result', '試験結果') },
    ],
    findingClasses: [
      { id: 'major-nc', title: loc('Major non-conformity', '重大な不適合') },
      { id: 'minor-nc', title: loc('Minor non-conformity', '軽微な不適合') },
      { id: 'observation', title: loc('Observation', '観察事項') },
      { id: 'ofi', title: loc('Opportunity for improvement', '改善の機会') },
      { id: 'good-practice', title: loc('Good practice', '優れた取り組み') },
    ],
    scoring: { aggregate: 'vector', minorNonconformity: 'block' },
    criteriaFiles: dimOrder.map((x) => DIMENSIONS[x]!.file).filter((f) => criteriaByFile.has(f)),
  };
  if (roleOrder.length === 0) manifest.roles = [{ id: 'Organization', title: loc(ROLE_TITLES.Organization!.en, ROLE_TITLES.Organization!.ja) }];

  const header = `# Imported from the OSCAL catalog "${catTitle}" by \`tf-assessor pack import-oscal\`.\n# ja repeats en until translated (the loader warns "untranslated").\n`;
  const yaml = (v: unknown): string => stringify(v, { lineWidth: 0, aliasDuplicateObjects: false });
  const files = [
    { path: 'pack.yaml', text: header + yaml(manifest) },
    ...manifest.criteriaFiles.map((f) => ({ path: f, text: header + yaml({ criteria: criteriaByFile.get(f)! }) })),
  ];
  return { ok: true, files, warnings, stats: { controls: drafts.length, byDimension, byMethod } };
}

function parseCatalog(input: string | Uint8Array, opts: OscalImportOptions, problems: OscalProblem[]): unknown {
  const maxBytes = opts.maxBytes ?? 50 * 1024 * 1024;
  const maxDepth = opts.maxDepth ?? 64;
  const size = typeof input === 'string' ? utf8Length(input) : input.length;
  if (size > maxBytes) {
    problems.push({ path: '$', message: `the catalog is ${(size / 1048576).toFixed(1)} MiB; the limit is ${maxBytes / 1048576} MiB` });
    return undefined;
  }
  const text = typeof input === 'string' ? input.replace(/^\uFEFF/, '') : utf8DecodeStrict(input);
  if (text === null) {
    problems.push({ path: '$', message: 'not UTF-8 text (is this a binary file?)' });
    return undefined;
  }
  if (/^\s*[[{]/.test(text)) {
    // JSON: check nesting before JSON.parse, then walk for forbidden keys.
    const depth = jsonDepth(text);
    if (depth > maxDepth) {
      problems.push({ path: '$', message: `nesting deeper than ${maxDepth} levels is not allowed` });
      return undefined;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      problems.push({ path: '$', message: `not valid JSON: ${e instanceof Error ? e.message : String(e)}` });
      return undefined;
    }
    const bad = forbiddenKeyPath(value, '$', 0);
    if (bad) {
      problems.push({ path: bad, message: 'keys "__proto__", "constructor" and "prototype" are not allowed' });
      return undefined;
    }
    return normalizeStrings(value, 0);
  }
  const r = parseYamlSafe('catalog', text, { maxFileBytes: maxBytes, maxDepth, maxAliasCount: 100 });
  if (!r.parsed) {
    for (const p of r.problems) problems.push({ path: `line ${p.line}, column ${p.col}`, message: p.message });
    return undefined;
  }
  return r.parsed.value;
}

/** Maximum bracket nesting of JSON text, ignoring brackets inside strings. Linear, no recursion. */
function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 92) i++;
      else if (ch === 34) inString = false;
    } else if (ch === 34) inString = true;
    else if (ch === 91 || ch === 123) {
      depth++;
      if (depth > max) max = depth;
    } else if (ch === 93 || ch === 125) depth--;
  }
  return max;
}

const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);
function forbiddenKeyPath(v: unknown, path: string, depth: number): string | undefined {
  if (depth > 256) return undefined;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const r = forbiddenKeyPath(v[i], `${path}[${i}]`, depth + 1);
      if (r) return r;
    }
  } else if (isObj(v)) {
    for (const k of Object.keys(v)) {
      if (FORBIDDEN.has(k)) return `${path}.${k}`;
      const r = forbiddenKeyPath(v[k], `${path}.${k}`, depth + 1);
      if (r) return r;
    }
  }
  return undefined;
}

function normalizeStrings(v: unknown, depth: number): unknown {
  if (typeof v === 'string') return v.normalize('NFC');
  if (depth > 256) return v;
  if (Array.isArray(v)) return v.map((x) => normalizeStrings(x, depth + 1));
  if (isObj(v)) {
    const out: Json = {};
    for (const [k, x] of Object.entries(v)) out[k] = normalizeStrings(x, depth + 1);
    return out;
  }
  return v;
}

/** "X, Y and Z" / "X & Y" → ids. */
function splitIds(s: string): string[] {
  return s
    .split(/\s*(?:,|;|\band\b|&)\s*/)
    .map((x) => x.trim().replace(/[.)]+$/, ''))
    .filter(Boolean);
}

/** RFC 2119 keyword of the statement; SHALL when none is written (conformance criteria are requirements). */
function obligationOf(statement: string): 'SHALL' | 'SHOULD' | 'MAY' {
  if (/\bSHALL\b/.test(statement)) return 'SHALL';
  if (/\bSHOULD\b/.test(statement)) return 'SHOULD';
  if (/\bMAY\b/.test(statement)) return 'MAY';
  return 'SHALL';
}

function slug(s: string): string {
  const x = s.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '').replace(/-+$/, '');
  return (x || 'x').slice(0, 64);
}
