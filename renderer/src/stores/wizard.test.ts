// The wizard store with its real actions over a fake main (core's newAssessment-backed view).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { corporateNumberCheckDigit } from '../../../core/assessment/identifiers';
import { installFakeMain, type FakeMain } from '../testing/fakeMain';
import { useAssessmentStore } from './assessment';
import { useNotificationsStore } from './notifications';
import { emptyDraft, STORAGE_KEY, toCreateArgs, useWizardStore, validateStep, WIZARD_ERROR_KEYS, type WizardDraft } from './wizard';

let main: FakeMain;

beforeEach(() => {
  localStorage.clear();
  setActivePinia(createPinia());
  main = installFakeMain();
  main.api.packsList.mockResolvedValue({ ok: true, value: [{ id: 'demo', version: '2.0.0', hash: main.pack.hash, title: main.pack.title, origin: 'builtin', criteriaCount: 6, dimensions: ['IAL', 'ORG'] }] });
});

afterEach(() => {
  vi.useRealTimers();
  delete window.api;
});

function complete(): WizardDraft {
  const d = emptyDraft();
  d.organization.legalName = '株式会社サンプル認証';
  d.organization.corporateNumber = '１１８０-３０１０-１８７７１';
  d.organization.address = '東京都千代田区千代田1-1';
  d.organization.postalCode = '100-0001';
  d.organization.contacts = [{ name: '山田 太郎', title: '', email: 'yamada@example.co.jp', phone: '03-1234-5678' }];
  d.pack = { id: 'demo', version: '2.0.0' };
  d.service = { name: 'Sample ID', description: 'OIDC', scope: '' };
  d.roles = ['idp'];
  d.targets = { IAL: 'IAL2', ORG: '' };
  d.assessors = [{ name: '佐藤 花子', organization: 'Assurance LLC', role: 'lead', email: '' }];
  d.independenceStatement = 'No consulting for the applicant.';
  return d;
}

describe('validateStep', () => {
  it('checks the corporate number with its check digit and names the expected digit', () => {
    const d = emptyDraft();
    d.organization.legalName = 'X';
    d.organization.corporateNumber = '123';
    expect(validateStep(d, 'organization', null)['org-corporateNumber']).toEqual({ key: 'corporateNumberFormat', params: { length: 3 } });
    d.organization.corporateNumber = '2180301018771';
    expect(validateStep(d, 'organization', null)['org-corporateNumber']).toEqual({ key: 'corporateNumberCheck', params: { expected: corporateNumberCheckDigit('180301018771'), given: '2' } });
    d.organization.corporateNumber = '１１８０３０１０１８７７１';
    expect(validateStep(d, 'organization', null)).toEqual({});
  });

  it('reports required fields, formats and lengths field by field', () => {
    const d = emptyDraft();
    d.organization.postalCode = '100-0001';
    d.organization.country = 'Japan';
    d.organization.contacts = [{ name: '', title: '', email: 'not-an-email', phone: 'call me' }];
    expect(validateStep(d, 'organization', null)).toEqual({
      'org-legalName': { key: 'required' },
      'org-address': { key: 'addressRequired' },
      'org-country': { key: 'country' },
      'contact-0-name': { key: 'required' },
      'contact-0-email': { key: 'email' },
      'contact-0-phone': { key: 'phone' },
    });
    d.organization.legalName = 'あ'.repeat(501);
    expect(validateStep(d, 'organization', null)['org-legalName']).toEqual({ key: 'tooLong', params: { max: 500 } });
    expect(validateStep(d, 'pack', null)).toEqual({ 'pack-choice': { key: 'packRequired' } });
    expect(validateStep(d, 'service', null)).toEqual({ 'service-name': { key: 'required' } });
  });

  it('asks a third-party assessment for assessors and an independence statement, not a self-assessment', () => {
    const d = emptyDraft();
    expect(Object.keys(validateStep(d, 'team', null)).sort()).toEqual(['team-assessors', 'team-independence']);
    d.type = 'self-assessment';
    expect(validateStep(d, 'team', null)).toEqual({});
  });

  it('refuses roles, capabilities and levels the pack does not have', () => {
    const d = complete();
    d.roles = ['idp', 'broker'];
    d.capabilities = ['teleport'];
    d.targets = { IAL: 'IAL9' };
    expect(validateStep(d, 'service', main.detail)['service-roles']).toEqual({ key: 'unknownChoice', params: { ids: 'broker' } });
    expect(validateStep(d, 'capabilities', main.detail).capabilities).toEqual({ key: 'unknownChoice', params: { ids: 'teleport' } });
    expect(validateStep(d, 'targets', main.detail)['target-IAL']).toEqual({ key: 'unknownChoice', params: { ids: 'IAL9' } });
  });

  it('only ever reports keys that have messages', () => {
    const d = emptyDraft();
    d.organization.corporateNumber = 'x';
    d.organization.postalCode = '1';
    d.organization.contacts = [{ name: '', title: '', email: 'x', phone: 'x' }];
    d.assessors = [{ name: '', organization: '', role: 'lead', email: 'x' }];
    const keys = ['organization', 'pack', 'service', 'capabilities', 'targets', 'team', 'review'].flatMap((s) => Object.values(validateStep(d, s as never, main.detail)).map((e) => e.key));
    expect(keys.length).toBeGreaterThan(5);
    expect(keys.filter((k) => !(WIZARD_ERROR_KEYS as readonly string[]).includes(k))).toEqual([]);
  });
});

describe('toCreateArgs', () => {
  it('normalizes the corporate number, trims text and leaves out what is empty', () => {
    expect(toCreateArgs(complete())).toEqual({
      organization: {
        legalName: '株式会社サンプル認証',
        identifiers: [{ scheme: 'jp-corporate-number', value: '1180301018771' }],
        address: { country: 'JP', postalCode: '100-0001', text: '東京都千代田区千代田1-1' },
        contacts: [{ name: '山田 太郎', email: 'yamada@example.co.jp', phone: '03-1234-5678' }],
      },
      service: { name: 'Sample ID', description: 'OIDC' },
      pack: { id: 'demo', version: '2.0.0' },
      type: 'third-party',
      roles: ['idp'],
      capabilities: [],
      targets: { IAL: 'IAL2' },
      assessors: [{ name: '佐藤 花子', organization: 'Assurance LLC', role: 'lead' }],
      independenceStatement: 'No consulting for the applicant.',
    });
  });
});

describe('useWizardStore', () => {
  it('keeps the draft in localStorage and resumes it in a new session', async () => {
    vi.useFakeTimers();
    const wizard = useWizardStore();
    await wizard.start();
    wizard.draft.organization.legalName = '株式会社途中';
    expect(wizard.next()).toBe(true);
    await vi.advanceTimersByTimeAsync(400);
    const stored = JSON.parse(localStorage.getItem(STORAGE_KEY)!);
    expect(stored).toMatchObject({ step: 1, draft: { organization: { legalName: '株式会社途中' } } });

    setActivePinia(createPinia());
    const again = useWizardStore();
    await again.start();
    expect(again.step).toBe(1);
    expect(again.draft.organization.legalName).toBe('株式会社途中');
    expect(again.resumedFrom).toBe(stored.savedAt);
    again.startOver();
    expect(localStorage.getItem(STORAGE_KEY)).toBeNull();
    expect(again.step).toBe(0);
  });

  it('survives a damaged stored draft', async () => {
    localStorage.setItem(STORAGE_KEY, '{"draft": {"organization": null, "roles": "x"}, "step": 99}');
    const wizard = useWizardStore();
    await wizard.start();
    expect(wizard.step).toBe(6);
    expect(wizard.draft.organization.legalName).toBe('');
    expect(wizard.draft.roles).toEqual([]);
    localStorage.setItem(STORAGE_KEY, 'not json');
    setActivePinia(createPinia());
    const fresh = useWizardStore();
    await fresh.start();
    expect(fresh.step).toBe(0);
  });

  it('will not go on from a step with problems, and shows them until fixed', async () => {
    const wizard = useWizardStore();
    await wizard.start();
    expect(wizard.next()).toBe(false);
    expect(wizard.errorOf('org-legalName')).toEqual({ key: 'required' });
    wizard.draft.organization.legalName = 'OK';
    expect(wizard.errorOf('org-legalName')).toBeUndefined();
    expect(wizard.next()).toBe(true);
    wizard.goTo(5); // not reached yet
    expect(wizard.step).toBe(1);
  });

  it('loads the chosen pack and drops choices the new pack does not have', async () => {
    const wizard = useWizardStore();
    await wizard.start();
    wizard.draft.roles = ['idp', 'gone'];
    wizard.draft.targets = { IAL: 'IAL2', OLD: 'X' };
    await wizard.choosePack('demo', '2.0.0');
    expect(main.api.packsGet).toHaveBeenCalledWith({ id: 'demo', version: '2.0.0' });
    expect(wizard.pack?.changes?.from).toBe('demo@1.0.0');
    expect(wizard.draft.roles).toEqual(['idp']);
    expect(wizard.draft.targets).toEqual({ IAL: 'IAL2', ORG: '' });
  });

  it('creates the assessment, opens it, and discards the draft', async () => {
    const wizard = useWizardStore();
    await wizard.start();
    Object.assign(wizard.draft, { ...complete(), pack: null });
    await wizard.choosePack('demo', '2.0.0');
    wizard.persistNow();
    const handle = await wizard.create();
    expect(handle).toBe('h-test-1');
    expect(main.api.assessmentsCreate).toHaveBeenCalledWith(toCreateArgs(complete()));
    expect(useAssessmentStore().loadState).toBe('ready');
    expect(localStorage.getItem(STORAGE_KEY)).toBeNull();
  });

  it('goes back to the first step with a problem instead of creating', async () => {
    const wizard = useWizardStore();
    await wizard.start();
    Object.assign(wizard.draft, { ...complete(), pack: null });
    await wizard.choosePack('demo', '2.0.0');
    wizard.draft.service.name = '';
    wizard.goTo(0);
    expect(await wizard.create()).toBeNull();
    expect(wizard.currentStep).toBe('service');
    expect(wizard.errorOf('service-name')).toEqual({ key: 'required' });
    expect(main.api.assessmentsCreate).not.toHaveBeenCalled();
  });

  it('keeps the draft when main refuses to create, and says why', async () => {
    const wizard = useWizardStore();
    await wizard.start();
    Object.assign(wizard.draft, { ...complete(), pack: null });
    await wizard.choosePack('demo', '2.0.0');
    wizard.persistNow();
    main.api.assessmentsCreate.mockResolvedValueOnce({ ok: false, error: { code: 'disk-full', message: 'No space left.' } });
    expect(await wizard.create()).toBeNull();
    expect(useNotificationsStore().errors).toMatchObject([{ context: 'createAssessment', error: { code: 'disk-full' } }]);
    expect(localStorage.getItem(STORAGE_KEY)).not.toBeNull();
    expect(wizard.draft.organization.legalName).toBe('株式会社サンプル認証');
  });
});
