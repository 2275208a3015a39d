// The new-assessment wizard: the draft the user is filling in, which step they are on, what
// is wrong with it (field by field, as message keys), and creating the assessment. The draft
// survives a reload, a crash or a closed window: it is kept in localStorage until the
// assessment is created or the user starts over.
import { defineStore } from 'pinia';
import { computed, ref, shallowRef, watch } from 'vue';
import type { ArgsOf, PackDetail } from '../../../core/api/contract';
import { corporateNumberCheckDigit, normalizeCorporateNumber, isValidCorporateNumber } from '../../../core/assessment/identifiers';
import { Assessor, Contact } from '../../../core/assessment/schema';
import { api } from '../api';
import { useAppStore } from './app';
import { useAssessmentStore } from './assessment';
import { useNotificationsStore } from './notifications';

export const WIZARD_STEPS = ['organization', 'pack', 'service', 'capabilities', 'targets', 'team', 'review'] as const;
export type WizardStep = (typeof WIZARD_STEPS)[number];

export interface ContactDraft {
  name: string;
  title: string;
  email: string;
  phone: string;
}

export interface AssessorDraft {
  name: string;
  organization: string;
  role: 'lead' | 'assessor' | 'technical-expert' | 'observer';
  email: string;
}

export interface WizardDraft {
  organization: {
    legalName: string;
    legalNameEn: string;
    corporateNumber: string;
    country: string;
    postalCode: string;
    address: string;
    contacts: ContactDraft[];
  };
  pack: { id: string; version: string } | null;
  service: { name: string; description: string; scope: string };
  roles: string[];
  capabilities: string[];
  /** Dimension id → level id ('' = no target). */
  targets: Record<string, string>;
  type: 'third-party' | 'self-assessment';
  assessors: AssessorDraft[];
  independenceStatement: string;
}

/** Every problem the wizard reports: message keys under `wizard.errors`. */
export const WIZARD_ERROR_KEYS = [
  'required',
  'tooLong',
  'corporateNumberFormat',
  'corporateNumberCheck',
  'addressRequired',
  'country',
  'email',
  'phone',
  'packRequired',
  'unknownChoice',
  'assessorRequired',
  'independenceRequired',
] as const;
export type WizardErrorKey = (typeof WIZARD_ERROR_KEYS)[number];

/** A field's problem: a message key under `wizard.errors` and its parameters. */
export interface FieldError {
  key: WizardErrorKey;
  params?: Record<string, string | number>;
}
/** Field id (also the input's DOM id) → its problem. */
export type FieldErrors = Record<string, FieldError>;

export const STORAGE_KEY = 'tfa.wizard.v1';
const SAVE_DELAY_MS = 300;

export function emptyDraft(): WizardDraft {
  return {
    organization: { legalName: '', legalNameEn: '', corporateNumber: '', country: 'JP', postalCode: '', address: '', contacts: [] },
    pack: null,
    service: { name: '', description: '', scope: '' },
    roles: [],
    capabilities: [],
    targets: {},
    type: 'third-party',
    assessors: [],
    independenceStatement: '',
  };
}

const blank = (s: string) => s.trim() === '';

function tooLong(errors: FieldErrors, id: string, value: string, max: number): void {
  if (value.length > max) errors[id] = { key: 'tooLong', params: { max } };
}

/**
 * What is wrong with one step of the draft. Uses core's rules (corporate number check digit,
 * the document schema's e-mail and phone formats and length limits), so what passes here is
 * what `tfa:assessments:create` accepts.
 */
export function validateStep(draft: WizardDraft, step: WizardStep, pack: PackDetail | null): FieldErrors {
  const errors: FieldErrors = {};
  const org = draft.organization;
  switch (step) {
    case 'organization': {
      if (blank(org.legalName)) errors['org-legalName'] = { key: 'required' };
      tooLong(errors, 'org-legalName', org.legalName, 500);
      tooLong(errors, 'org-legalNameEn', org.legalNameEn, 500);
      if (!blank(org.corporateNumber)) {
        const n = normalizeCorporateNumber(org.corporateNumber);
        if (!/^\d{13}$/.test(n)) errors['org-corporateNumber'] = { key: 'corporateNumberFormat', params: { length: n.replace(/\D/g, '').length } };
        else if (!isValidCorporateNumber(n)) errors['org-corporateNumber'] = { key: 'corporateNumberCheck', params: { expected: corporateNumberCheckDigit(n.slice(1)), given: n[0]! } };
      }
      const hasAddress = !blank(org.address) || !blank(org.postalCode);
      if (hasAddress && blank(org.address)) errors['org-address'] = { key: 'addressRequired' };
      tooLong(errors, 'org-address', org.address, 1000);
      tooLong(errors, 'org-postalCode', org.postalCode, 20);
      if (hasAddress && !/^[A-Za-z]{2}$/.test(org.country.trim())) errors['org-country'] = { key: 'country' };
      org.contacts.forEach((c, i) => {
        if (blank(c.name)) errors[`contact-${i}-name`] = { key: 'required' };
        tooLong(errors, `contact-${i}-name`, c.name, 200);
        if (!blank(c.email) && !Contact.shape.email.safeParse(c.email.trim()).success) errors[`contact-${i}-email`] = { key: 'email' };
        if (!blank(c.phone) && !Contact.shape.phone.safeParse(c.phone.trim()).success) errors[`contact-${i}-phone`] = { key: 'phone' };
      });
      break;
    }
    case 'pack':
      if (!draft.pack) errors['pack-choice'] = { key: 'packRequired' };
      break;
    case 'service':
      if (blank(draft.service.name)) errors['service-name'] = { key: 'required' };
      tooLong(errors, 'service-name', draft.service.name, 300);
      tooLong(errors, 'service-description', draft.service.description, 20000);
      tooLong(errors, 'service-scope', draft.service.scope, 20000);
      if (pack) {
        const unknown = draft.roles.filter((r) => !pack.roles.some((x) => x.id === r));
        if (unknown.length > 0) errors['service-roles'] = { key: 'unknownChoice', params: { ids: unknown.join(', ') } };
      }
      break;
    case 'capabilities':
      if (pack) {
        const unknown = draft.capabilities.filter((c) => !pack.capabilities.some((x) => x.id === c));
        if (unknown.length > 0) errors['capabilities'] = { key: 'unknownChoice', params: { ids: unknown.join(', ') } };
      }
      break;
    case 'targets':
      if (pack) {
        for (const [dim, level] of Object.entries(draft.targets)) {
          if (level === '') continue;
          const d = pack.dimensions.find((x) => x.id === dim);
          if (!d || !d.levels.some((l) => l.id === level)) errors[`target-${dim}`] = { key: 'unknownChoice', params: { ids: level } };
        }
      }
      break;
    case 'team':
      if (draft.type === 'third-party') {
        if (draft.assessors.length === 0) errors['team-assessors'] = { key: 'assessorRequired' };
        if (blank(draft.independenceStatement)) errors['team-independence'] = { key: 'independenceRequired' };
      }
      tooLong(errors, 'team-independence', draft.independenceStatement, 20000);
      draft.assessors.forEach((a, i) => {
        if (blank(a.name)) errors[`assessor-${i}-name`] = { key: 'required' };
        tooLong(errors, `assessor-${i}-name`, a.name, 200);
        tooLong(errors, `assessor-${i}-organization`, a.organization, 300);
        if (!blank(a.email) && !Assessor.shape.email.safeParse(a.email.trim()).success) errors[`assessor-${i}-email`] = { key: 'email' };
      });
      break;
    case 'review':
      break;
  }
  return errors;
}

/** The arguments of `tfa:assessments:create` for a complete draft. */
export function toCreateArgs(draft: WizardDraft): ArgsOf<'tfa:assessments:create'> {
  const org = draft.organization;
  const opt = (s: string) => (blank(s) ? undefined : s.trim());
  const corporate = blank(org.corporateNumber) ? [] : [{ scheme: 'jp-corporate-number' as const, value: normalizeCorporateNumber(org.corporateNumber) }];
  const hasAddress = !blank(org.address);
  const targets = Object.fromEntries(Object.entries(draft.targets).filter(([, level]) => level !== ''));
  return {
    organization: {
      legalName: org.legalName.trim(),
      ...(opt(org.legalNameEn) && { legalNameEn: opt(org.legalNameEn) }),
      identifiers: corporate,
      ...(hasAddress && { address: { country: org.country.trim().toUpperCase(), ...(opt(org.postalCode) && { postalCode: opt(org.postalCode) }), text: org.address.trim() } }),
      contacts: org.contacts.map((c) => ({ name: c.name.trim(), ...(opt(c.title) && { title: opt(c.title) }), ...(opt(c.email) && { email: opt(c.email) }), ...(opt(c.phone) && { phone: opt(c.phone) }) })),
    },
    service: { name: draft.service.name.trim(), description: draft.service.description.trim(), ...(opt(draft.service.scope) && { scope: opt(draft.service.scope) }) },
    pack: { id: draft.pack!.id, version: draft.pack!.version },
    type: draft.type,
    roles: [...draft.roles],
    capabilities: [...draft.capabilities],
    targets,
    assessors: draft.assessors.map((a) => ({ name: a.name.trim(), organization: a.organization.trim(), role: a.role, ...(opt(a.email) && { email: opt(a.email) }) })),
    ...(draft.type === 'third-party' && opt(draft.independenceStatement) && { independenceStatement: opt(draft.independenceStatement) }),
  };
}

interface Stored {
  draft: WizardDraft;
  step: number;
  /** The furthest step reached. */
  reached?: number;
  savedAt: string;
}

function readStored(): Stored | null {
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    if (!raw) return null;
    const parsed = JSON.parse(raw) as Partial<Stored>;
    if (!parsed || typeof parsed !== 'object' || !parsed.draft) return null;
    // Merge over an empty draft so a draft from an older version of the form still fits.
    const base = emptyDraft();
    const d = parsed.draft as Partial<WizardDraft>;
    const draft: WizardDraft = {
      ...base,
      ...d,
      organization: { ...base.organization, ...d.organization, contacts: Array.isArray(d.organization?.contacts) ? d.organization.contacts : [] },
      service: { ...base.service, ...d.service },
      roles: Array.isArray(d.roles) ? d.roles : [],
      capabilities: Array.isArray(d.capabilities) ? d.capabilities : [],
      targets: d.targets && typeof d.targets === 'object' ? d.targets : {},
      assessors: Array.isArray(d.assessors) ? d.assessors : [],
    };
    const clamp = (n: unknown) => (Number.isInteger(n) ? Math.max(0, Math.min(WIZARD_STEPS.length - 1, n as number)) : 0);
    const step = clamp(parsed.step);
    return { draft, step, reached: Math.max(step, clamp(parsed.reached)), savedAt: typeof parsed.savedAt === 'string' ? parsed.savedAt : '' };
  } catch {
    return null;
  }
}

export const useWizardStore = defineStore('wizard', () => {
  const notifications = useNotificationsStore();

  const draft = ref<WizardDraft>(emptyDraft());
  const step = ref(0);
  /** The furthest step reached: the step list lets the user jump back to any of them. */
  const reached = ref(0);
  /** When the draft being continued was last saved (ISO), if it was resumed. */
  const resumedFrom = ref<string | null>(null);
  const pack = shallowRef<PackDetail | null>(null);
  const packState = ref<'idle' | 'loading' | 'ready' | 'error'>('idle');
  const creating = ref(false);
  /** Errors shown for the current step (set when the user tries to go on). */
  const shownErrors = ref<FieldErrors>({});

  const currentStep = computed<WizardStep>(() => WIZARD_STEPS[step.value]!);
  const liveErrors = computed(() => validateStep(draft.value, currentStep.value, pack.value));

  // ---------------------------------------------------------------------------------------
  // Persistence

  let saveTimer: ReturnType<typeof setTimeout> | null = null;
  let started = false;

  /** Writes the draft now (also when the page goes away); an untouched draft is not kept. */
  function persistNow(): void {
    if (saveTimer) clearTimeout(saveTimer);
    saveTimer = null;
    try {
      if (step.value === 0 && JSON.stringify(draft.value) === JSON.stringify(emptyDraft())) localStorage.removeItem(STORAGE_KEY);
      else localStorage.setItem(STORAGE_KEY, JSON.stringify({ draft: draft.value, step: step.value, reached: reached.value, savedAt: new Date().toISOString() } satisfies Stored));
    } catch {
      // Private mode or a full quota: the draft still lives in memory for this session.
    }
  }

  watch(
    [draft, step, reached],
    () => {
      if (!started) return;
      if (saveTimer) clearTimeout(saveTimer);
      saveTimer = setTimeout(persistNow, SAVE_DELAY_MS);
    },
    { deep: true },
  );

  /** Enters the wizard: continues a saved draft if there is one. */
  async function start(): Promise<void> {
    if (!started) {
      const stored = readStored();
      if (stored) {
        draft.value = stored.draft;
        step.value = stored.step;
        reached.value = stored.reached ?? stored.step;
        resumedFrom.value = stored.savedAt || null;
      }
      started = true;
    }
    const app = useAppStore();
    if (app.packsState !== 'ready') await app.loadPacks();
    if (draft.value.pack && (!pack.value || pack.value.id !== draft.value.pack.id || pack.value.version !== draft.value.pack.version)) await loadPack();
  }

  /** Throws the draft away and starts again from the first step. */
  function startOver(): void {
    draft.value = emptyDraft();
    step.value = 0;
    reached.value = 0;
    resumedFrom.value = null;
    pack.value = null;
    packState.value = 'idle';
    shownErrors.value = {};
    if (saveTimer) clearTimeout(saveTimer);
    try {
      localStorage.removeItem(STORAGE_KEY);
    } catch {
      // Nothing stored.
    }
  }

  // ---------------------------------------------------------------------------------------
  // Pack

  async function loadPack(): Promise<void> {
    const choice = draft.value.pack;
    if (!choice) return;
    packState.value = 'loading';
    const r = await api.packsGet({ id: choice.id, version: choice.version });
    if (draft.value.pack !== choice) return;
    if (!r.ok) {
      packState.value = 'error';
      pack.value = null;
      notifications.reportError('loadPack', r.error);
      return;
    }
    notifications.clearError('loadPack');
    pack.value = r.value;
    packState.value = 'ready';
    // Keep only the choices the new pack knows (switching packs must not smuggle in ids).
    const d = draft.value;
    d.roles = d.roles.filter((id) => r.value.roles.some((x) => x.id === id));
    d.capabilities = d.capabilities.filter((id) => r.value.capabilities.some((x) => x.id === id));
    d.targets = Object.fromEntries(
      r.value.dimensions.map((dim) => {
        const kept = d.targets[dim.id];
        return [dim.id, kept && dim.levels.some((l) => l.id === kept) ? kept : ''];
      }),
    );
  }

  async function choosePack(id: string, version: string): Promise<void> {
    if (draft.value.pack?.id === id && draft.value.pack.version === version) return;
    draft.value.pack = { id, version };
    await loadPack();
  }

  // ---------------------------------------------------------------------------------------
  // Steps

  /** Goes to the next step if this one is valid; otherwise shows its errors. True if it moved. */
  function next(): boolean {
    const errors = liveErrors.value;
    shownErrors.value = errors;
    if (Object.keys(errors).length > 0) return false;
    if (currentStep.value === 'pack' && packState.value !== 'ready') return false;
    step.value = Math.min(WIZARD_STEPS.length - 1, step.value + 1);
    reached.value = Math.max(reached.value, step.value);
    shownErrors.value = {};
    return true;
  }

  function back(): void {
    shownErrors.value = {};
    step.value = Math.max(0, step.value - 1);
  }

  function goTo(index: number): void {
    if (index < 0 || index > reached.value) return;
    shownErrors.value = {};
    step.value = index;
  }

  /** Errors of a field to show now: once shown for a step, they follow the user's fixes live. */
  function errorOf(id: string): FieldError | undefined {
    if (!Object.hasOwn(shownErrors.value, id)) return undefined;
    return liveErrors.value[id];
  }

  // ---------------------------------------------------------------------------------------
  // Lists

  function addContact(): void {
    draft.value.organization.contacts.push({ name: '', title: '', email: '', phone: '' });
  }
  function removeContact(i: number): void {
    draft.value.organization.contacts.splice(i, 1);
  }
  function addAssessor(): void {
    draft.value.assessors.push({ name: '', organization: '', role: draft.value.assessors.length === 0 ? 'lead' : 'assessor', email: '' });
  }
  function removeAssessor(i: number): void {
    draft.value.assessors.splice(i, 1);
  }

  // ---------------------------------------------------------------------------------------
  // Create

  /**
   * Validates every step (jumping to the first with a problem) and creates the assessment;
   * on success the draft is discarded and the new handle returned.
   */
  async function create(): Promise<string | null> {
    for (let i = 0; i < WIZARD_STEPS.length; i++) {
      const errors = validateStep(draft.value, WIZARD_STEPS[i]!, pack.value);
      if (Object.keys(errors).length > 0) {
        step.value = i;
        shownErrors.value = errors;
        return null;
      }
    }
    if (!draft.value.pack || !pack.value) {
      step.value = WIZARD_STEPS.indexOf('pack');
      shownErrors.value = validateStep(draft.value, 'pack', null);
      return null;
    }
    creating.value = true;
    try {
      const handle = await useAssessmentStore().create(toCreateArgs(draft.value));
      if (handle) {
        startOver();
        void useAppStore().loadRecent();
      }
      return handle;
    } finally {
      creating.value = false;
    }
  }

  return {
    draft,
    step,
    reached,
    resumedFrom,
    pack,
    packState,
    creating,
    shownErrors,
    currentStep,
    liveErrors,
    start,
    startOver,
    choosePack,
    next,
    back,
    goTo,
    errorOf,
    addContact,
    removeContact,
    addAssessor,
    removeAssessor,
    create,
    persistNow,
  };
});
