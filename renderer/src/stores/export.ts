// The export screen's state: what main offers for the open assessment (templates, signing
// identities, default language, destination), the choices made, the running export's
// progress (polled from main, where it runs in a worker thread) and its result or failure.
import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import type { ApiError, Language } from '../../../core/api/contract';
import type { ExportJobView, ExportOptionsView, ExportStepName, IdentityView } from '../../../core/api/contract-export';
import { api } from '../api';
import { useAssessmentStore } from './assessment';
import { useSettingsStore } from './settings';

export type StepState = 'done' | 'current' | 'pending' | 'failed' | 'cancelled';

/** Each step of an export with where it stands, for the progress list. */
export function stepStates(job: Pick<ExportJobView, 'steps' | 'step' | 'state'>): { step: ExportStepName; state: StepState }[] {
  const at = job.steps.indexOf(job.step);
  return job.steps.map((step, i) => ({
    step,
    state: job.state === 'done' || i < at ? 'done' : i === at ? (job.state === 'failed' || job.state === 'cancelled' ? job.state : step === 'done' ? 'done' : 'current') : 'pending',
  }));
}

/** An identity can sign now: not past its certificate's end. */
export function canSign(identity: IdentityView | undefined): boolean {
  return identity !== undefined && !identity.expired;
}

/** How often a running export is asked for its progress. */
const POLL_MS = 250;

export const useExportStore = defineStore('export', () => {
  const assessment = useAssessmentStore();
  const settings = useSettingsStore();

  const options = ref<ExportOptionsView | null>(null);
  const loadState = ref<'idle' | 'loading' | 'ready' | 'error'>('idle');
  const loadError = ref<ApiError | null>(null);
  const lang = ref<Language>('ja');
  const template = ref('default');
  /** The chosen identity's id; null exports unsigned. */
  const identity = ref<string | null>(null);
  const includeEvidence = ref(true);
  const includeOscal = ref(false);
  /** A folder picked in the desktop's dialog; null: the default place. */
  const destination = ref<{ destination: string; folder: string } | null>(null);
  const starting = ref(false);
  const cancelling = ref(false);
  const startError = ref<ApiError | null>(null);
  const job = ref<ExportJobView | null>(null);
  const pollError = ref<ApiError | null>(null);
  let timer: ReturnType<typeof setTimeout> | null = null;
  let forHandle: string | null = null;

  const identities = computed(() => options.value?.identities ?? []);
  const chosen = computed(() => identities.value.find((i) => i.id === identity.value));
  const running = computed(() => job.value?.state === 'running');
  const unsigned = computed(() => identity.value === null);
  const canStart = computed(() => options.value !== null && !starting.value && !running.value && (unsigned.value || canSign(chosen.value)));
  const steps = computed(() => (job.value ? stepStates(job.value) : []));

  function stopPolling(): void {
    if (timer) clearTimeout(timer);
    timer = null;
  }

  async function poll(id: string): Promise<void> {
    stopPolling();
    const r = await api.exportStatus({ job: id });
    if (job.value && job.value.job !== id) return;
    if (!r.ok) {
      pollError.value = r.error;
      return;
    }
    pollError.value = null;
    job.value = r.value;
    if (r.value.state === 'running') timer = setTimeout(() => void poll(id), POLL_MS);
  }

  /** Loads what the export offers for the open assessment and picks sensible defaults. */
  async function load(handle: string): Promise<void> {
    if (forHandle !== handle) reset();
    forHandle = handle;
    loadState.value = 'loading';
    const r = await api.exportOptions({ handle });
    if (forHandle !== handle) return;
    if (!r.ok) {
      loadError.value = r.error;
      loadState.value = 'error';
      return;
    }
    const first = options.value === null;
    options.value = r.value;
    loadError.value = null;
    loadState.value = 'ready';
    if (first) {
      // The report in the language the user reads the app in; signed when an identity can sign.
      lang.value = settings.effectiveLanguage ?? r.value.defaultLang;
      template.value = r.value.templates[0]?.name ?? 'default';
      identity.value = r.value.identities.find((i) => !i.expired)?.id ?? null;
    } else if (identity.value !== null && !r.value.identities.some((i) => i.id === identity.value)) {
      identity.value = r.value.identities.find((i) => !i.expired)?.id ?? null;
    }
    const attach = r.value.running ?? (job.value ? null : r.value.last);
    if (attach) await poll(attach);
  }

  async function pickDestination(): Promise<void> {
    const r = await api.dialogsPickExportFolder();
    if (r.ok && r.value) destination.value = r.value;
    else if (!r.ok) startError.value = r.error;
  }

  /** Starts the export (main saves the assessment first) and follows its progress. */
  async function start(): Promise<boolean> {
    const handle = assessment.handle;
    if (!handle || !canStart.value) return false;
    starting.value = true;
    startError.value = null;
    try {
      // Text typed just before pressing Start belongs in the report.
      await assessment.settled();
      const r = await api.exportStart({
        handle,
        lang: lang.value,
        template: template.value,
        identity: identity.value,
        include: { evidence: includeEvidence.value, oscal: includeOscal.value },
        ...(destination.value && { destination: destination.value.destination }),
      });
      if (!r.ok) {
        startError.value = r.error;
        return false;
      }
      // A picked folder is used once; the next export asks again or goes to the default place.
      destination.value = null;
      job.value = null;
      await poll(r.value.job);
      return true;
    } finally {
      starting.value = false;
    }
  }

  /** Stops the running export; main removes what it had written. */
  async function cancel(): Promise<void> {
    const current = job.value;
    if (!current || current.state !== 'running' || cancelling.value) return;
    cancelling.value = true;
    try {
      const r = await api.exportCancel({ job: current.job });
      if (!r.ok) pollError.value = r.error;
      else if (job.value?.job === current.job) {
        stopPolling();
        job.value = r.value;
      }
    } finally {
      cancelling.value = false;
    }
  }

  async function reveal(): Promise<void> {
    if (job.value) await api.exportReveal({ job: job.value.job });
  }

  function reset(): void {
    stopPolling();
    options.value = null;
    loadState.value = 'idle';
    loadError.value = null;
    identity.value = null;
    destination.value = null;
    startError.value = null;
    job.value = null;
    pollError.value = null;
    includeEvidence.value = true;
    includeOscal.value = false;
  }

  watch(
    () => assessment.handle,
    (h) => {
      if (h !== forHandle) {
        reset();
        forHandle = null;
      }
    },
  );

  return {
    options,
    loadState,
    loadError,
    lang,
    template,
    identity,
    includeEvidence,
    includeOscal,
    destination,
    starting,
    cancelling,
    startError,
    job,
    pollError,
    identities,
    chosen,
    running,
    unsigned,
    canStart,
    steps,
    load,
    pickDestination,
    start,
    cancel,
    reveal,
    reset,
    stopPolling,
  };
});
