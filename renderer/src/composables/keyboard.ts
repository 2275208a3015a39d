/** True when a key press is meant for a text field (typing there must never trigger shortcuts). */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement) {
    return !['checkbox', 'radio', 'button', 'submit', 'reset', 'file', 'range', 'color'].includes(target.type);
  }
  return false;
}

/**
 * The workspace's keyboard shortcuts. Alt+letter is matched on the physical key (`code`),
 * because on macOS Option+N types "˜" and `key` would never be "n".
 */
export const SHORTCUTS = {
  nextUnanswered: { code: 'KeyN', alt: true, label: 'Alt+N' },
  nextBlocking: { code: 'KeyB', alt: true, label: 'Alt+B' },
  focusSearch: { key: '/', label: '/' },
  undo: { code: 'KeyZ', ctrl: true, label: 'Ctrl+Z' },
  help: { key: '?', label: '?' },
} as const;

export type ShortcutName = keyof typeof SHORTCUTS;

/** The shortcut a key press triggers, if any. */
export function shortcutFor(e: KeyboardEvent): ShortcutName | null {
  const mod = e.ctrlKey || e.metaKey;
  if (e.altKey && !mod && !e.shiftKey) {
    if (e.code === 'KeyN') return 'nextUnanswered';
    if (e.code === 'KeyB') return 'nextBlocking';
    return null;
  }
  if (mod && !e.altKey && !e.shiftKey && e.code === 'KeyZ') return 'undo';
  if (!mod && !e.altKey && e.key === '/') return 'focusSearch';
  if (!mod && !e.altKey && e.key === '?') return 'help';
  return null;
}
