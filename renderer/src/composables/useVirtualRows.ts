import { computed, type Ref } from 'vue';
import { observeElementRect, useVirtualizer } from '@tanstack/vue-virtual';

export interface VirtualRowsOptions {
  count: Ref<number>;
  /** The element that scrolls (overflow: auto). */
  scrollElement: Ref<HTMLElement | null>;
  /** A typical row height in px; rows are measured once rendered. */
  estimate: number;
  overscan?: number;
}

/**
 * Windowing for long tables and lists (thousands of findings, evidence items or journal
 * entries): only the rows near the viewport are in the DOM. The caller renders two spacer
 * rows of `paddingTop` / `paddingBottom` px around the window, so a native <table> keeps its
 * columns, its semantics and its sticky header. Heights are set through CSSOM (`:style`),
 * which the CSP allows.
 */
/** Rendered before layout, and whenever the scroller has no size yet. */
const FALLBACK_RECT = { width: 1024, height: 768 };

export function useVirtualRows(options: VirtualRowsOptions) {
  const virtualizer = useVirtualizer<HTMLElement, HTMLElement>(
    computed(() => ({
      count: options.count.value,
      getScrollElement: () => options.scrollElement.value,
      estimateSize: () => options.estimate,
      overscan: options.overscan ?? 8,
      // Before the first layout, and while the scroller has no size (not laid out yet, or a
      // DOM without layout), render a screenful of rows rather than an empty table.
      initialRect: FALLBACK_RECT,
      observeElementRect: (instance: Parameters<typeof observeElementRect<HTMLElement>>[0], cb: (rect: { width: number; height: number }) => void) =>
        observeElementRect(instance, (rect) => cb(rect.width === 0 && rect.height === 0 ? FALLBACK_RECT : rect)),
    })),
  );
  const items = computed(() => virtualizer.value.getVirtualItems());
  const paddingTop = computed(() => items.value[0]?.start ?? 0);
  const paddingBottom = computed(() => {
    const last = items.value[items.value.length - 1];
    return last ? Math.max(0, virtualizer.value.getTotalSize() - last.end) : 0;
  });
  /** Pass as a function ref on each row: `:ref="measure"` (rows carry `data-index`). */
  function measure(el: unknown): void {
    if (el instanceof HTMLElement) virtualizer.value.measureElement(el);
  }
  function scrollToIndex(index: number): void {
    virtualizer.value.scrollToIndex(index, { align: 'auto' });
  }
  return { items, paddingTop, paddingBottom, measure, scrollToIndex };
}
