/**
 * An assessment as an OSCAL 1.1.2 `assessment-results` document, for certification bodies and
 * GRC tools that read OSCAL rather than our own files.
 *
 * - One `result` for the assessment: the criteria in scope are the reviewed controls; each
 *   answered criterion is a `finding` whose target (type `objective-id`, the criterion id) is
 *   `satisfied` or `not-satisfied`. OSCAL has no word for a minor non-conformity or a justified
 *   not-applicable, so our exact result travels as a prop (`result`, in TFA_OSCAL_NS) beside
 *   OSCAL's own `implementation-status` (`partial` for a minor NC, `not-applicable`).
 * - One `observation` per answered criterion (what the assessor examined: methods, notes,
 *   justification) with `relevant-evidence` pointing at back-matter resources that carry the
 *   evidence file's SHA-256 and its path inside the submission package; one observation per
 *   recorded finding (non-conformity, observation, OFI) linked from the criteria it concerns.
 * - The criteria pack is the catalog the controls come from: there is no OSCAL assessment plan,
 *   so `import-ap` points at a back-matter resource describing the pack (`id@version#hash`).
 * - UUIDs are RFC 4122 version 5 (SHA-1, name-based) from stable names — the same assessment
 *   revision always gives the same document, byte for byte — and the document's own UUID also
 *   covers the content, so a changed document gets a new one.
 *
 * Pure: no Node, no clock (the caller passes the export time).
 */
import { own, type Assessment, type CriterionRecord, type EvidenceItem } from '../assessment/schema';
import { canonicalJson } from '../criteria/canonical';
import { packRef, type Criterion, type Pack } from '../criteria/schema';
import { sha256Hex } from '../criteria/sha256';
import { utf8Encode } from '../criteria/utf8';
import type { ResultStatus, ScoreResult } from '../scoring/types';
// SHA-1 only for RFC 4122 name-based UUIDs (never for integrity): the one implementation we have.
import { sha1 } from '../signing/legacy-pbe';

export const OSCAL_VERSION = '1.1.2';
/**
 * Namespace of our own props. A name, not a page to fetch: it never changes, whatever
 * version of TF Assessor writes the document (docs/decisions/0011-export-and-intake.md).
 */
export const TFA_OSCAL_NS = 'https://tf-assessor.example/ns/oscal';
/** RFC 4122 namespace for URLs, the parent of our UUID namespace. */
const RFC4122_URL_NAMESPACE = '6ba7b811-9dad-11d1-80b4-00c04fd430c8';

// ---- OSCAL shapes (the subset written) --------------------------------------------------

export interface OscalProp {
  name: string;
  value: string;
  ns?: string;
  class?: string;
}
export interface OscalHash {
  algorithm: 'SHA-256';
  value: string;
}
export interface OscalResource {
  uuid: string;
  title: string;
  description?: string;
  props?: OscalProp[];
  rlinks?: { href: string; 'media-type'?: string; hashes?: OscalHash[] }[];
  remarks?: string;
}
export interface OscalParty {
  uuid: string;
  type: 'person' | 'organization';
  name: string;
  'email-addresses'?: string[];
  'member-of-organizations'?: string[];
  props?: OscalProp[];
}
export interface OscalObservation {
  uuid: string;
  title: string;
  description: string;
  props?: OscalProp[];
  methods: ('EXAMINE' | 'INTERVIEW' | 'TEST' | 'UNKNOWN')[];
  types: ('control-objective' | 'finding')[];
  'relevant-evidence'?: { href: string; description: string; props?: OscalProp[] }[];
  collected: string;
  remarks?: string;
}
export interface OscalFinding {
  uuid: string;
  title: string;
  description: string;
  props: OscalProp[];
  target: {
    type: 'objective-id';
    'target-id': string;
    status: { state: 'satisfied' | 'not-satisfied' };
    'implementation-status'?: { state: 'partial' | 'not-applicable' };
  };
  'related-observations': { 'observation-uuid': string }[];
  remarks?: string;
}
export interface OscalResult {
  uuid: string;
  title: string;
  description: string;
  start: string;
  end: string;
  props: OscalProp[];
  'reviewed-controls': {
    description: string;
    'control-selections': ({ 'include-controls': { 'control-id': string }[] } | { 'include-all': Record<string, never> })[];
  };
  observations?: OscalObservation[];
  findings?: OscalFinding[];
}
export interface OscalAssessmentResults {
  'assessment-results': {
    uuid: string;
    metadata: {
      title: string;
      'last-modified': string;
      version: string;
      'oscal-version': string;
      props: OscalProp[];
      roles: { id: string; title: string }[];
      parties: OscalParty[];
      'responsible-parties': { 'role-id': string; 'party-uuids': string[] }[];
    };
    'import-ap': { href: string; remarks: string };
    results: OscalResult[];
    'back-matter': { resources: OscalResource[] };
  };
}

export interface OscalResultsInput {
  assessment: Assessment;
  /** The pack the assessment pins. */
  pack: Pack;
  /** `score(pack, toScoringInput(assessment))`: the levels the document states. */
  score: ScoreResult;
  /** ISO date-time of the export (`last-modified`). */
  generatedAt: string;
  /** Language of titles taken from the pack. */
  lang: 'ja' | 'en';
  /** Where an evidence file sits in the package (default `evidence/<sha256>`). */
  evidenceHref?: (sha256: string) => string;
  /** Where the pack sits in the package (default `pack/pack.yaml`). */
  packHref?: string;
}

/** Refused inputs (a pack or score that does not belong to the assessment). */
export class OscalExportError extends Error {
  override readonly name = 'OscalExportError';
}

// ---- UUID version 5 ---------------------------------------------------------------------


/**
 * RFC 4122 version 5 UUID of `name` (UTF-8) in `namespace` — the same value any standard
 * library computes (`uuid.uuid5` in Python, `uuid.v5` in JavaScript).
 */
export function uuidV5(namespace: string, name: string): string {
  const hex = namespace.replace(/-/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new Error(`not a UUID: ${namespace}`);
  const ns = new Uint8Array(16);
  for (let i = 0; i < 16; i++) ns[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  const nameBytes = utf8Encode(name);
  const input = new Uint8Array(16 + nameBytes.length);
  input.set(ns);
  input.set(nameBytes, 16);
  const d = sha1(input).subarray(0, 16);
  d[6] = (d[6]! & 0x0f) | 0x50;
  d[8] = (d[8]! & 0x3f) | 0x80;
  const s = [...d].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

/** Our UUID namespace: v5 of TFA_OSCAL_NS in the URL namespace. */
export const TFA_UUID_NAMESPACE = uuidV5(RFC4122_URL_NAMESPACE, TFA_OSCAL_NS);

// ---- text -------------------------------------------------------------------------------

/**
 * OSCAL titles and descriptions are Markdown: the characters Markdown would read as emphasis,
 * code, links or HTML are escaped, so text typed by the assessed organization shows as typed.
 */
export function markdownText(text: string): string {
  return text.replace(/[\\`*_[\]<>]/g, (c) => `\\${c}`);
}
/** `markup-line`: one line. */
function line(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return markdownText(one === '' ? '-' : one);
}
/** `markup-multiline`. */
function multiline(text: string): string {
  const t = text.replace(/\r\n?/g, '\n').trim();
  return markdownText(t === '' ? '-' : t);
}
/** A prop value: OSCAL strings are one line without leading or trailing blanks. */
function value(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one === '' ? '-' : one;
}

const TOKEN = /^(\p{L}|_)(\p{L}|\p{N}|[.\-_])*$/u;
/** An OSCAL token for an id (criterion ids may start with a digit; tokens may not). */
export function oscalToken(id: string): string {
  return TOKEN.test(id) ? id : `_${id}`;
}

const prop = (name: string, v: string, cls?: string): OscalProp => ({ name, value: value(v), ns: TFA_OSCAL_NS, ...(cls !== undefined && { class: oscalToken(cls) }) });

const METHOD = { examine: 'EXAMINE', interview: 'INTERVIEW', test: 'TEST' } as const;

const STATE: Record<Exclude<ResultStatus, 'not-assessed'>, { state: 'satisfied' | 'not-satisfied'; implementation?: 'partial' | 'not-applicable' }> = {
  conformant: { state: 'satisfied' },
  'minor-nc': { state: 'not-satisfied', implementation: 'partial' },
  'major-nc': { state: 'not-satisfied' },
  // A justified not-applicable meets the criterion (the scoring engine counts it as met).
  'not-applicable': { state: 'satisfied', implementation: 'not-applicable' },
};

// ---- the document -------------------------------------------------------------------------

/**
 * Builds the OSCAL assessment-results document. Pure and deterministic.
 * @throws OscalExportError when the pack or the score is not the one the assessment pins.
 */
export function buildOscalAssessmentResults(input: OscalResultsInput): OscalAssessmentResults {
  const { assessment: a, pack, score, lang } = input;
  const ref = packRef(pack);
  if (a.pack.id !== pack.id || a.pack.version !== pack.version || a.pack.hash !== pack.hash) {
    throw new OscalExportError(`the assessment pins ${a.pack.id}@${a.pack.version} (${a.pack.hash.slice(0, 12)}…), not the pack given (${ref}, ${pack.hash.slice(0, 12)}…)`);
  }
  if (score.pack !== ref || score.packHash !== pack.hash) throw new OscalExportError(`the score is of ${score.pack}, not of ${ref}`);
  const evidenceHref = input.evidenceHref ?? ((h: string) => `evidence/${h}`);
  const packHref = input.packHref ?? 'pack/pack.yaml';
  const pinned = `${ref}#${pack.hash}`;
  const uuid = (kind: string, key = ''): string => uuidV5(TFA_UUID_NAMESPACE, `${a.id}/${kind}/${key}`);
  const L = (l: { ja: string; en: string }) => l[lang];

  // Back matter: the pack, then every evidence file (sorted by hash, so the order is stable).
  const packResource: OscalResource = {
    uuid: uuid('pack', pinned),
    title: line(`${L(pack.title)} (${ref})`),
    description: multiline(L(pack.description)),
    props: [prop('pack-id', pack.id), prop('pack-version', pack.version), prop('pack-hash', pack.hash), prop('pack', pinned)],
    rlinks: [{ href: packHref, 'media-type': 'application/yaml' }],
    remarks: multiline('The criteria pack the criteria come from. Its hash is the SHA-256 of the canonical JSON of the loaded pack (TF Assessor pack format), not of the YAML file.'),
  };
  const evidenceIds = Object.keys(a.evidence).sort();
  const evidenceResource = (hash: string, item: EvidenceItem): OscalResource => ({
    uuid: uuid('evidence', hash),
    title: line(item.name),
    ...(item.description !== undefined && { description: multiline(item.description) }),
    props: [prop('evidence-sha256', hash), prop('captured-at', item.capturedAt), prop('captured-by', item.capturedBy), prop('size', String(item.size))],
    rlinks: [{ href: evidenceHref(hash), 'media-type': item.mediaType, hashes: [{ algorithm: 'SHA-256', value: hash }] }],
  });

  // Parties: the assessed organization, the assessors' organizations, the assessors.
  const orgUuid = uuid('party/organization', a.organization.legalName);
  const parties: OscalParty[] = [
    {
      uuid: orgUuid,
      type: 'organization',
      name: value(a.organization.legalName),
      ...(a.organization.identifiers.length > 0 && { props: a.organization.identifiers.map((i) => prop('identifier', i.value, i.scheme)) }),
    },
  ];
  const assessorOrgs = new Map<string, string>();
  for (const s of a.assessors) {
    if (s.organization.trim() !== '' && !assessorOrgs.has(s.organization)) {
      const id = uuid('party/assessor-organization', s.organization);
      assessorOrgs.set(s.organization, id);
      parties.push({ uuid: id, type: 'organization', name: value(s.organization) });
    }
  }
  const assessorUuids = a.assessors.map((s, i) => uuid('party/assessor', `${i}/${s.name}`));
  a.assessors.forEach((s, i) => {
    const org = assessorOrgs.get(s.organization);
    parties.push({
      uuid: assessorUuids[i]!,
      type: 'person',
      name: value(s.name),
      ...(s.email !== undefined && { 'email-addresses': [s.email] }),
      ...(org !== undefined && { 'member-of-organizations': [org] }),
      props: [prop('assessor-role', s.role)],
    });
  });

  // Observations and findings, in pack order.
  const criteria = pack.criteria;
  const inScope = criteria.filter((c) => score.criteria[c.id]?.inScope);
  const findingsByCriterion = new Map<string, string[]>();
  for (const f of a.findings) for (const c of f.criteria) findingsByCriterion.set(c, [...(findingsByCriterion.get(c) ?? []), f.id]);
  const findingObservationUuid = (id: string) => uuid('observation/finding', id);
  const observations: OscalObservation[] = [];
  const findings: OscalFinding[] = [];
  const collected = a.updatedAt;
  for (const c of criteria) {
    const record: CriterionRecord | undefined = own(a.criteria, c.id);
    const outcome = score.criteria[c.id];
    if (!outcome?.inScope) continue;
    const status = record?.status;
    if (status === undefined || status === 'not-assessed') continue;
    const obsUuid = uuid('observation/criterion', c.id);
    const evidence = (record?.evidence ?? []).filter((h) => Object.hasOwn(a.evidence, h));
    const text = [record?.justification, record?.notes].filter((t): t is string => t !== undefined && t.trim() !== '');
    observations.push({
      uuid: obsUuid,
      title: line(`${c.id} ${L(c.title)}`),
      description: multiline(text.length > 0 ? text.join('\n\n') : L(c.statement)),
      props: [prop('criterion', c.id), prop('result', status)],
      methods: record?.methods && record.methods.length > 0 ? record.methods.map((m) => METHOD[m]) : ['UNKNOWN'],
      types: ['control-objective'],
      ...(evidence.length > 0 && {
        'relevant-evidence': evidence.map((h) => ({
          href: `#${uuid('evidence', h)}`,
          description: multiline(a.evidence[h]!.description ?? a.evidence[h]!.name),
          props: [prop('evidence-sha256', h)],
        })),
      }),
      collected,
      ...(record?.samplingNotes !== undefined && record.samplingNotes.trim() !== '' && { remarks: multiline(record.samplingNotes) }),
    });
    const st = STATE[status];
    const related = [{ 'observation-uuid': obsUuid }, ...(findingsByCriterion.get(c.id) ?? []).map((id) => ({ 'observation-uuid': findingObservationUuid(id) }))];
    findings.push({
      uuid: uuid('finding', c.id),
      title: line(`${c.id} ${L(c.title)}`),
      description: multiline(L(c.statement)),
      props: [prop('criterion', c.id), prop('result', status), prop('met', outcome.met ? 'true' : 'false'), prop('dimension', c.dimension), prop('obligation', c.obligation), ...levelProps(c)],
      target: {
        type: 'objective-id',
        'target-id': oscalToken(c.id),
        status: { state: st.state },
        ...(st.implementation && { 'implementation-status': { state: st.implementation } }),
      },
      'related-observations': related,
      ...(status === 'not-applicable' && record?.justification !== undefined && { remarks: multiline(record.justification) }),
    });
  }
  for (const f of a.findings) {
    observations.push({
      uuid: findingObservationUuid(f.id),
      title: line(`${f.id} (${f.class})`),
      description: multiline(f.description),
      props: [
        prop('finding-id', f.id),
        prop('finding-class', f.class),
        prop('finding-status', f.status),
        ...f.criteria.map((c) => prop('criterion', c)),
        ...(f.correctiveAction?.dueDate !== undefined ? [prop('corrective-action-due', f.correctiveAction.dueDate)] : []),
      ],
      methods: ['UNKNOWN'],
      types: ['finding'],
      collected,
      ...(f.correctiveAction && { remarks: multiline(f.correctiveAction.plan) }),
    });
  }

  const resultProps: OscalProp[] = [
    prop('pack', pinned),
    prop('assessment-id', a.id),
    prop('assessment-revision', String(a.revision)),
    prop('assessment-type', a.type),
    ...(a.dates.start !== undefined ? [prop('period-start', a.dates.start)] : []),
    ...(a.dates.end !== undefined ? [prop('period-end', a.dates.end)] : []),
    ...score.dimensions.map((d) => prop('achieved-level', d.notApplicable ? 'not-applicable' : (d.achieved ?? 'none'), d.dimension)),
    ...score.dimensions.filter((d) => d.target !== null).map((d) => prop('target-level', d.target!, d.dimension)),
    ...score.dimensions.filter((d) => d.targetMet !== null).map((d) => prop('target-met', d.targetMet ? 'true' : 'false', d.dimension)),
  ];
  const controls = inScope.map((c) => ({ 'control-id': oscalToken(c.id) }));
  const result: OscalResult = {
    uuid: uuid('result', String(a.revision)),
    title: line(`${a.organization.legalName} / ${a.service.name} — ${ref}`),
    description: multiline(a.service.scope ?? a.service.description),
    start: a.createdAt,
    end: a.updatedAt,
    props: resultProps,
    'reviewed-controls': {
      description: multiline(`The criteria of ${ref} that apply to the service's roles and capabilities (${inScope.length} of ${criteria.length}).`),
      'control-selections': controls.length > 0 ? [{ 'include-controls': controls }] : [{ 'include-all': {} }],
    },
    ...(observations.length > 0 && { observations }),
    ...(findings.length > 0 && { findings }),
  };

  const body: Omit<OscalAssessmentResults['assessment-results'], 'uuid'> = {
    metadata: {
      title: line(`Assessment results: ${a.organization.legalName} / ${a.service.name} (${ref})`),
      'last-modified': input.generatedAt,
      version: `revision ${a.revision}`,
      'oscal-version': OSCAL_VERSION,
      props: [prop('pack', pinned), prop('assessment-id', a.id), prop('generator', 'TF Assessor')],
      roles: [
        { id: 'assessor', title: 'Assessor' },
        { id: 'assessed-organization', title: 'Assessed organization' },
      ],
      parties,
      'responsible-parties': [
        ...(assessorUuids.length > 0 ? [{ 'role-id': 'assessor', 'party-uuids': assessorUuids }] : []),
        { 'role-id': 'assessed-organization', 'party-uuids': [orgUuid] },
      ],
    },
    'import-ap': {
      href: `#${packResource.uuid}`,
      remarks: multiline(`No OSCAL assessment plan exists: the assessment followed the criteria pack ${pinned}, described in the back matter.`),
    },
    results: [result],
    'back-matter': { resources: [packResource, ...evidenceIds.map((h) => evidenceResource(h, a.evidence[h]!))] },
  };
  // The document's own UUID names this content: another revision or another export of
  // different content gets another UUID.
  const documentUuid = uuidV5(TFA_UUID_NAMESPACE, `${a.id}/document/${sha256Hex(canonicalJson(body))}`);
  return { 'assessment-results': { uuid: documentUuid, ...body } };
}

function levelProps(c: Criterion): OscalProp[] {
  return c.levels === 'ALL' ? [prop('level', 'ALL', c.dimension)] : c.levels.map((l) => prop('level', l, c.dimension));
}

/** The file form: two-space JSON, UTF-8, final newline. */
export function serializeOscalResults(doc: OscalAssessmentResults): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}
