// The certification body's trust store: the CA certificates whose signers it accepts. Main
// parses and keeps the certificates (tfa:trust:*); this store lists them, reads a file the
// user picked (PEM as text, DER as base64) and reports what main said about it.
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { ApiError } from '../../../core/api/contract';
import type { TrustAnchorView } from '../../../core/api/contract-intake';
import { api } from '../api';

export type LoadState = 'idle' | 'loading' | 'ready' | 'error';

/** The largest certificate file read: main accepts at most 1 MiB of text, and base64 adds a third. */
export const MAX_CERTIFICATE_FILE_BYTES = 768 * 1024;

/** What went wrong, for the screen: a message key of ours, or main's error. */
export type TrustProblem = { action: 'load' | 'add' | 'remove'; file?: string } & ({ key: string; params?: Record<string, string | number> } | { error: ApiError });

/** The outcome of the last add, for the status line. */
export interface AddOutcome {
  file: string;
  added: TrustAnchorView[];
  alreadyPresent: number;
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/**
 * The text to send for a certificate file: PEM files as they are; anything else (DER, `.cer`
 * from Windows) as base64 of its bytes, which main recognises as DER.
 */
export function certificateText(bytes: Uint8Array): string {
  const head = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(0, Math.min(bytes.length, 64 * 1024)));
  if (head.includes('-----BEGIN')) return new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  return toBase64(bytes);
}

export const useTrustStore = defineStore('trust', () => {
  const anchors = shallowRef<TrustAnchorView[]>([]);
  const loadState = ref<LoadState>('idle');
  const adding = ref(false);
  const removing = ref<string | null>(null);
  const problem = shallowRef<TrustProblem | null>(null);
  const lastAdd = shallowRef<AddOutcome | null>(null);

  async function load(): Promise<void> {
    loadState.value = 'loading';
    const r = await api.trustList();
    if (!r.ok) {
      loadState.value = 'error';
      problem.value = { action: 'load', error: r.error };
      return;
    }
    anchors.value = r.value;
    loadState.value = 'ready';
    if (problem.value?.action === 'load') problem.value = null;
  }

  /** Reads a picked `.pem`/`.crt`/`.cer` file and adds its certificates; true when main accepted it. */
  async function addFile(file: File, label?: string): Promise<boolean> {
    lastAdd.value = null;
    if (file.size === 0) {
      problem.value = { action: 'add', file: file.name, key: 'trust.errors.empty', params: { file: file.name } };
      return false;
    }
    if (file.size > MAX_CERTIFICATE_FILE_BYTES) {
      problem.value = { action: 'add', file: file.name, key: 'trust.errors.tooLarge', params: { file: file.name } };
      return false;
    }
    adding.value = true;
    try {
      let text: string;
      try {
        text = certificateText(new Uint8Array(await file.arrayBuffer()));
      } catch {
        problem.value = { action: 'add', file: file.name, key: 'trust.errors.unreadable', params: { file: file.name } };
        return false;
      }
      const trimmed = label?.trim();
      const r = await api.trustAdd({ text, ...(trimmed ? { label: trimmed } : {}) });
      if (!r.ok) {
        problem.value = { action: 'add', file: file.name, error: r.error };
        return false;
      }
      anchors.value = r.value.anchors;
      lastAdd.value = { file: file.name, added: r.value.added, alreadyPresent: r.value.alreadyPresent.length };
      problem.value = null;
      return true;
    } finally {
      adding.value = false;
    }
  }

  async function remove(fingerprintSha256: string): Promise<boolean> {
    removing.value = fingerprintSha256;
    try {
      const r = await api.trustRemove({ fingerprintSha256 });
      if (!r.ok) {
        problem.value = { action: 'remove', error: r.error };
        return false;
      }
      anchors.value = r.value;
      lastAdd.value = null;
      problem.value = null;
      return true;
    } finally {
      removing.value = null;
    }
  }

  function dismissProblem(): void {
    problem.value = null;
  }

  return { anchors, loadState, adding, removing, problem, lastAdd, load, addFile, remove, dismissProblem };
});
