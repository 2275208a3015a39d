/**
 * `window.commands`: the application menu's commands for the page (core/api/commands.ts).
 * Main sends a command name on a one-way private channel; only names on the fixed list reach
 * the page, and the page never sees the IPC event (it would expose the sender).
 */
import { isAppCommand, type AppCommand } from '../../core/api/commands';
import { APP_COMMAND_CHANNEL } from '../common/private-channels';

export type Subscribe = (channel: typeof APP_COMMAND_CHANNEL, listener: (event: unknown, name: unknown) => void) => () => void;

export interface Commands {
  /** Calls `callback` with each command the menu sends; returns a function that stops it. */
  onCommand(callback: (name: AppCommand) => void): () => void;
}

export function buildCommands(subscribe: Subscribe): Readonly<Commands> {
  return Object.freeze({
    onCommand(callback: (name: AppCommand) => void): () => void {
      if (typeof callback !== 'function') throw new TypeError('onCommand needs a function');
      return subscribe(APP_COMMAND_CHANNEL, (_event, name) => {
        if (isAppCommand(name)) callback(name);
      });
    },
  });
}
