// The signing identities screen's state: the identities kept on this machine (public facts
// only: keys never leave main), whether keys can be stored here, creating a local identity,
// importing a .p12 the user picked, removing one, and reading an identity's CA certificate.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { ApiError } from '../../../core/api/contract';
import { MAX_P12_BYTES, type CaCertificateView, type IdentityCreateArgs, type IdentityView, type KeyStorageView } from '../../../core/api/contract-export';
import { toBase64 } from '../../../core/signing/bytes';
import { api } from '../api';
import { useNotificationsStore } from './notifications';

export type LoadState = 'idle' | 'loading' | 'ready' | 'error';

/** The create form as typed (text fields; numbers parsed when checked). */
export interface CreateForm {
  commonName: string;
  organization: string;
  country: string;
  keyType: 'ecdsa-p256' | 'rsa-3072';
  validityDays: string;
}

/** Message keys (identities.create.*) of what is wrong with a field. */
export type CreateFormErrors = Partial<Record<'commonName' | 'country' | 'validityDays', 'invalidName' | 'invalidCountry' | 'invalidDays'>>;

/**
 * Checks the create form the way main's contract does (RFC 5280 name length, a two-letter
 * country, 1–3650 days), so mistakes are shown at the field instead of as a refused call.
 */
export function checkCreateForm(form: CreateForm): { args: IdentityCreateArgs | null; errors: CreateFormErrors } {
  const errors: CreateFormErrors = {};
  const commonName = form.commonName.trim();
  const organization = form.organization.trim();
  const country = form.country.trim().toUpperCase();
  if (commonName === '' || [...commonName].length > 64) errors.commonName = 'invalidName';
  if (country !== '' && !/^[A-Z]{2}$/.test(country)) errors.country = 'invalidCountry';
  const days = Number(form.validityDays);
  if (!/^\d+$/.test(form.validityDays.trim()) || days < 1 || days > 3650) errors.validityDays = 'invalidDays';
  if ([...organization].length > 64) errors.commonName ??= 'invalidName';
  if (Object.keys(errors).length > 0) return { args: null, errors };
  return {
    args: { commonName, ...(organization && { organization }), ...(country && { country }), keyType: form.keyType, validityDays: days },
    errors,
  };
}

export const useIdentitiesStore = defineStore('identities', () => {
  const notifications = useNotificationsStore();
  const identities = ref<IdentityView[]>([]);
  const storage = ref<KeyStorageView | null>(null);
  const loadState = ref<LoadState>('idle');
  const loadError = ref<ApiError | null>(null);
  const creating = ref(false);
  const createError = ref<ApiError | null>(null);
  const importing = ref(false);
  /** A refused import: main's one line (wrong passphrase, expired…) or `tooLarge`/`noFile` found here. */
  const importError = ref<ApiError | { key: 'tooLarge' | 'noFile' } | null>(null);
  const removeError = ref<ApiError | null>(null);
  const caCertificates = ref<Record<string, CaCertificateView>>({});
  const caError = ref<ApiError | null>(null);

  async function load(): Promise<void> {
    loadState.value = 'loading';
    const r = await api.identitiesList();
    if (r.ok) {
      identities.value = r.value.identities;
      storage.value = r.value.storage;
      loadError.value = null;
      loadState.value = 'ready';
    } else {
      loadError.value = r.error;
      loadState.value = 'error';
    }
  }

  async function create(args: IdentityCreateArgs): Promise<IdentityView | null> {
    creating.value = true;
    createError.value = null;
    try {
      const r = await api.identitiesCreate(args);
      if (!r.ok) {
        createError.value = r.error;
        return null;
      }
      notifications.announce('identities.create.created', { label: r.value.label });
      await load();
      return r.value;
    } finally {
      creating.value = false;
    }
  }

  /** Reads the picked file here and sends it to main with the passphrase (used once, never kept). */
  async function importP12(file: File | null, passphrase: string, label?: string): Promise<IdentityView | null> {
    importError.value = null;
    if (!file) {
      importError.value = { key: 'noFile' };
      return null;
    }
    if (file.size > MAX_P12_BYTES) {
      importError.value = { key: 'tooLarge' };
      return null;
    }
    importing.value = true;
    try {
      const p12 = toBase64(new Uint8Array(await file.arrayBuffer()));
      const r = await api.identitiesImport({ p12, passphrase, name: file.name, ...(label?.trim() && { label: label.trim() }) });
      if (!r.ok) {
        importError.value = r.error;
        return null;
      }
      notifications.announce('identities.import.imported', { label: r.value.label });
      await load();
      return r.value;
    } finally {
      importing.value = false;
    }
  }

  async function remove(id: string): Promise<boolean> {
    const label = identities.value.find((i) => i.id === id)?.label ?? '';
    removeError.value = null;
    const r = await api.identitiesRemove({ id });
    if (!r.ok) {
      removeError.value = r.error;
      return false;
    }
    identities.value = r.value.identities;
    storage.value = r.value.storage;
    const { [id]: _gone, ...rest } = caCertificates.value;
    caCertificates.value = rest;
    notifications.announce('identities.removed', { label });
    return true;
  }

  async function caCertificate(id: string): Promise<CaCertificateView | null> {
    const known = caCertificates.value[id];
    if (known) return known;
    caError.value = null;
    const r = await api.identitiesCaCertificate({ id });
    if (!r.ok) {
      caError.value = r.error;
      return null;
    }
    caCertificates.value = { ...caCertificates.value, [id]: r.value };
    return r.value;
  }

  return {
    identities,
    storage,
    loadState,
    loadError,
    creating,
    createError,
    importing,
    importError,
    removeError,
    caCertificates,
    caError,
    load,
    create,
    importP12,
    remove,
    caCertificate,
  };
});
