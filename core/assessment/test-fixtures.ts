/** Sample inputs for tests of the assessment model and the workspace. */
import type { AssessmentInit } from './create';

export const SAMPLE_PACK_HASH = 'a'.repeat(64);

/** A realistic new third-party assessment of a Japanese identity provider. */
export function sampleInit(): AssessmentInit {
  return {
    organization: {
      legalName: '株式会社サンプル認証',
      legalNameEn: 'Sample Authentication K.K.',
      identifiers: [{ scheme: 'jp-corporate-number', value: '1180301018771' }],
      address: { country: 'JP', postalCode: '100-0001', text: '東京都千代田区千代田1-1' },
      contacts: [{ name: '山田 太郎', title: 'CISO', email: 'yamada@example.co.jp' }],
    },
    service: { name: 'Sample ID', description: 'OpenID Connect provider for member companies' },
    pack: { id: 'jp-idtf', version: '2.0.0', hash: SAMPLE_PACK_HASH },
    type: 'third-party',
    roles: ['idp'],
    targets: { IAL: 'IAL2', AAL: 'AAL2' },
    assessors: [{ name: 'Sato Hanako', organization: 'Example Assurance LLC', role: 'lead' }],
    independenceStatement: 'No consulting for the applicant in the last 24 months.',
    dates: { start: '2025-06-02', end: '2025-06-04' },
    sites: [{ name: 'Tokyo HQ', visitedOn: ['2025-06-02'] }],
  };
}
