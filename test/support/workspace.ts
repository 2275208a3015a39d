/**
 * For end-to-end tests of the assessor screens: a preview with the real built-in packs and
 * the real assessment service, a typed API client over the bridge (what the renderer's
 * bridge client sends), and a sample Japanese organization.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { contract, type ArgsOf, type Channel, type ResultOf } from '../../core/api/contract';
import { createPackLister } from '../../electron/main/services/packs';
import { PROJECT_ROOT } from './paths';
import { startPreview, type Preview, type PreviewOptions } from './preview';

/** A preview whose pack list is the built-in criteria/ folder and whose recent list is real. */
export async function startWorkspacePreview(options: PreviewOptions = {}): Promise<Preview> {
  return startPreview({
    listPacks: createPackLister({ builtinDir: join(PROJECT_ROOT, 'criteria'), userDir: join(PROJECT_ROOT, 'test-output', 'no-user-packs') }),
    ...options,
  });
}

/** One API call as the renderer makes it; throws with the API's message on failure. */
export async function call<C extends Channel>(p: Preview, channel: C, args?: ArgsOf<C>): Promise<ResultOf<C>> {
  const res = await fetch(`${p.bridge.origin}/api/${channel}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-TFA-Token': p.bridge.token, Origin: p.bridge.origin },
    body: JSON.stringify({ args }),
  });
  const body = (await res.json()) as { ok: true; value: unknown } | { ok: false; error: { code: string; message: string } };
  if (!body.ok) throw new Error(`${channel}: ${body.error.code}: ${body.error.message}`);
  return contract[channel].result.parse(body.value) as ResultOf<C>;
}

/** The longest legal name the wizard must lay out: a real-world style Japanese name. */
export const LONG_JA_NAME = '株式会社エンタープライズ・アイデンティティ・アンド・アクセス・マネジメント・ソリューションズ・ジャパン・ホールディングス';

/** A Japanese third-party assessment of an identity provider against jp-idtf 2.0.0. */
export function sampleCreateArgs(overrides: Partial<ArgsOf<'tfa:assessments:create'>> = {}): ArgsOf<'tfa:assessments:create'> {
  return {
    organization: {
      legalName: '株式会社サンプル認証',
      legalNameEn: 'Sample Authentication K.K.',
      identifiers: [{ scheme: 'jp-corporate-number', value: '1180301018771' }],
      address: { country: 'JP', postalCode: '100-0001', text: '東京都千代田区千代田1-1' },
      contacts: [{ name: '山田 太郎', title: 'CISO', email: 'yamada@example.co.jp' }],
    },
    service: { name: 'Sample ID', description: '会員企業向け OpenID Connect プロバイダー' },
    pack: { id: 'jp-idtf', version: '2.0.0' },
    type: 'third-party',
    targets: { IAL: 'IAL2', AAL: 'AAL2' },
    assessors: [{ name: '佐藤 花子', organization: 'Example Assurance LLC', role: 'lead' }],
    independenceStatement: '過去 24 か月、申請者へのコンサルティングは行っていない。',
    ...overrides,
  };
}

/** Opens the app afresh on the start screen (a new document, with the token in the fragment). */
export async function openApp(page: Page, p: Preview): Promise<void> {
  await page.goto('about:blank');
  await page.goto(p.url);
  await page.locator('#recent[aria-busy="false"]').waitFor();
}
