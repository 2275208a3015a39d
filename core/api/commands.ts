/**
 * Commands the application menu sends to the window (main → renderer, one way). A fixed list:
 * main sends only these, the preload passes on only these, and the renderer dispatches only
 * these — a message with any other name is dropped on both sides.
 */

/** Every app command, by name. */
export const APP_COMMANDS = [
  /** File ▸ New assessment… — the new-assessment wizard. */
  'assessment.new',
  /** File ▸ Open assessment… — choose an assessment folder (desktop dialog). */
  'assessment.open',
  /** File ▸ Export… — the export screen of the open assessment. */
  'assessment.export',
  /** File ▸ Close assessment — save and close the open assessment. */
  'assessment.close',
  /**
   * File ▸ Import Submitted Packages… — the certification body's intake list; also sent when
   * packages the OS asked the app to open have been imported and no assessment is open.
   */
  'intake.show',
  /** Go ▸ Next unanswered (Alt+N in the window). */
  'go.nextUnanswered',
  /** Go ▸ Next blocking the target (Alt+B in the window). */
  'go.nextBlocking',
  /** Edit ▸ Undo: the text field's own undo while typing, the assessment's Undo elsewhere. */
  'edit.undo',
  /** Edit ▸ Redo: the text field's own redo while typing. */
  'edit.redo',
] as const;

export type AppCommand = (typeof APP_COMMANDS)[number];

const known: ReadonlySet<string> = new Set(APP_COMMANDS);

/** True for a name on the list (anything else, of any type, is refused). */
export function isAppCommand(value: unknown): value is AppCommand {
  return typeof value === 'string' && known.has(value);
}
