/**
 * Who may call the API over IPC: only the app's own top-level page.
 *
 * #region SECURITY-SENSITIVE — sender.test.ts covers each rejected case.
 */
import type { IpcMainInvokeEvent, WebFrameMain } from 'electron';
import { APP_ORIGIN, originOf } from './origin';

/** The parts of the sending frame we judge; a structural type so tests need no Electron. */
export type SenderFrame = Pick<WebFrameMain, 'url'> & { parent: unknown };

/**
 * True when the message comes from the top frame of a page whose origin is exactly
 * `app://tf-assessor`. Sub-frames, about:blank, file://, other schemes and lookalike hosts
 * are refused, as is a frame that navigated away or was destroyed (senderFrame null).
 */
export function isTrustedSender(event: Pick<IpcMainInvokeEvent, 'senderFrame'> | { senderFrame: SenderFrame | null }): boolean {
  let frame: SenderFrame | null;
  try {
    // Reading senderFrame of a destroyed frame can throw in Electron.
    frame = event.senderFrame;
  } catch {
    return false;
  }
  if (!frame) return false;
  if (frame.parent !== null) return false;
  return typeof frame.url === 'string' && originOf(frame.url) === APP_ORIGIN;
}
// #endregion
