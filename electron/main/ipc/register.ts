/**
 * The one place main listens to the renderer. Every contract channel goes through
 * `handle`: check who is calling, then `dispatch` (argument parsing, the handler, result
 * checking, error mapping). There is no other ipcMain listener in the app.
 *
 * #region SECURITY-SENSITIVE — the sender check runs before anything else.
 */
import { ipcMain, type IpcMainInvokeEvent } from 'electron';
import { contract, type ApiResult, type Channel } from '../../../core/api/contract';
import { dispatch } from '../dispatch';
import type { Handlers } from '../handlers';
import { isTrustedSender } from '../security/sender';

function forbidden(): ApiResult<never> {
  return {
    ok: false,
    error: { code: 'forbidden', message: 'This request did not come from the TF Assessor window and was refused.' },
  };
}

/** Registers one contract channel behind the sender check. */
export function handle(channel: Channel, handlers: Handlers): void {
  ipcMain.handle(channel, async (event: IpcMainInvokeEvent, rawArgs: unknown): Promise<ApiResult<unknown>> => {
    if (!isTrustedSender(event)) return forbidden();
    return dispatch(handlers, channel, rawArgs);
  });
}

/** Registers every channel of the contract; returns a function that removes them again. */
export function registerApi(handlers: Handlers): () => void {
  const channels = Object.keys(contract) as Channel[];
  for (const channel of channels) handle(channel, handlers);
  return () => {
    for (const channel of channels) ipcMain.removeHandler(channel);
  };
}
// #endregion
