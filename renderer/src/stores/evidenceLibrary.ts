// The evidence library's state: which criteria use each file (core's evidenceUsage), the
// filter, and the integrity checks run in this session. Checks run one file at a time, so
// "verify all" on hundreds of files never floods main, and report progress as they go.
import { defineStore } from 'pinia';
import { computed, ref, shallowRef, watch } from 'vue';
import { evidenceUsage } from '../../../core/assessment/evidence-usage';
import { matchesTerms, normalizeForSearch, searchTerms } from '../../../core/assessment/navigator';
import type { EvidenceItem } from '../../../core/assessment/schema';
import { useAssessmentStore } from './assessment';
import { useNotificationsStore } from './notifications';

export type VerifyState = 'idle' | 'running' | 'ok' | 'altered' | 'missing' | 'error';

export interface VerifyResult {
  state: VerifyState;
  /** ms since epoch when the check finished. */
  at?: number;
}

export interface EvidenceEntry {
  hash: string;
  item: EvidenceItem;
  usedBy: string[];
}

export const useEvidenceLibraryStore = defineStore('evidenceLibrary', () => {
  const assessment = useAssessmentStore();
  const notifications = useNotificationsStore();

  const query = ref('');
  const unlinkedOnly = ref(false);
  /** Per hash; absent = not checked in this session. Replaced as a whole so views update. */
  const results = shallowRef<ReadonlyMap<string, VerifyResult>>(new Map());
  const bulk = ref<{ done: number; total: number } | null>(null);
  /** The outcome of the last "verify all". */
  const bulkSummary = ref<{ total: number; ok: number; bad: number } | null>(null);

  const usage = computed(() => {
    const doc = assessment.document;
    return doc ? evidenceUsage(doc, assessment.criteria.map((c) => c.id)) : new Map<string, string[]>();
  });

  /** Every item, most recently captured first. */
  const entries = computed<EvidenceEntry[]>(() => {
    const doc = assessment.document;
    if (!doc) return [];
    return Object.entries(doc.evidence)
      .map(([hash, item]) => ({ hash, item, usedBy: usage.value.get(hash) ?? [] }))
      .sort((a, b) => (a.item.capturedAt < b.item.capturedAt ? 1 : a.item.capturedAt > b.item.capturedAt ? -1 : a.item.name.localeCompare(b.item.name)));
  });

  const visible = computed(() => {
    const terms = searchTerms(query.value);
    return entries.value.filter(
      (e) =>
        (!unlinkedOnly.value || e.usedBy.length === 0) &&
        (terms.length === 0 || matchesTerms(normalizeForSearch([e.item.name, e.item.description ?? '', e.hash, e.item.mediaType].join('\n')), terms)),
    );
  });

  const unlinkedCount = computed(() => entries.value.filter((e) => e.usedBy.length === 0).length);

  function setResult(hash: string, result: VerifyResult): void {
    const next = new Map(results.value);
    next.set(hash, result);
    results.value = next;
  }

  /** Re-hashes one file in main; the state it ended in. */
  async function verify(hash: string, options: { announce?: boolean } = {}): Promise<VerifyState> {
    setResult(hash, { state: 'running' });
    const r = await assessment.verifyEvidence(hash);
    const state: VerifyState = !r ? 'error' : r.ok ? 'ok' : r.missing ? 'missing' : 'altered';
    setResult(hash, { state, at: Date.now() });
    if (options.announce !== false) {
      const name = assessment.document?.evidence[hash]?.name ?? hash.slice(0, 12);
      notifications.announce(`evidenceLibrary.resultNotice.${state}`, { name });
    }
    return state;
  }

  /** Checks every item (shown or not), one after another, with progress. */
  async function verifyAll(): Promise<void> {
    if (bulk.value) return;
    const hashes = entries.value.map((e) => e.hash);
    bulk.value = { done: 0, total: hashes.length };
    bulkSummary.value = null;
    let ok = 0;
    try {
      for (const hash of hashes) {
        if ((await verify(hash, { announce: false })) === 'ok') ok += 1;
        bulk.value = { done: bulk.value.done + 1, total: hashes.length };
      }
    } finally {
      bulk.value = null;
    }
    bulkSummary.value = { total: hashes.length, ok, bad: hashes.length - ok };
    notifications.announce('evidenceLibrary.verifySummary', { total: String(hashes.length), ok: String(ok), bad: String(hashes.length - ok) });
  }

  /**
   * Puts a full SHA-256 on the clipboard. The async Clipboard API first; where it is refused
   * (no permission, no focus) the older copy command on a temporary field; false if both fail.
   */
  async function copyHash(hash: string): Promise<boolean> {
    let copied = false;
    try {
      await navigator.clipboard.writeText(hash);
      copied = true;
    } catch {
      // select() moves focus into the temporary field: give it back to the copy button.
      const returnTo = document.activeElement instanceof HTMLElement ? document.activeElement : null;
      const field = document.createElement('textarea');
      field.value = hash;
      field.setAttribute('readonly', '');
      field.className = 'visually-hidden';
      document.body.append(field);
      field.select();
      try {
        copied = document.execCommand('copy');
      } catch {
        copied = false;
      }
      field.remove();
      returnTo?.focus();
    }
    if (copied) notifications.announce('evidenceLibrary.copied');
    else notifications.announce('evidenceLibrary.copyFailed', { hash });
    return copied;
  }

  function reset(): void {
    query.value = '';
    unlinkedOnly.value = false;
    results.value = new Map();
    bulkSummary.value = null;
  }

  // Checks and filters belong to one assessment.
  watch(() => assessment.handle, reset);

  return { query, unlinkedOnly, results, bulk, bulkSummary, entries, visible, unlinkedCount, verify, verifyAll, copyHash, reset };
});
