/**
 * Moves keyboard focus to an in-page target (skip link, section links) without touching the
 * URL fragment, and scrolls it into view. Targets carry tabindex="-1" so they can take focus.
 */
export function focusElementById(id: string): void {
  const target = document.getElementById(id);
  if (!target) return;
  target.focus({ preventScroll: true });
  target.scrollIntoView({ block: 'start' });
}
