/**
 * Format migrations of the assessment document. Each migration rewrites a document of
 * format N into format N+1 (and, when the edit vocabulary changed, a journal change of
 * format N into N+1), so any older file opens after running the chain in order.
 *
 * Adding format N+1: bump FORMAT_VERSION, append a migration here, keep a hand-written
 * format-N file in the tests.
 */
import { Assessment, FORMAT_VERSION, formatIssues, type Assessment as AssessmentT } from './schema';
import { InvalidInputError } from './errors';
import { sanitizeDisplayName } from './display-name';
import { normalizeCorporateNumber } from './identifiers';

type Json = Record<string, unknown>;

export interface FormatMigration {
  from: number;
  to: number;
  /** One line for the journal and the user: what changed in the format. */
  describe: string;
  /** Rewrites a whole document of format `from` into format `to`. Must not modify its input. */
  document(doc: Json): Json;
  /** Rewrites one journal change of format `from`; absent when the edit vocabulary did not change. */
  change?(change: Json): Json;
}

/**
 * Format 0: the pre-release layout (`"version": 0`), with older field names — `org`,
 * `scope`, `framework: "id@version"`, `results` with pass/minor/major/na/todo, `team`,
 * `evidence` as a list. It had no journal.
 */
const v0ToV1: FormatMigration = {
  from: 0,
  to: 1,
  describe: 'format 0 → 1: renamed fields (org → organization, scope → service, results → criteria, team → assessors), evidence keyed by SHA-256',
  document(doc) {
    const org = obj(doc.org);
    const scope = obj(doc.scope);
    const framework = obj(doc.framework);
    const [packId, packVersion] = str(framework.pack).split('@');
    const resultMap: Json = { pass: 'conformant', minor: 'minor-nc', major: 'major-nc', na: 'not-applicable', todo: 'not-assessed' };
    // Entries, not assignments: an untrusted key such as "__proto__" must stay a plain key.
    const criteria = Object.entries(obj(doc.results)).map(([id, value]) => {
      const r = obj(value);
      const status = Object.hasOwn(resultMap, str(r.result)) ? resultMap[str(r.result)] : undefined;
      return [id, compact({
        status: status === 'not-assessed' ? undefined : (status ?? r.result),
        justification: r.reason,
        methods: r.method === undefined ? undefined : [r.method],
        notes: r.comment,
        samplingNotes: r.sampling,
        evidence: r.evidence,
      })] as const;
    });
    const evidence = arr(doc.evidence).map((value) => {
      const e = obj(value);
      return [str(e.sha256), compact({
        name: sanitizeDisplayName(str(e.fileName)),
        capturedAt: e.addedAt,
        capturedBy: e.addedBy,
        mediaType: e.mime ?? 'application/octet-stream',
        size: e.bytes,
        description: e.note,
      })] as const;
    });
    const findingClass: Json = { major: 'major-nc', minor: 'minor-nc', obs: 'observation', ofi: 'ofi', gp: 'good-practice' };
    const findingStatus: Json = { open: 'open', accepted: 'plan-accepted', closed: 'verified-closed' };
    const period = obj(doc.period);
    return compact({
      formatVersion: 1,
      id: doc.assessmentId,
      revision: doc.seq ?? 0,
      createdAt: doc.created,
      updatedAt: doc.modified ?? doc.created,
      organization: compact({
        legalName: org.name,
        legalNameEn: org.nameEn,
        identifiers: org.corporateNumber === undefined ? [] : [{ scheme: 'jp-corporate-number', value: normalizeCorporateNumber(str(org.corporateNumber)) }],
        address: org.address === undefined ? undefined : { country: org.country ?? 'JP', text: org.address },
        contacts: arr(org.contacts),
      }),
      service: compact({ name: scope.service, description: scope.description ?? '' }),
      roles: doc.roles ?? [],
      capabilities: doc.capabilities ?? [],
      pack: { id: packId, version: packVersion, hash: framework.hash },
      targets: doc.targetLevels ?? {},
      type: doc.kind === 'self' ? 'self-assessment' : doc.kind,
      assessors: arr(doc.team).map((m) => {
        const t = obj(m);
        return { name: t.name, organization: t.org ?? '', role: t.lead === true ? 'lead' : 'assessor' };
      }),
      independenceStatement: doc.independence,
      dates: compact({ start: period.from, end: period.to }),
      sites: arr(doc.sites).map((s) => ({ name: s })),
      criteria: Object.fromEntries(criteria),
      findings: arr(doc.findings).map((value) => {
        const f = obj(value);
        const cap = f.cap === undefined ? undefined : obj(f.cap);
        return compact({
          id: f.id,
          class: (Object.hasOwn(findingClass, str(f.type)) ? findingClass[str(f.type)] : undefined) ?? f.type,
          criteria: f.criteria ?? [],
          description: f.text,
          correctiveAction: cap && compact({ plan: cap.plan, owner: cap.owner, dueDate: cap.due }),
          status: (Object.hasOwn(findingStatus, str(f.state)) ? findingStatus[str(f.state)] : undefined) ?? f.state,
        });
      }),
      evidence: Object.fromEntries(evidence),
    });
  },
};

/**
 * Format 2 added the expected-evidence checklist (`criteria.*.evidenceChecked`), optional:
 * every format-1 document and journal change is already valid format 2, only the version
 * number changes. Journal changes of format 1 need no rewriting (the vocabulary only grew).
 */
const v1ToV2: FormatMigration = {
  from: 1,
  to: 2,
  describe: 'format 1 → 2: criteria may record the ticked expected-evidence checklist (evidenceChecked)',
  document(doc) {
    return { ...doc, formatVersion: 2 };
  },
};

/** The chain, in order. */
export const FORMAT_MIGRATIONS: readonly FormatMigration[] = [v0ToV1, v1ToV2];

/**
 * The format version of a raw document: `formatVersion`, or 0 for the pre-release layout.
 * @throws InvalidInputError when it is not an assessment document at all.
 */
export function documentFormatVersion(raw: unknown): number {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new InvalidInputError('This is not an assessment document (expected a JSON object)');
  const doc = raw as Json;
  if (Object.hasOwn(doc, 'formatVersion')) {
    const v = doc.formatVersion;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new InvalidInputError(`Unknown formatVersion ${JSON.stringify(v)}: this is not a TF Assessor assessment`);
    return v;
  }
  if (doc.version === 0) return 0;
  throw new InvalidInputError('This is not a TF Assessor assessment: it has no formatVersion');
}

export interface MigratedDocument {
  assessment: AssessmentT;
  /** The format the document was written in. */
  from: number;
  /** Descriptions of the migrations that ran, in order (empty when already current). */
  applied: string[];
}

/**
 * Brings a raw document (parsed JSON) to the current format and validates it.
 * @throws InvalidInputError — a newer format, a gap in the chain, or an invalid document.
 */
export function migrateDocument(raw: unknown, migrations: readonly FormatMigration[] = FORMAT_MIGRATIONS): MigratedDocument {
  const from = documentFormatVersion(raw);
  if (from > FORMAT_VERSION) {
    throw new InvalidInputError(`This assessment was written by a newer TF Assessor (format ${from}; this version reads up to ${FORMAT_VERSION}): update TF Assessor to open it`);
  }
  let doc = raw as Json;
  const applied: string[] = [];
  for (let v = from; v < FORMAT_VERSION; v++) {
    const step = migrations.find((m) => m.from === v);
    if (!step || step.to !== v + 1) throw new InvalidInputError(`No migration from format ${v} to ${v + 1}`);
    try {
      doc = step.document(doc);
    } catch (err) {
      throw new InvalidInputError(`Migrating the assessment from format ${v} to ${v + 1} failed: ${(err as Error).message}`);
    }
    applied.push(step.describe);
  }
  const parsed = Assessment.safeParse(doc);
  if (!parsed.success) {
    const origin = from === FORMAT_VERSION ? '' : ` (format ${from} migrated to ${FORMAT_VERSION})`;
    throw new InvalidInputError(`Invalid assessment${origin}: ${formatIssues(parsed.error)}`);
  }
  return { assessment: parsed.data, from, applied };
}

/** Brings one journal change written in format `from` to the current format. */
export function migrateChange(change: unknown, from: number, migrations: readonly FormatMigration[] = FORMAT_MIGRATIONS): unknown {
  if (from > FORMAT_VERSION) throw new InvalidInputError(`A journal entry was written by a newer TF Assessor (format ${from}): update TF Assessor`);
  let c = change;
  for (let v = from; v < FORMAT_VERSION; v++) {
    const step = migrations.find((m) => m.from === v);
    if (step?.change && typeof c === 'object' && c !== null) c = step.change(c as Json);
  }
  return c;
}

function obj(value: unknown): Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {};
}
function arr(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
/** Drops undefined members so optional fields are absent rather than present-and-undefined. */
function compact(o: Json): Json {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
