import type { PackSummary, RecentAssessment } from '../../core/api/contract';

/** Pack summaries shaped like the ones the pack loader reports. */
export const SAMPLE_PACKS: PackSummary[] = [
  {
    id: 'nist-800-63-4',
    version: '1.0.0',
    hash: 'sha256:3f1c9a7e5b2d4c6a8e0f1b3d5c7a9e2f4b6d8c0a1e3f5b7d9c2a4e6f8b0d1c3a',
    title: { ja: 'NIST SP 800-63-4 デジタル・アイデンティティ・ガイドライン', en: 'NIST SP 800-63-4 Digital Identity Guidelines' },
    origin: 'builtin',
    criteriaCount: 186,
    dimensions: ['IAL', 'AAL', 'FAL'],
  },
  {
    id: 'jp-trust-framework',
    version: '0.9.2',
    hash: 'sha256:9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b',
    title: { ja: '国内トラストフレームワーク 認定基準', en: 'Japanese Trust Framework Certification Criteria' },
    origin: 'user',
    criteriaCount: 1,
    dimensions: ['IAL', 'AAL'],
  },
];

export const SAMPLE_RECENT: RecentAssessment[] = [
  {
    handle: 'h-8f2e61',
    organization: '株式会社サンプル認証',
    service: 'Sample ID ログインサービス',
    pack: 'nist-800-63-4@1.0.0',
    updatedAt: '2025-11-20T09:42:00.000Z',
  },
  {
    handle: 'h-1c07aa',
    organization: 'Example Identity Ltd.',
    service: 'Workforce single sign-on',
    pack: 'nist-800-63-4@1.0.0',
    updatedAt: '2025-11-18T16:05:00.000Z',
  },
];
