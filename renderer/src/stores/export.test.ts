// The export and identities stores with their real actions; only window.api is mocked.
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ExportJobView, ExportOptionsView, IdentityView } from '../../../core/api/contract-export';
import { installMockApi, ok, type MockApi } from '../testing/mockApi';
import { useAssessmentStore } from './assessment';
import { checkCreateForm, useIdentitiesStore } from './identities';
import { stepStates, useExportStore } from './export';
import { useNotificationsStore } from './notifications';
import { useSettingsStore } from './settings';

let api: MockApi;
beforeEach(() => {
  setActivePinia(createPinia());
  api = installMockApi();
});

const identity = (id: string, over: Partial<IdentityView> = {}): IdentityView => ({
  id: id.repeat(64).slice(0, 64),
  label: '佐藤 花子',
  subject: 'CN=佐藤 花子',
  commonName: '佐藤 花子',
  issuer: 'CN=佐藤 花子 Local CA 0A1B2C3D',
  fingerprintSha256: id.repeat(64).slice(0, 64),
  notBefore: '2026-01-01T00:00:00Z',
  notAfter: '2027-01-01T00:00:00Z',
  keyAlgorithm: 'ECDSA P-256',
  expired: false,
  localCa: true,
  caSubject: 'CN=佐藤 花子 Local CA 0A1B2C3D',
  caFingerprintSha256: 'c'.repeat(64),
  createdAt: '2026-01-01T00:00:00Z',
  ...over,
});

const OPTIONS: ExportOptionsView = {
  templates: [{ name: 'default', title: { ja: '報告書', en: 'Report' } }],
  identities: [identity('a', { expired: true }), identity('b')],
  storage: { available: true, kind: 'preview-key-file', problem: null },
  defaultLang: 'en',
  defaultDestination: '/data/exports/x',
  canPickDestination: false,
  canReveal: false,
  running: null,
  last: null,
};

const job = (over: Partial<ExportJobView>): ExportJobView => ({
  job: 'job1',
  handle: 'h1',
  state: 'running',
  step: 'workspace',
  steps: ['workspace', 'pack', 'report-pdf', 'report-xlsx', 'sign', 'package', 'done'],
  startedAt: '2026-01-01T00:00:00Z',
  elapsedMs: 10,
  result: null,
  error: null,
  ...over,
});

describe('stepStates', () => {
  it('marks the steps before the current one done, the current one running, and a failed step failed', () => {
    expect(stepStates(job({ step: 'report-pdf' })).map((s) => s.state)).toEqual(['done', 'done', 'current', 'pending', 'pending', 'pending', 'pending']);
    expect(stepStates(job({ step: 'sign', state: 'failed' })).map((s) => s.state)).toEqual(['done', 'done', 'done', 'done', 'failed', 'pending', 'pending']);
    expect(stepStates(job({ step: 'done', state: 'done' })).every((s) => s.state === 'done')).toBe(true);
  });
});

describe('checkCreateForm', () => {
  const base = { commonName: ' 佐藤 花子 ', organization: '株式会社サンプル監査', country: 'jp', keyType: 'ecdsa-p256' as const, validityDays: '365' };
  it('accepts Japanese names and normalizes the country', () => {
    expect(checkCreateForm(base)).toEqual({ args: { commonName: '佐藤 花子', organization: '株式会社サンプル監査', country: 'JP', keyType: 'ecdsa-p256', validityDays: 365 }, errors: {} });
  });
  it('names each field that main would refuse', () => {
    expect(checkCreateForm({ ...base, commonName: '  ', country: 'JPN', validityDays: '0' }).errors).toEqual({ commonName: 'invalidName', country: 'invalidCountry', validityDays: 'invalidDays' });
    expect(checkCreateForm({ ...base, commonName: '長'.repeat(65) }).errors).toEqual({ commonName: 'invalidName' });
    expect(checkCreateForm({ ...base, validityDays: '3651' }).args).toBeNull();
  });
});

describe('useIdentitiesStore', () => {
  it('refuses a file too large to be a .p12 before sending it, and shows main’s reason for a wrong passphrase', async () => {
    const store = useIdentitiesStore();
    await store.importP12(new File([new Uint8Array(300 * 1024)], 'big.p12'), 'pw');
    expect(store.importError).toEqual({ key: 'tooLarge' });
    expect(api.identitiesImport).not.toHaveBeenCalled();
    api.identitiesImport.mockResolvedValueOnce({ ok: false, error: { code: 'invalid-input', message: 'The passphrase is wrong for "signer.p12".' } });
    const r = await store.importP12(new File([new Uint8Array([48, 130, 1, 2])], 'signer.p12'), 'wrong');
    expect(r).toBeNull();
    expect(store.importError).toEqual({ code: 'invalid-input', message: 'The passphrase is wrong for "signer.p12".' });
    expect(api.identitiesImport).toHaveBeenCalledWith({ p12: 'MIIBAg==', passphrase: 'wrong', name: 'signer.p12' });
  });

  it('creates, lists and removes, announcing each', async () => {
    const store = useIdentitiesStore();
    const created = identity('b');
    api.identitiesCreate.mockResolvedValueOnce(ok(created));
    api.identitiesList.mockResolvedValue(ok({ identities: [created], storage: OPTIONS.storage }));
    await store.create({ commonName: '佐藤 花子', keyType: 'ecdsa-p256', validityDays: 30 });
    expect(store.identities).toEqual([created]);
    expect(useNotificationsStore().notice).toMatchObject({ key: 'identities.create.created', params: { label: '佐藤 花子' } });
    api.identitiesRemove.mockResolvedValueOnce(ok({ identities: [], storage: OPTIONS.storage }));
    expect(await store.remove(created.id)).toBe(true);
    expect(store.identities).toEqual([]);
  });
});

describe('useExportStore', () => {
  it('defaults to the UI language and the first identity that can sign, then follows the export to its result', async () => {
    api = installMockApi({ settings: { language: 'ja' } });
    await useSettingsStore().load();
    api.exportOptions.mockResolvedValue(ok(OPTIONS));
    const store = useExportStore();
    await store.load('h1');
    expect(store.lang).toBe('ja');
    expect(store.identity).toBe(identity('b').id);
    expect(store.canStart).toBe(true);

    useAssessmentStore().handle = 'h1';
    api.exportStart.mockResolvedValueOnce(ok({ job: 'job1' }));
    const result = { folder: '/x', files: [], packageSha256: 'd'.repeat(64), signer: null, signedAt: null, levels: [], assessmentRevision: 3, warnings: [] };
    api.exportStatus.mockResolvedValueOnce(ok(job({ step: 'report-pdf' }))).mockResolvedValueOnce(ok(job({ state: 'done', step: 'done', result })));
    await store.start();
    expect(api.exportStart).toHaveBeenCalledWith({ handle: 'h1', lang: 'ja', template: 'default', identity: identity('b').id, include: { evidence: true, oscal: false } });
    expect(store.running).toBe(true);
    await expect.poll(() => store.job?.state, { timeout: 2000 }).toBe('done');
    expect(store.job?.result).toEqual(result);
  });

  it('cancels a running export and shows it cancelled, the step where it stopped marked', async () => {
    api.exportOptions.mockResolvedValue(ok(OPTIONS));
    const store = useExportStore();
    await store.load('h1');
    useAssessmentStore().handle = 'h1';
    api.exportStart.mockResolvedValueOnce(ok({ job: 'job1' }));
    api.exportStatus.mockResolvedValue(ok(job({ step: 'report-pdf' })));
    await store.start();
    expect(store.running).toBe(true);
    api.exportCancel.mockResolvedValueOnce(ok(job({ state: 'cancelled', step: 'report-pdf' })));
    await store.cancel();
    expect(api.exportCancel).toHaveBeenCalledWith({ job: 'job1' });
    expect(store.running).toBe(false);
    expect(store.job?.state).toBe('cancelled');
    expect(store.steps.map((s) => s.state)).toEqual(['done', 'done', 'cancelled', 'pending', 'pending', 'pending', 'pending']);
    // Polling stopped: the cancelled job is not overwritten by a late "running".
    const calls = api.exportStatus.mock.calls.length;
    await new Promise((r) => setTimeout(r, 400));
    expect(api.exportStatus.mock.calls.length).toBe(calls);
  });

  it('cannot start with an expired identity; unsigned is allowed', async () => {
    api.exportOptions.mockResolvedValue(ok({ ...OPTIONS, identities: [identity('a', { expired: true })] }));
    const store = useExportStore();
    await store.load('h1');
    expect(store.identity).toBeNull();
    expect(store.unsigned).toBe(true);
    expect(store.canStart).toBe(true);
    store.identity = identity('a').id;
    expect(store.canStart).toBe(false);
  });
});
