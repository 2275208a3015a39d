/**
 * `tf-assessor demo <dir>`: a complete, realistic sample assessment to explore the app and the
 * CLI with — a fictional Japanese identity provider assessed against the built-in
 * jp-idtf@2.0.0: profile, results across every dimension (mostly conformant, a few
 * non-conformities, justified not-applicables, some left not assessed), evidence files made on
 * the spot, findings with corrective actions, and the applicant's self-assessment claims.
 * Every change goes through the workspace, so the journal tells the whole story.
 */
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { AssessmentInit } from '../../core/assessment/create';
import { corporateNumberCheckDigit } from '../../core/assessment/identifiers';
import type { Change, Finding } from '../../core/assessment/index';
import { toScoringInput } from '../../core/assessment/scoring-input';
import type { Pack } from '../../core/criteria/schema';
import { builtinCriteriaDir, resolvePack } from '../../core/node/packs';
import { createWorkspace, openWorkspace, type Workspace } from '../../core/node/workspace';
import { score } from '../../core/scoring/score';
import { CliError, type CliCommand, type CliContext } from '../context';
import { storageFailure } from './assessment-dir';
import { AUTHENTICATION_POLICY_MD, PROOFING_PROCEDURE_MD, mfaScreenshotPng, proofingRecordsCsv, securityPolicyPdf } from './demo-files';

const PACK_ID = 'jp-idtf';
const PACK_VERSION = '2.0.0';
const LEAD = '佐藤 花子';

/**
 * A corporate number (法人番号) that cannot belong to a real company: registry office code
 * 9999 does not exist. The check digit is computed, so the number is valid in form.
 */
export function demoCorporateNumber(): string {
  const base = '999901000001';
  return `${corporateNumberCheckDigit(base)}${base}`;
}

const CAPABILITIES = ['ic-chip-reading', 'jpki-signature', 'mynumber-card-evidence', 'password', 'otp-token', 'syncable-authenticator', 'attribute-release', 'outsourced-operations'];

function demoInit(pack: Pack): AssessmentInit {
  return {
    organization: {
      legalName: '株式会社サンプルID',
      legalNameEn: 'Sample ID Inc.',
      identifiers: [{ scheme: 'jp-corporate-number', value: demoCorporateNumber() }],
      address: { country: 'JP', postalCode: '105-0000', text: '東京都港区サンプル町一丁目2番3号\nサンプルビル 8階' },
      contacts: [
        { name: '山田 太郎', title: '情報セキュリティ部長(CISO)', email: 'yamada@sample-id.example', phone: '+81 3-0000-0000' },
        { name: '田中 美咲', title: 'ID基盤運用グループ長', email: 'tanaka@sample-id.example' },
      ],
    },
    service: {
      name: 'サンプルID',
      description:
        'OpenID Connect に準拠した個人向け ID プロバイダ。マイナンバーカードの IC チップ読取りと署名用電子証明書による身元確認(IAL2)、パスワードと TOTP 又はパスキーによる多要素認証(AAL2)を提供し、提携する約 40 の依拠当事者に利用者の同意に基づいて属性を提供する。',
      scope: '本番環境(東京・大阪リージョン)の認証基盤、身元確認サービス、ヘルプデスク業務。開発・検証環境は対象外。',
    },
    pack: { id: pack.id, version: pack.version, hash: pack.hash },
    type: 'third-party',
    roles: ['IdP'],
    capabilities: CAPABILITIES,
    targets: { ORG: 'ORG-BASE', PRIV: 'PRIV-BASE', CONSENT: 'CONSENT-BASE', IAL: 'IAL2', AAL: 'AAL2', FAL: 'FAL2' },
    assessors: [
      { name: LEAD, organization: '株式会社サンプル監査', role: 'lead', email: 'sato@audit.example' },
      { name: '鈴木 一郎', organization: '株式会社サンプル監査', role: 'assessor' },
      { name: 'Emily Clark', organization: '株式会社サンプル監査', role: 'technical-expert' },
    ],
    independenceStatement: '評価者は過去 24 か月間、株式会社サンプルID に対してコンサルティング等の業務を提供しておらず、利害関係を有しない。',
    dates: { start: '2026-02-02', end: '2026-02-06' },
    sites: [
      { name: '本社(東京都港区)', visitedOn: ['2026-02-02', '2026-02-03'] },
      { name: '大阪データセンター', address: '大阪府大阪市サンプル区', visitedOn: ['2026-02-05'] },
    ],
  };
}

type AnswerFields = { status?: string | null; justification?: string | null; notes?: string | null; methods?: string[] | null };

/** The results that tell the story; everything else in scope is conformant, some are left open. */
const SPECIAL: Record<string, AnswerFields> = {
  'AAL-04': { status: 'minor-nc', notes: 'ロックアウト閾値が連続 50 回と高く、オンライン推測攻撃への備えとして不十分(F-001)。' },
  'FAL-12': { status: 'major-nc', notes: '一部の依拠当事者向けに、aud に複数の client_id を含む ID トークンが発行されていた(F-002)。' },
  'ORG-11': { status: 'minor-nc', notes: '委託先要員 3 名の年次教育の受講記録が欠落していた。評価期間中に是正を確認済み(F-003)。' },
  'CONSENT-10': { status: 'minor-nc', notes: '提供する属性を利用者が個別に選択する機能はない(推奨事項)。' },
  'CONSENT-09': { status: 'not-applicable', justification: '実行時の同意を経ずに属性を提供する運用は行っていない(全提供で都度同意を取得)。' },
  'ORG-01': { status: 'not-applicable', justification: '行政手続をオンライン化する立場ではなく、民間の ID プロバイダとして評価を受けるため。' },
  'IAL-02': { status: 'conformant', justification: '身元確認規程 SEC-IDP-003 を確認し、担当者へのインタビューで運用との整合を確認した。' },
  'IAL-06': { status: 'conformant', justification: '本人確認記録 20 件を抽出し、IC チップ読取りと署名検証の結果が記録されていることを確認した。' },
  'AAL-02': { status: 'conformant', justification: '認証ポリシー SEC-IDP-005 と実機で、12 文字以上・漏洩パスワード照合を確認した。' },
  'AAL-03': { status: 'conformant', justification: 'Argon2id とソルトによる保存を設定ファイルで確認した。' },
};

/** In-scope criteria at levels above the targets: not assessed in this engagement. */
const NOT_ASSESSED = new Set(['IAL-13', 'IAL-21', 'AAL-10', 'AAL-20', 'AAL-12', 'FAL-15']);

const GENERIC_NOTE: Record<string, string> = {
  examine: '規程類及び記録の確認',
  interview: '担当者へのインタビュー',
  test: '実機での動作確認',
};

function answerChanges(pack: Pack): Change[] {
  const scope = score(pack, { roles: ['IdP'], capabilities: CAPABILITIES, answers: {} });
  const changes: Change[] = [];
  for (const c of pack.criteria) {
    if (c.satisfiedBy || !scope.criteria[c.id]?.inScope || NOT_ASSESSED.has(c.id)) continue;
    const special = SPECIAL[c.id];
    const set: AnswerFields = special ?? {
      status: 'conformant',
      notes: `${c.methods.map((m) => GENERIC_NOTE[m]).join('、')}により、要求事項を満たしていることを確認した。`,
    };
    changes.push({ op: 'answer.set', criterion: c.id, set: { methods: [...c.methods], ...set } } as Change);
  }
  return changes;
}

const FINDINGS: Finding[] = [
  {
    id: 'F-001',
    class: 'minor-nc',
    criteria: ['AAL-04'],
    description: 'アカウントロックアウトの閾値が連続 50 回の失敗と高く、オンライン推測攻撃を十分に抑止できない。',
    correctiveAction: { plan: '閾値を連続 10 回に引き下げ、段階的な遅延を導入する。変更後の設定と監視結果を提出する。', owner: '田中 美咲(ID基盤運用グループ)', dueDate: '2026-04-30' },
    status: 'plan-accepted',
  },
  {
    id: 'F-002',
    class: 'major-nc',
    criteria: ['FAL-12'],
    description: '2 つの依拠当事者向けに、aud に複数の client_id を含む ID トークンが発行されていた。FAL2 では 1 アサーションにつき単一の audience が求められる。',
    correctiveAction: { plan: '当該依拠当事者の設定を分離し、複数 audience の発行を禁止する設定を全テナントに適用する。', owner: '山田 太郎(情報セキュリティ部)', dueDate: '2026-03-31' },
    status: 'open',
  },
  {
    id: 'F-003',
    class: 'minor-nc',
    criteria: ['ORG-11'],
    description: '委託先要員 3 名について、年次セキュリティ教育の受講記録が確認できなかった。',
    correctiveAction: { plan: '3 名の受講を完了させ、委託先管理台帳に受講記録の確認欄を追加する。', owner: '人事部 教育担当', dueDate: '2026-02-28' },
    status: 'verified-closed',
  },
  {
    id: 'F-004',
    class: 'observation',
    criteria: ['IAL-14'],
    description: '本人確認記録の保存期間(7 年)の根拠が規程に明記されていない。',
    status: 'open',
  },
  {
    id: 'F-005',
    class: 'ofi',
    criteria: ['CONSENT-10'],
    description: '提供する属性を利用者が選択できるようにすると、データ最小化がさらに進む。',
    status: 'open',
  },
];

const CLAIMS: Change = {
  op: 'claims.import',
  source: { organization: '株式会社サンプルID', receivedOn: '2026-01-20', document: '自己評価書_サンプルID_v1.xlsx' },
  claims: {
    'AAL-04': { status: 'conformant', notes: '試行回数制限を実装済み' },
    'FAL-12': { status: 'conformant' },
    'ORG-11': { status: 'conformant' },
    'ORG-01': { status: 'conformant' },
    'IAL-21': { status: 'conformant', notes: 'IAL3 相当の証拠を受け付けている' },
    'IAL-02': { status: 'conformant' },
    'CONSENT-09': { status: 'not-applicable', justification: '都度同意のみ' },
    'PRIV-05': { status: 'conformant' },
  },
} as Change;

async function fail<T>(r: Promise<{ ok: true; value: T } | { ok: false; error: Error }>): Promise<T> {
  const result = await r;
  if (!result.ok) throw result.error;
  return result.value;
}

async function addEvidenceFiles(ws: Workspace, staging: string): Promise<number> {
  const files: { name: string; data: string | Uint8Array; description: string; criteria: string[] }[] = [
    { name: '身元確認規程_SEC-IDP-003.md', data: PROOFING_PROCEDURE_MD, description: '身元確認規程 第4版(抜粋)', criteria: ['IAL-02', 'IAL-03', 'IAL-19', 'PRIV-05'] },
    { name: '認証ポリシー_SEC-IDP-005.md', data: AUTHENTICATION_POLICY_MD, description: '認証ポリシー 第2版', criteria: ['AAL-02', 'AAL-03', 'AAL-04', 'AAL-19'] },
    { name: '本人確認記録サンプル_2026-01.csv', data: proofingRecordsCsv(), description: '2026年1月の本人確認記録から抽出した 20 件(個人データは除去)', criteria: ['IAL-06', 'IAL-09', 'IAL-14'] },
    { name: 'MFA登録画面.png', data: mfaScreenshotPng(), description: 'TOTP 登録画面のスクリーンショット(評価時に取得)', criteria: ['AAL-06', 'AAL-08'] },
    { name: 'Information_Security_Policy.pdf', data: await securityPolicyPdf(), description: '情報セキュリティ基本方針(抜粋)', criteria: ['ORG-07', 'ORG-08', 'ORG-09', 'ORG-11'] },
  ];
  for (const f of files) {
    const path = join(staging, f.name);
    await writeFile(path, f.data);
    await fail(ws.addEvidence(path, { description: f.description, criteria: f.criteria }));
  }
  return files.length;
}

async function ensureEmpty(dir: string, ctx: CliContext): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    if ((err as NodeJS.ErrnoException).code === 'ENOTDIR') throw new CliError(`${relative(ctx.cwd, dir) || dir} is a file: give a new or empty folder for the demo`);
    throw err;
  }
  if (names.length > 0) throw new CliError(`${relative(ctx.cwd, dir) || dir} is not empty: give a new or empty folder for the demo (nothing was written)`);
}

export const demoCommand: CliCommand = {
  name: 'demo',
  usage: 'demo <dir>',
  summary: 'write a complete sample assessment (jp-idtf@2.0.0: answers, evidence, findings, claims) into a new folder',
  async run(ctx) {
    let positionals: string[];
    try {
      ({ positionals } = parseArgs({ args: ctx.argv, allowPositionals: true, strict: true, options: {} }));
    } catch (e) {
      throw new CliError(`${e instanceof Error ? e.message : String(e)}; usage: tf-assessor ${this.usage}`, 2);
    }
    if (positionals.length !== 1) throw new CliError(`usage: tf-assessor ${this.usage}`, 2);
    const dir = resolve(ctx.cwd, positionals[0]!);
    const shown = relative(ctx.cwd, dir) || dir;
    await ensureEmpty(dir, ctx);

    const builtin = builtinCriteriaDir(ctx.env);
    if (!builtin) throw new CliError('the built-in criteria folder was not found: reinstall tf-assessor (or set TFA_BUILTIN_CRITERIA_DIR)');
    const resolved = await resolvePack(`${PACK_ID}@${PACK_VERSION}`, { roots: [{ dir: builtin, origin: 'builtin' }] }).catch(() => null);
    if (!resolved?.result.ok) {
      throw new CliError(`the built-in pack ${PACK_ID}@${PACK_VERSION} is missing or invalid: reinstall tf-assessor (tf-assessor pack validate shows why)`);
    }
    const pinned = resolved.result.pack;

    const staging = await mkdtemp(join(tmpdir(), 'tfa-demo-'));
    let ws: Workspace | undefined;
    try {
      try {
        await createWorkspace(dir, demoInit(pinned), { actor: LEAD });
        ws = await openWorkspace(dir, { actor: LEAD, pack: pinned });
      } catch (err) {
        throw storageFailure(err, ctx, dir);
      }
      const answers = answerChanges(pinned);
      await fail(ws.applyAll(answers));
      const evidence = await addEvidenceFiles(ws, staging);
      for (const finding of FINDINGS) await fail(ws.apply({ op: 'finding.create', finding }));
      await fail(ws.apply(CLAIMS));
      const result = score(pinned, toScoringInput(ws.assessment));
      await fail(ws.close());
      const levels = result.dimensions.map((d) => `${d.dimension} ${d.achieved ?? 'none'}${d.target ? ` (target ${d.target}${d.targetMet ? ' met' : ' not met'})` : ''}`);
      ctx.stdout(
        [
          `wrote a sample assessment to ${shown}: 株式会社サンプルID, ${PACK_ID}@${PACK_VERSION}`,
          `  ${answers.length} results, ${evidence} evidence files, ${FINDINGS.length} findings, ${Object.keys((CLAIMS as { claims: object }).claims).length} claims; journal at revision ${ws.assessment.revision}`,
          `  levels: ${levels.join(', ')}`,
          `try: tf-assessor score ${shown}`,
          '',
        ].join('\n'),
      );
      return 0;
    } catch (err) {
      await ws?.close({ discardUnsaved: true }).catch(() => undefined);
      const failure = storageFailure(err, ctx, dir);
      throw failure instanceof CliError ? failure : new CliError(`could not write the demo to ${shown}: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  },
};
