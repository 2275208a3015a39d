import { onBeforeUnmount, ref, watch, type Ref } from 'vue';

/**
 * True once `busy` has lasted `delay` ms: quick work shows no flicker, long work shows a
 * progress indicator (the product's rule: anything over ~300 ms says it is working).
 */
export function useDelayedBusy(busy: Ref<boolean>, delay = 300): Ref<boolean> {
  const shown = ref(false);
  let timer: ReturnType<typeof setTimeout> | null = null;
  const stop = () => {
    if (timer) clearTimeout(timer);
    timer = null;
  };
  watch(
    busy,
    (b) => {
      stop();
      if (!b) shown.value = false;
      else timer = setTimeout(() => (shown.value = true), delay);
    },
    { immediate: true },
  );
  onBeforeUnmount(stop);
  return shown;
}
