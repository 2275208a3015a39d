/**
 * IPC channels that are deliberately not in the API contract (core/api/contract.ts): the
 * contract is what the browser bridge serves and what `window.api` is built from, and these
 * carry things that must never travel that way.
 * - INTAKE_FILE: a dropped file's path (docs/decisions/0010-evidence-intake.md, "Drag and
 *   drop on the desktop"). Renderer → main, only through the preload's `intake.registerFile`.
 * - APP_COMMAND: menu commands, main → renderer, one way (core/api/commands.ts).
 */
export const INTAKE_FILE_CHANNEL = 'tfa-private:intake:registerFile';
export const APP_COMMAND_CHANNEL = 'tfa-private:app:command';
