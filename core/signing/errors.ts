/** Why a signing operation refused: one line a user can act on. */
export type SigningErrorCode =
  | 'bad-input'
  | 'wrong-passphrase'
  | 'unsupported'
  | 'not-yet-valid'
  | 'expired'
  | 'key-usage'
  | 'no-certificate';

/** A signing failure with a user-facing message (file, what is wrong, what to do). */
export class SigningError extends Error {
  constructor(
    public readonly code: SigningErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SigningError';
  }
}
