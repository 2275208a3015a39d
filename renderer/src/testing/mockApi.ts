// Test double for the one boundary the renderer has: window.api. Everything behind it (the
// real api module, stores, components) runs for real in renderer tests.
import { vi, type Mock } from 'vitest';
import { contract, methodName, type Api, type ApiResult, type AppInfo, type Channel, type PackSummary, type RecentAssessment, type Settings } from '../../../core/api/contract';

export type MockApi = { [K in keyof Api]: Mock<Api[K]> };

export function ok<T>(value: T): ApiResult<T> {
  return { ok: true, value };
}

export const INFO_JA: AppInfo = { name: 'TF Assessor', version: '0.1.0', platform: 'linux', systemLanguage: 'ja', host: 'electron' };

export interface MockApiOptions {
  info?: AppInfo;
  settings?: Settings;
  packs?: PackSummary[];
  recent?: RecentAssessment[];
}

/** Installs a window.api that behaves like main with the given data (settings are kept). */
export function installMockApi(options: MockApiOptions = {}): MockApi {
  let settings: Settings = options.settings ?? { language: 'system' };
  // Channels a test does not set up answer with an error, so a call nobody expected shows.
  const unmocked = Object.fromEntries(
    (Object.keys(contract) as Channel[]).map((c) => [methodName(c), vi.fn(async () => ({ ok: false, error: { code: 'internal', message: `${c} is not mocked in this test` } }))]),
  ) as unknown as MockApi;
  const api: MockApi = {
    ...unmocked,
    appInfo: vi.fn(async () => ok(options.info ?? INFO_JA)),
    settingsGet: vi.fn(async () => ok(settings)),
    settingsSet: vi.fn(async (patch) => {
      settings = { ...settings, ...patch };
      return ok(settings);
    }),
    assessmentsListRecent: vi.fn(async () => ok(options.recent ?? [])),
    packsList: vi.fn(async () => ok(options.packs ?? [])),
  };
  window.api = api;
  return api;
}

export const PACKS: PackSummary[] = [
  {
    id: 'nist-800-63-4',
    version: '1.0.0',
    hash: 'sha256:aa',
    title: { ja: 'NIST SP 800-63-4 デジタル・アイデンティティ・ガイドライン', en: 'NIST SP 800-63-4 Digital Identity Guidelines' },
    origin: 'builtin',
    criteriaCount: 186,
    dimensions: ['IAL', 'AAL', 'FAL'],
  },
  {
    id: 'nist-800-63-4',
    version: '1.10.0',
    hash: 'sha256:bb',
    title: { ja: 'NIST SP 800-63-4 改訂版', en: 'NIST SP 800-63-4 revised' },
    origin: 'user',
    criteriaCount: 1,
    dimensions: [],
  },
  {
    id: 'acme-framework',
    version: '2.0.0',
    hash: 'sha256:cc',
    title: { ja: 'ACME 認定基準', en: 'ACME certification criteria' },
    origin: 'user',
    criteriaCount: 12,
    dimensions: ['IAL'],
  },
];

export const RECENT: RecentAssessment[] = [
  { handle: 'a', organization: 'Older Org', service: 'Portal', pack: 'nist-800-63-4@1.0.0', updatedAt: '2025-01-01T00:00:00.000Z' },
  { handle: 'b', organization: '新しい組織', service: 'ログイン', pack: 'nist-800-63-4@1.0.0', updatedAt: '2025-06-01T00:00:00.000Z' },
];
