import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { applyChanges } from '../assessment/ops';
import type { Assessment } from '../assessment/schema';
import { toScoringInput } from '../assessment/scoring-input';
import type { Pack } from '../criteria/schema';
import { loadJpIdtf } from '../node/report-test-support';
import { realisticAssessment } from '../reports/test-fixtures';
import { score } from '../scoring/score';
import type { ScoreResult } from '../scoring/types';
import { buildOscalAssessmentResults, markdownText, OSCAL_VERSION, OscalExportError, serializeOscalResults, TFA_OSCAL_NS, TFA_UUID_NAMESPACE, uuidV5, type OscalAssessmentResults } from './oscal-results';

// ---- The OSCAL 1.1.2 assessment-results shape, written from the NIST JSON schema -----------
// (required fields, datatypes as its patterns, allowed values); independent of the generator.
const UUID = z.string().regex(/^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[45][0-9A-Fa-f]{3}-[89ABab][0-9A-Fa-f]{3}-[0-9A-Fa-f]{12}$/);
const TOKEN = z.string().regex(/^(\p{L}|_)(\p{L}|\p{N}|[.\-_])*$/u);
const STRING = z.string().regex(/^\S(.*\S)?$/);
const MARKUP_LINE = z.string().regex(/^[^\n]+$/);
const MARKUP_MULTILINE = z.string().min(1);
const DATE_TIME_TZ = z
  .string()
  .regex(/^(((2000|2400|2800|(19|2[0-9](0[48]|[2468][048]|[13579][26])))-02-29)|(((19|2[0-9])[0-9]{2})-02-(0[1-9]|1[0-9]|2[0-8]))|(((19|2[0-9])[0-9]{2})-(0[13578]|10|12)-(0[1-9]|[12][0-9]|3[01]))|(((19|2[0-9])[0-9]{2})-(0[469]|11)-(0[1-9]|[12][0-9]|30)))T(2[0-3]|[01][0-9]):([0-5][0-9]):([0-5][0-9])(\.[0-9]+)?(Z|(-((0[0-9]|1[0-2]):00|0[39]:30)|\+((0[0-9]|1[0-4]):00|(0[34569]|10):30|(0[58]|12):45)))$/);
const URI = z.string().regex(/^[a-zA-Z][a-zA-Z0-9+\-.]+:.+$/);
const URI_REFERENCE = z.string().min(1);
const PROP = z.strictObject({ name: TOKEN, value: STRING, ns: URI.optional(), class: TOKEN.optional(), uuid: UUID.optional(), remarks: MARKUP_MULTILINE.optional() });
const PROPS = z.array(PROP).min(1).optional();
const HASH = z.strictObject({ algorithm: z.enum(['SHA-224', 'SHA-256', 'SHA-384', 'SHA-512', 'SHA3-224', 'SHA3-256', 'SHA3-384', 'SHA3-512']), value: z.string().regex(/^[0-9a-fA-F]+$/) });
const RESOURCE = z.strictObject({
  uuid: UUID,
  title: MARKUP_LINE.optional(),
  description: MARKUP_MULTILINE.optional(),
  props: PROPS,
  rlinks: z.array(z.strictObject({ href: URI_REFERENCE, 'media-type': STRING.optional(), hashes: z.array(HASH).min(1).optional() })).min(1).optional(),
  remarks: MARKUP_MULTILINE.optional(),
});
const PARTY = z.strictObject({
  uuid: UUID,
  type: z.enum(['person', 'organization']),
  name: STRING.optional(),
  'email-addresses': z.array(z.email()).min(1).optional(),
  'member-of-organizations': z.array(UUID).min(1).optional(),
  props: PROPS,
});
const OBSERVATION = z.strictObject({
  uuid: UUID,
  title: MARKUP_LINE.optional(),
  description: MARKUP_MULTILINE,
  props: PROPS,
  methods: z.array(z.enum(['EXAMINE', 'INTERVIEW', 'TEST', 'UNKNOWN'])).min(1),
  types: z.array(z.enum(['ssp-statement-issue', 'control-objective', 'mitigation', 'finding', 'historic'])).min(1).optional(),
  'relevant-evidence': z.array(z.strictObject({ href: URI_REFERENCE.optional(), description: MARKUP_MULTILINE, props: PROPS })).min(1).optional(),
  collected: DATE_TIME_TZ,
  remarks: MARKUP_MULTILINE.optional(),
});
const FINDING = z.strictObject({
  uuid: UUID,
  title: MARKUP_LINE,
  description: MARKUP_MULTILINE,
  props: PROPS,
  target: z.strictObject({
    type: z.enum(['statement-id', 'objective-id']),
    'target-id': TOKEN,
    status: z.strictObject({ state: z.enum(['satisfied', 'not-satisfied']), reason: TOKEN.optional() }),
    'implementation-status': z.strictObject({ state: z.enum(['implemented', 'partial', 'planned', 'alternative', 'not-applicable']) }).optional(),
  }),
  'related-observations': z.array(z.strictObject({ 'observation-uuid': UUID })).min(1).optional(),
  remarks: MARKUP_MULTILINE.optional(),
});
const SELECTION = z.strictObject({
  description: MARKUP_MULTILINE.optional(),
  'include-all': z.strictObject({}).optional(),
  'include-controls': z.array(z.strictObject({ 'control-id': TOKEN })).min(1).optional(),
});
const OSCAL_AR = z.strictObject({
  'assessment-results': z.strictObject({
    uuid: UUID,
    metadata: z.strictObject({
      title: MARKUP_LINE,
      'last-modified': DATE_TIME_TZ,
      version: STRING,
      'oscal-version': z.string().regex(/^1\.\d+\.\d+$/),
      props: PROPS,
      roles: z.array(z.strictObject({ id: TOKEN, title: MARKUP_LINE })).min(1).optional(),
      parties: z.array(PARTY).min(1).optional(),
      'responsible-parties': z.array(z.strictObject({ 'role-id': TOKEN, 'party-uuids': z.array(UUID).min(1) })).min(1).optional(),
    }),
    'import-ap': z.strictObject({ href: URI_REFERENCE, remarks: MARKUP_MULTILINE.optional() }),
    results: z
      .array(
        z.strictObject({
          uuid: UUID,
          title: MARKUP_LINE,
          description: MARKUP_MULTILINE,
          start: DATE_TIME_TZ,
          end: DATE_TIME_TZ.optional(),
          props: PROPS,
          'reviewed-controls': z.strictObject({ description: MARKUP_MULTILINE.optional(), 'control-selections': z.array(SELECTION).min(1) }),
          observations: z.array(OBSERVATION).min(1).optional(),
          findings: z.array(FINDING).min(1).optional(),
        }),
      )
      .min(1),
    'back-matter': z.strictObject({ resources: z.array(RESOURCE).min(1) }).optional(),
  }),
});

/** Markdown escapes undone (what a Markdown renderer shows). */
const unescape = (s: string) => s.replace(/\\([\\`*_[\]<>])/g, '$1');
const ours = (props: { name: string; value: string; ns?: string; class?: string }[] | undefined, name: string) => (props ?? []).filter((p) => p.ns === TFA_OSCAL_NS && p.name === name);

let pack: Pack;
let assessment: Assessment;
let result: ScoreResult;
let doc: OscalAssessmentResults;
const GENERATED = '2025-06-10T09:00:00Z';

beforeAll(async () => {
  pack = await loadJpIdtf();
  ({ assessment, score: result } = realisticAssessment(pack));
  doc = buildOscalAssessmentResults({ assessment, pack, score: result, generatedAt: GENERATED, lang: 'ja' });
});

describe('uuidV5', () => {
  it('computes RFC 4122 version 5 UUIDs as standard libraries do (Python uuid.uuid5)', () => {
    // uuid.uuid5(uuid.NAMESPACE_DNS, 'www.example.com'), uuid.uuid5(uuid.NAMESPACE_URL, 'https://tf-assessor.example/ns/oscal')
    expect(uuidV5('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'www.example.com')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
    expect(TFA_UUID_NAMESPACE).toBe(uuidV5('6ba7b811-9dad-11d1-80b4-00c04fd430c8', TFA_OSCAL_NS));
    expect(uuidV5(TFA_UUID_NAMESPACE, '評価/日本語')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    // Messages around the 55/56/64-byte SHA-1 padding edges stay distinct and well-formed.
    const edge = [55, 56, 63, 64, 65, 119].map((n) => uuidV5(TFA_UUID_NAMESPACE, 'x'.repeat(n - 16)));
    expect(new Set(edge).size).toBe(edge.length);
  });
});

describe('buildOscalAssessmentResults', () => {
  it('has the OSCAL 1.1.2 assessment-results shape (required fields, datatypes, allowed values, no unknown keys)', () => {
    const parsed = OSCAL_AR.safeParse(JSON.parse(serializeOscalResults(doc)));
    expect(parsed.success ? [] : parsed.error.issues.slice(0, 5)).toEqual([]);
    const ar = doc['assessment-results'];
    expect(ar.metadata['oscal-version']).toBe(OSCAL_VERSION);
    expect(ar.metadata['last-modified']).toBe(GENERATED);
    // Every UUID is unique and every reference inside the document resolves.
    const uuids = JSON.stringify(doc).match(/"uuid":"[^"]+"/g)!;
    expect(new Set(uuids).size).toBe(uuids.length);
    const resources = new Set(ar['back-matter'].resources.map((r) => r.uuid));
    const observations = new Set(ar.results[0]!.observations!.map((o) => o.uuid));
    const partyUuids = new Set(ar.metadata.parties.map((p) => p.uuid));
    expect(resources.has(ar['import-ap'].href.slice(1))).toBe(true);
    for (const f of ar.results[0]!.findings!) for (const r of f['related-observations']) expect(observations.has(r['observation-uuid'])).toBe(true);
    for (const o of ar.results[0]!.observations!) for (const e of o['relevant-evidence'] ?? []) expect(resources.has(e.href.slice(1))).toBe(true);
    for (const rp of ar.metadata['responsible-parties']) for (const u of rp['party-uuids']) expect(partyUuids.has(u)).toBe(true);
    const roleIds = new Set(ar.metadata.roles.map((r) => r.id));
    for (const rp of ar.metadata['responsible-parties']) expect(roleIds.has(rp['role-id'])).toBe(true);
  });

  it('states every answered criterion in scope as a finding: satisfied / not-satisfied, minor NC and not-applicable in our own prop', () => {
    const findings = doc['assessment-results'].results[0]!.findings!;
    const byId = new Map(findings.map((f) => [ours(f.props, 'criterion')[0]!.value, f]));
    const expected = pack.criteria.filter((c) => result.criteria[c.id]?.inScope && assessment.criteria[c.id]?.status !== undefined && assessment.criteria[c.id]?.status !== 'not-assessed');
    expect([...byId.keys()]).toEqual(expected.map((c) => c.id));
    const seen = new Set<string>();
    for (const c of expected) {
      const f = byId.get(c.id)!;
      const status = assessment.criteria[c.id]!.status!;
      seen.add(status);
      expect(f.target['target-id']).toBe(c.id);
      expect(f.target.type).toBe('objective-id');
      expect(ours(f.props, 'result')[0]!.value).toBe(status);
      expect(ours(f.props, 'met')[0]!.value).toBe(String(result.criteria[c.id]!.met));
      const want = { conformant: ['satisfied', undefined], 'minor-nc': ['not-satisfied', 'partial'], 'major-nc': ['not-satisfied', undefined], 'not-applicable': ['satisfied', 'not-applicable'] }[status as 'conformant'];
      expect([f.target.status.state, f.target['implementation-status']?.state], c.id).toEqual(want);
    }
    expect([...seen].sort()).toEqual(['conformant', 'major-nc', 'minor-nc', 'not-applicable']);
    // Out-of-scope criteria are not findings and not reviewed controls.
    const reviewed = (doc['assessment-results'].results[0]!['reviewed-controls']['control-selections'][0] as { 'include-controls': { 'control-id': string }[] })['include-controls'].map((c) => c['control-id']);
    expect(reviewed).toEqual(pack.criteria.filter((c) => result.criteria[c.id]?.inScope).map((c) => c.id));
  });

  it('links each observation to its evidence: back-matter resources carry the SHA-256 and the path in the package', () => {
    const ar = doc['assessment-results'];
    const resources = new Map(ar['back-matter'].resources.map((r) => [r.uuid, r]));
    let links = 0;
    for (const o of ar.results[0]!.observations!.filter((x) => x.types.includes('control-objective'))) {
      const criterion = ours(o.props, 'criterion')[0]!.value;
      const hrefHashes = (o['relevant-evidence'] ?? []).map((e) => resources.get(e.href.slice(1))!.rlinks![0]!.hashes![0]!.value);
      expect(hrefHashes, criterion).toEqual(assessment.criteria[criterion]!.evidence ?? []);
      for (const e of o['relevant-evidence'] ?? []) {
        const r = resources.get(e.href.slice(1))!;
        const hash = r.rlinks![0]!.hashes![0]!;
        expect(hash.algorithm).toBe('SHA-256');
        expect(r.rlinks![0]!.href).toBe(`evidence/${hash.value}`);
        expect(r.rlinks![0]!['media-type']).toBe(assessment.evidence[hash.value]!.mediaType);
        expect(unescape(r.title!)).toBe(assessment.evidence[hash.value]!.name);
        links++;
      }
      expect(o.methods).toEqual((assessment.criteria[criterion]!.methods ?? []).map((m) => m.toUpperCase()));
    }
    expect(links).toBeGreaterThan(20);
    const evidenceResources = ar['back-matter'].resources.filter((r) => ours(r.props, 'evidence-sha256').length > 0);
    expect(evidenceResources.map((r) => ours(r.props, 'evidence-sha256')[0]!.value)).toEqual(Object.keys(assessment.evidence).sort());
  });

  it('names the pack as the catalog (id@version#hash) and states the achieved and target levels', () => {
    const ar = doc['assessment-results'];
    const pinned = `${pack.id}@${pack.version}#${pack.hash}`;
    expect(ours(ar.metadata.props, 'pack')[0]!.value).toBe(pinned);
    const packResource = ar['back-matter'].resources.find((r) => r.uuid === ar['import-ap'].href.slice(1))!;
    expect(Object.fromEntries(packResource.props!.map((p) => [p.name, p.value]))).toMatchObject({ 'pack-id': pack.id, 'pack-version': pack.version, 'pack-hash': pack.hash, pack: pinned });
    expect(packResource.rlinks![0]!.href).toBe('pack/pack.yaml');
    const r = ar.results[0]!;
    const achieved = Object.fromEntries(ours(r.props, 'achieved-level').map((p) => [p.class, p.value]));
    expect(achieved).toEqual(Object.fromEntries(result.dimensions.map((d) => [d.dimension, d.notApplicable ? 'not-applicable' : (d.achieved ?? 'none')])));
    expect(Object.values(achieved)).toContain('not-applicable');
    const targets = Object.fromEntries(ours(r.props, 'target-level').map((p) => [p.class, p.value]));
    expect(targets).toEqual(assessment.targets);
    // Recorded findings are observations of type "finding", related from the criteria they name.
    const findingObs = r.observations!.filter((o) => o.types.includes('finding'));
    expect(findingObs.map((o) => ours(o.props, 'finding-id')[0]!.value)).toEqual(assessment.findings.map((f) => f.id));
    const major = assessment.findings.find((f) => f.class === 'major-nc')!;
    const obs = findingObs.find((o) => ours(o.props, 'finding-id')[0]!.value === major.id)!;
    const onCriterion = r.findings!.find((f) => f.target['target-id'] === major.criteria[0])!;
    expect(onCriterion['related-observations'].map((x) => x['observation-uuid'])).toContain(obs.uuid);
  });

  it('is reproducible: the same input gives the same bytes; UUIDs of subjects stay, the document UUID follows the content', () => {
    const again = buildOscalAssessmentResults({ assessment, pack, score: result, generatedAt: GENERATED, lang: 'ja' });
    expect(serializeOscalResults(again)).toBe(serializeOscalResults(doc));
    const c = pack.criteria.find((x) => assessment.criteria[x.id]?.status === 'conformant' && result.criteria[x.id]?.inScope)!;
    const changed = applyChanges(assessment, [{ change: { op: 'answer.set', criterion: c.id, set: { status: 'major-nc' } }, meta: { at: '2025-06-11T00:00:00Z', actor: 'x' } }], { pack }).assessment;
    const next = buildOscalAssessmentResults({ assessment: changed, pack, score: score(pack, toScoringInput(changed)), generatedAt: GENERATED, lang: 'ja' });
    expect(next['assessment-results'].uuid).not.toBe(doc['assessment-results'].uuid);
    const f = (d: OscalAssessmentResults) => d['assessment-results'].results[0]!.findings!.find((x) => x.target['target-id'] === c.id)!;
    expect(f(next).uuid).toBe(f(doc).uuid);
    expect(f(next).target.status.state).toBe('not-satisfied');
  });

  it('keeps hostile text as text: Markdown escaped, titles on one line, prop values trimmed', () => {
    const c = pack.criteria.find((x) => assessment.criteria[x.id]?.status === 'conformant' && result.criteria[x.id]?.inScope)!;
    const notes = '*bold* [link](javascript:alert(1)) <script>x</script> `code` \\ back_slash\nsecond line';
    const hostile = applyChanges(
      assessment,
      [
        { change: { op: 'answer.set', criterion: c.id, set: { notes, justification: null } }, meta: { at: '2025-06-11T00:00:00Z', actor: 'x' } },
        { change: { op: 'profile.set', field: 'service.name', value: 'Line one\nline two <b>' }, meta: { at: '2025-06-11T00:00:01Z', actor: 'x' } },
      ],
      { pack },
    ).assessment;
    const d = buildOscalAssessmentResults({ assessment: hostile, pack, score: score(pack, toScoringInput(hostile)), generatedAt: GENERATED, lang: 'en' });
    expect(OSCAL_AR.safeParse(d).success).toBe(true);
    const o = d['assessment-results'].results[0]!.observations!.find((x) => ours(x.props, 'criterion')[0]?.value === c.id)!;
    expect(o.description).not.toContain('<script>');
    expect(unescape(o.description)).toBe(notes);
    expect(d['assessment-results'].results[0]!.title).toContain('Line one line two \\<b\\>');
    expect(markdownText('a_b*c')).toBe('a\\_b\\*c');
  });

  it('refuses a pack or score that is not the one the assessment pins', () => {
    const other = { ...pack, hash: '0'.repeat(64) };
    expect(() => buildOscalAssessmentResults({ assessment, pack: other, score: result, generatedAt: GENERATED, lang: 'ja' })).toThrow(OscalExportError);
    expect(() => buildOscalAssessmentResults({ assessment, pack, score: { ...result, packHash: '1'.repeat(64) }, generatedAt: GENERATED, lang: 'ja' })).toThrow(/the score is of/);
  });
});
