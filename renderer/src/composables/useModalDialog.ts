import { nextTick, onBeforeUnmount, watch, type Ref } from 'vue';

/**
 * Drives a native <dialog> from an `open` flag: showModal() gives focus containment, an
 * inert page behind and Escape for free. On opening, focus goes to `initialFocus` (or the
 * dialog's first control); on closing, back to whatever had it before, so a keyboard user
 * continues where they were.
 */
export function useModalDialog(dialog: Ref<HTMLDialogElement | null>, open: Ref<boolean>, initialFocus?: () => HTMLElement | null | undefined): void {
  let returnTo: HTMLElement | null = null;

  watch(
    open,
    async (isOpen) => {
      await nextTick();
      const el = dialog.value;
      if (!el) return;
      if (isOpen && !el.open) {
        returnTo = document.activeElement instanceof HTMLElement ? document.activeElement : null;
        // happy-dom and old engines lack showModal; the attribute still shows the content.
        if (typeof el.showModal === 'function') el.showModal();
        else el.setAttribute('open', '');
        initialFocus?.()?.focus();
      } else if (!isOpen && el.open) {
        if (typeof el.close === 'function') el.close();
        else el.removeAttribute('open');
        const target = returnTo;
        returnTo = null;
        if (target?.isConnected) target.focus();
      }
    },
    { immediate: true },
  );

  onBeforeUnmount(() => {
    if (dialog.value?.open && typeof dialog.value.close === 'function') dialog.value.close();
  });
}
