// Commands from the application menu (core/api/commands.ts), delivered by the preload's
// `window.commands.onCommand` (desktop only). A screen that owns a command registers a handler
// while it is mounted (the workspace: Go ▸ Next…, Close assessment); the rest have app-wide
// defaults here. Undo and Redo follow the same rule as the keyboard (`editTarget`).
import { onBeforeUnmount, onMounted } from 'vue';
import type { Router } from 'vue-router';
import { isAppCommand, type AppCommand } from '../../../core/api/commands';
import { useAppStore } from '../stores/app';
import { useAssessmentStore } from '../stores/assessment';
import { useNotificationsStore } from '../stores/notifications';
import { isTypingTarget } from './keyboard';

type Handler = () => unknown;

// Most recently mounted last: it wins.
const handlers = new Map<AppCommand, Handler[]>();

/** Runs `handler` for a menu command while the calling component is mounted. */
export function useAppCommand(name: AppCommand, handler: Handler): void {
  onMounted(() => handlers.set(name, [...(handlers.get(name) ?? []), handler]));
  onBeforeUnmount(() => handlers.set(name, (handlers.get(name) ?? []).filter((h) => h !== handler)));
}

/**
 * Where Undo or Redo goes, from the keyboard (Ctrl+Z) or the menu alike: a text field keeps
 * its own undo; with a dialog open nothing else is undone behind it; elsewhere the
 * assessment's Undo.
 */
export function editTarget(active: Element | null, dialogOpen: boolean): 'field' | 'app' | 'none' {
  if (isTypingTarget(active)) return 'field';
  return dialogOpen ? 'none' : 'app';
}

async function runDefault(name: AppCommand, router: Router): Promise<void> {
  const store = useAssessmentStore();
  const notifications = useNotificationsStore();
  switch (name) {
    case 'assessment.new':
      await router.push({ name: 'wizard' });
      return;
    case 'assessment.open': {
      const app = useAppStore();
      if (!app.hasDialogs) {
        await router.push({ name: 'start' });
        return;
      }
      const picked = await app.pickAssessment();
      if (picked) await router.push({ name: 'workspace', params: { handle: picked.handle } });
      return;
    }
    case 'assessment.export':
      if (!store.handle) notifications.announce('desktop.commands.noAssessment');
      else if (router.hasRoute('export')) await router.push({ name: 'export', params: { handle: store.handle } });
      else notifications.announce('desktop.commands.exportUnavailable');
      return;
    case 'assessment.close':
      // Leaving the workspace closes (and saves) the assessment.
      if (store.handle) await router.push({ name: 'start' });
      return;
    case 'edit.undo':
    case 'edit.redo': {
      const target = editTarget(document.activeElement, document.querySelector('dialog[open]') !== null);
      // The field's own undo stack, as if the key had been pressed in it.
      if (target === 'field') document.execCommand(name === 'edit.undo' ? 'undo' : 'redo');
      else if (target === 'app' && name === 'edit.undo' && store.handle) await store.undo();
      return;
    }
    case 'intake.show':
      // Leaving an open assessment saves and closes it, as for File ▸ New assessment.
      await router.push({ name: 'intake' });
      return;
    case 'go.nextUnanswered':
    case 'go.nextBlocking':
      // Only the open workspace can go anywhere; it registers these.
      if (!store.handle) notifications.announce('desktop.commands.noAssessment');
      return;
  }
}

/** Runs one menu command; false for a name that is not on the list (ignored). */
export async function runAppCommand(name: unknown, router: Router): Promise<boolean> {
  if (!isAppCommand(name)) return false;
  const own = handlers.get(name)?.at(-1);
  if (own) await own();
  else await runDefault(name, router);
  return true;
}

/** Listens to the application menu (desktop); returns a function that stops listening. */
export function installAppCommands(router: Router): () => void {
  const stop = window.commands?.onCommand((name) => void runAppCommand(name, router));
  return typeof stop === 'function' ? stop : () => undefined;
}
